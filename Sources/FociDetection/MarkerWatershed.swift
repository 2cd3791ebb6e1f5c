/// Marker-controlled watershed on a score volume, 26-connected, with a one-voxel cut between
/// basins: lesions a voxel apart share a partial-volume gap that scores too, so thresholding
/// alone would join them.
enum MarkerWatershed {
  /// Floods from `markers` (basin ids > 0) the voxels scoring over `grow`, in order of
  /// decreasing score (a bucket queue of 512 levels between `grow` and the top score); a voxel
  /// joins the basin of its highest-scoring labelled neighbour (the first in z, y, x order on a
  /// tie). Then every basin voxel touching a basin of smaller id leaves, so no two basins stay
  /// adjacent.
  /// - Returns: per voxel its basin after the cut (0 for none), and each basin's size after
  ///   the cut (index = id).
  static func flood(score: [Float], markers: [Int32], basins: Int, grow: Float, dims: SIMD3<Int>) -> (basin: [Int32], sizes: [Int]) {
    let count = score.count
    var basin = markers
    let top = max(score.max() ?? 0, grow + 1e-3)
    let buckets = 512
    var queues = [[Int]](repeating: [], count: buckets)
    var queued = [Bool](repeating: false, count: count)
    let neighbours = Neighbours26(dims: dims)
    var sizes = [Int](repeating: 0, count: basins + 1)
    var kept = [Int32](repeating: 0, count: count)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 26) { list in
      let list = list.baseAddress!
      score.withUnsafeBufferPointer { score in
        basin.withUnsafeMutableBufferPointer { basin in
          queued.withUnsafeMutableBufferPointer { queued in
            func bucket(_ value: Float) -> Int { min(buckets - 1, max(0, Int((value - grow) / (top - grow) * Float(buckets - 1)))) }
            for n in 0..<count where basin[n] != 0 {
              for t in 0..<neighbours.list(n, into: list) {
                let m = list[t]
                if basin[m] == 0, !queued[m], score[m] > grow {
                  queued[m] = true
                  queues[bucket(score[m])].append(m)
                }
              }
            }
            var level = buckets - 1
            while level >= 0 {
              guard let n = queues[level].popLast() else {
                level -= 1
                continue
              }
              let found = neighbours.list(n, into: list)
              var best: Int32 = 0, bestScore = -Float.infinity
              for t in 0..<found {
                let m = list[t]
                if basin[m] != 0, score[m] > bestScore { (best, bestScore) = (basin[m], score[m]) }
              }
              basin[n] = best
              for t in 0..<found {
                let m = list[t]
                if basin[m] == 0, !queued[m], score[m] > grow {
                  queued[m] = true
                  let b = bucket(score[m])
                  queues[b].append(m)
                  if b > level { level = b }
                }
              }
            }
            kept.withUnsafeMutableBufferPointer { kept in
              for n in 0..<count where basin[n] != 0 {
                var touches = false
                for t in 0..<neighbours.list(n, into: list) where basin[list[t]] != 0 && basin[list[t]] < basin[n] {
                  touches = true
                  break
                }
                if !touches {
                  kept[n] = basin[n]
                  sizes[Int(basin[n])] += 1
                }
              }
            }
          }
        }
      }
    }
    return (kept, sizes)
  }
}

/// The 26 neighbours of a voxel inside the grid, in z, y, x order.
struct Neighbours26 {
  let dims: SIMD3<Int>
  let offsets: [Int]
  /// Per voxel: whether it lies on a face of the grid (fewer than 26 neighbours), so inner
  /// voxels need no index arithmetic.
  let onFace: [Bool]

  init(dims: SIMD3<Int>) {
    self.dims = dims
    var offsets: [Int] = []
    for dk in -1...1 {
      for dj in -1...1 {
        for di in -1...1 where (di, dj, dk) != (0, 0, 0) { offsets.append(di + dims.x * (dj + dims.y * dk)) }
      }
    }
    self.offsets = offsets
    var onFace = [Bool](repeating: false, count: dims.x * dims.y * dims.z)
    for k in 0..<dims.z {
      for j in 0..<dims.y {
        let row = dims.x * (j + dims.y * k)
        if k == 0 || j == 0 || k == dims.z - 1 || j == dims.y - 1 {
          for i in 0..<dims.x { onFace[row + i] = true }
        } else {
          onFace[row] = true
          onFace[row + dims.x - 1] = true
        }
      }
    }
    self.onFace = onFace
  }

  /// Writes the indices of `n`'s neighbours into `list` (room for 26) and returns how many.
  @inline(__always)
  func list(_ n: Int, into list: UnsafeMutablePointer<Int>) -> Int {
    if !onFace[n] {
      offsets.withUnsafeBufferPointer { o in
        for t in 0..<26 { list[t] = n + o[t] }
      }
      return 26
    }
    let i = n % dims.x, j = (n / dims.x) % dims.y, k = n / (dims.x * dims.y)
    var found = 0
    for dk in -1...1 where k + dk >= 0 && k + dk < dims.z {
      for dj in -1...1 where j + dj >= 0 && j + dj < dims.y {
        for di in -1...1 where i + di >= 0 && i + di < dims.x && (di, dj, dk) != (0, 0, 0) {
          list[found] = n + di + dims.x * (dj + dims.y * dk)
          found += 1
        }
      }
    }
    return found
  }
}

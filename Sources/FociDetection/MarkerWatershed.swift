import FociComponents
import FociCore

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
    var queues = [[Int32]](repeating: [], count: buckets)
    // 1 for a voxel that may still join the flood: unlabelled, over `grow`, not yet queued. One
    // byte to test per neighbour instead of three arrays.
    var open = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
      for n in 0..<count { out[n] = markers[n] == 0 && score[n] > grow ? 1 : 0 }
      initialized = count
    }
    let neighbours = Neighbours26(dims: dims)
    var sizes = [Int](repeating: 0, count: basins + 1)
    var kept = [Int32](repeating: 0, count: count)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 26) { list in
      let list = list.baseAddress!
      score.withUnsafeBufferPointer { score in
        basin.withUnsafeMutableBufferPointer { basin in
          open.withUnsafeMutableBufferPointer { open in
            func bucket(_ value: Float) -> Int { min(buckets - 1, max(0, Int((value - grow) / (top - grow) * Float(buckets - 1)))) }
            for n in 0..<count where basin[n] != 0 {
              for t in 0..<neighbours.list(n, into: list) {
                let m = list[t]
                if open[m] != 0 {
                  open[m] = 0
                  queues[bucket(score[m])].append(Int32(m))
                }
              }
            }
            var level = buckets - 1
            while level >= 0 {
              guard let popped = queues[level].popLast() else {
                level -= 1
                continue
              }
              let n = Int(popped)
              let found = neighbours.list(n, into: list)
              var best: Int32 = 0, bestScore = -Float.infinity
              for t in 0..<found {
                let m = list[t]
                if basin[m] != 0, score[m] > bestScore { (best, bestScore) = (basin[m], score[m]) }
              }
              basin[n] = best
              for t in 0..<found {
                let m = list[t]
                if open[m] != 0 {
                  open[m] = 0
                  let b = bucket(score[m])
                  queues[b].append(Int32(m))
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

  /// Splits each marker (`markers`: component ids, 0 none, of the parts of `score` over
  /// `level`) that holds two or more separate peaks. From `ratio` times `level` upward, in
  /// steps of `ratio`, the marker's voxels over the level are labelled (26-connected); where
  /// at least two parts of `minimumVoxels` or more rise a further step (their top over `ratio`
  /// times the level), the marker becomes those parts, one marker each, and its other voxels
  /// are left to the flood.
  /// A peak is kept apart once its rise above the saddle it shares with another is a step; a
  /// small lesion beside a larger one then floods a basin of its own.
  /// Markers are separate components and stay so, so each is split on its own, labelling only
  /// the box around its voxels (a marker's parts go on from the next level as markers of
  /// their own).
  /// - Returns: the number of markers (ids are 1...that).
  static func splitPeaks(
    _ markers: inout [UInt32], over level: Float, score: [Float], dims: SIMD3<Int>, ratio: Float, minimumVoxels: Int
  ) -> Int {
    var markerCount = Int(markers.max() ?? 0)
    guard ratio > 1, markerCount > 0 else { return markerCount }
    let least = max(minimumVoxels, 1)
    // Each marker's voxels (all of them over `level`), in index order.
    var voxels = [[Int]](repeating: [], count: markerCount + 1)
    for n in markers.indices where markers[n] != 0 { voxels[Int(markers[n])].append(n) }
    // Work: a marker's voxels (every voxel holding its id) and the level its parts are looked
    // for at.
    var pending = voxels.filter { $0.count >= 2 * least }.map { ($0, level * ratio) }
    voxels = []
    let plane = dims.x * dims.y
    while let (members, start) = pending.popLast() {
      var active = members
      var level = start
      while true {
        active.removeAll { score[$0] <= level }
        // Fewer voxels than two peaks need: nothing left to split at this level or above.
        guard active.count >= 2 * least else { break }
        var lo = dims, hi = SIMD3<Int>(repeating: -1)
        for n in active {
          let v = SIMD3(n % dims.x, (n / dims.x) % dims.y, n / plane)
          lo = pointwiseMin(lo, v)
          hi = pointwiseMax(hi, v)
        }
        let size = hi &- lo &+ 1
        func inBox(_ n: Int) -> Int {
          (n % dims.x - lo.x) + size.x * ((n / dims.x) % dims.y - lo.y + size.y * (n / plane - lo.z))
        }
        var mask = [UInt8](repeating: 0, count: size.x * size.y * size.z)
        for n in active { mask[inBox(n)] = 1 }
        let parts = ConnectedComponents.label(Volume(grid: Grid(dims: size, spacingMM: SIMD3(1, 1, 1)), voxels: mask), connectivity: .corners26)
        if parts.count > 1 {
          let ids = parts.labels.labels32
          var peak = [Float](repeating: 0, count: parts.count + 1)
          for n in active {
            let p = Int(ids[inBox(n)])
            peak[p] = max(peak[p], score[n])
          }
          let qualifying = (1...parts.count).filter { p in parts.voxelCounts[p - 1] >= least && peak[p] >= level * ratio }
          if qualifying.count >= 2 {
            // The marker keeps only its peaks' parts, each a marker; its other voxels are left
            // to the flood.
            var renamed = [UInt32](repeating: 0, count: parts.count + 1)
            var split = [[Int]](repeating: [], count: parts.count + 1)
            for p in qualifying {
              markerCount += 1
              renamed[p] = UInt32(markerCount)
            }
            for n in members {
              let p = score[n] > level ? Int(ids[inBox(n)]) : 0
              markers[n] = renamed[p]
              if renamed[p] != 0 { split[p].append(n) }
            }
            for p in qualifying.reversed() where split[p].count >= 2 * least {
              pending.append((split[p], level * ratio))
            }
            break
          }
        }
        level *= ratio
      }
    }
    return markerCount
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
    if !onFace.withUnsafeBufferPointer({ $0[n] }) {
      offsets.withUnsafeBufferPointer { o in
        for t in 0..<26 { list[t] = n + o[t] }
      }
      return 26
    }
    return Self.list(n, dims: dims, into: list)
  }

  /// `list(_:into:)` by coordinates alone, for any voxel of a grid of `dims` (no per-voxel
  /// table: for callers visiting a few voxels of a large box).
  @inline(__always)
  static func list(_ n: Int, dims: SIMD3<Int>, into list: UnsafeMutablePointer<Int>) -> Int {
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

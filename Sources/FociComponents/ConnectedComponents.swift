import FociCore

/// 3D connected-component labelling of binary volumes, in parallel, with deterministic numbering.
///
/// The algorithm works on runs (maximal foreground spans of a row), like ITK's
/// `ConnectedComponentImageFilter`:
/// 1. The volume is cut into slabs of whole z slices, a count fixed by the volume's size.
///    Each slab is scanned in parallel: its rows become runs, and each run is joined
///    (union-find, path compression, smaller index as root) with the runs it touches in the
///    rows before it inside the slab: the same slice's previous row, and up to three rows of
///    the previous slice, with a one-voxel reach along x where the connectivity has edge or
///    corner neighbours.
/// 2. The slabs' runs are numbered globally (slab order), and the first slice of each slab
///    is joined with the last slice of the slab before it.
/// 3. Roots are, by construction, the first run of each component in raster order, so
///    numbering the kept roots in index order numbers components by their first voxel
///    (x fastest, then y, then z), whatever the slab or thread count. Components smaller than
///    `minimumVoxels` are dropped (their voxels become 0) before numbering.
/// 4. Every row is written in parallel: zeros between runs, the component id over them.
///
/// - Complexity: O(voxels) to scan and write, near O(runs) for the unions.
public enum ConnectedComponents {
  /// Labels the non-zero voxels of a mask.
  public static func label(
    _ mask: Volume<UInt8>, connectivity: Connectivity = .corners26, minimumVoxels: Int = 1,
    maxThreads: Int? = nil
  ) -> ComponentLabels {
    mask.voxels.withUnsafeBufferPointer { voxels in
      label(voxels, grid: mask.grid, connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads) { $0 != 0 }
    }
  }

  /// Labels the non-zero voxels of a float volume (NaN counts as non-zero, as `x != 0` does).
  public static func label(
    _ volume: Volume<Float>, connectivity: Connectivity = .corners26, minimumVoxels: Int = 1,
    maxThreads: Int? = nil
  ) -> ComponentLabels {
    volume.voxels.withUnsafeBufferPointer { voxels in
      label(voxels, grid: volume.grid, connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads) { $0 != 0 }
    }
  }

  /// Slabs for a grid: about 256 Ki voxels each, at most 64, never more than the slices.
  /// Depends on the grid only, so results cannot depend on the machine.
  static func slabCount(for grid: Grid) -> Int {
    max(1, min(grid.dims.z, 64, grid.voxelCount >> 18))
  }

  static func label<V>(
    _ voxels: UnsafeBufferPointer<V>, grid: Grid, connectivity: Connectivity, minimumVoxels: Int,
    maxThreads: Int?, slabs requestedSlabs: Int? = nil, isForeground: @escaping @Sendable (V) -> Bool
  ) -> ComponentLabels {
    precondition(voxels.count == grid.voxelCount, "voxel count must match the grid")
    precondition(grid.voxelCount < Int(UInt32.max), "more voxels than 32-bit labels can hold")
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    let slabCount = min(nz, max(1, requestedSlabs ?? slabCount(for: grid)))
    let zRanges = ParallelSlabs.ranges(total: nz, pieces: slabCount)
    let slabs = zRanges.map { RowRuns(firstZ: $0.lowerBound, depth: $0.count, rowsPerSlice: ny) }
    let input = UncheckedSendable(voxels)

    // 1. Runs and unions inside each slab.
    ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
      scanSlab(slabs[s], input: input.value, nx: nx, ny: ny, connectivity: connectivity, isForeground: isForeground)
    }

    // 2. Global numbering and the joins across slab borders.
    var runCounts = [Int](repeating: 0, count: slabCount + 1)
    for s in 0..<slabCount { runCounts[s + 1] = runCounts[s] + slabs[s].count }
    let bases = runCounts
    let total = bases[slabCount]
    precondition(total < Int(UInt32.max), "more runs than 32-bit indices can hold")
    var parent = [UInt32](unsafeUninitializedCapacity: total) { buffer, initialized in
      for s in 0..<slabCount {
        let base = UInt32(bases[s])
        for (i, p) in slabs[s].parent.enumerated() { buffer[bases[s] + i] = p + base }
        slabs[s].parent = []
      }
      initialized = total
    }
    parent.withUnsafeMutableBufferPointer { forest in
      for s in 1..<max(1, slabCount) {
        joinBorder(
          lower: slabs[s - 1], lowerBase: bases[s - 1], upper: slabs[s], upperBase: bases[s],
          ny: ny, connectivity: connectivity, forest: forest)
      }
    }

    // 3. Roots (parents always precede children), sizes, and numbering in raster order.
    var sizes = [Int](repeating: 0, count: total)
    var finalId = [UInt32](repeating: 0, count: total)
    var voxelCounts: [Int] = []
    parent.withUnsafeMutableBufferPointer { root in
      for s in 0..<slabCount {
        let runs = slabs[s]
        for i in 0..<runs.count {
          let g = bases[s] + i
          let p = Int(root[g])
          if p != g { root[g] = root[p] }
          sizes[Int(root[g])] += Int(runs.ends[i] - runs.starts[i])
        }
      }
      var next: UInt32 = 0
      for g in 0..<total where Int(root[g]) == g && sizes[g] >= minimumVoxels {
        next += 1
        finalId[g] = next
        voxelCounts.append(sizes[g])
      }
      for g in 0..<total { finalId[g] = finalId[Int(root[g])] }
    }

    // 4. Write every voxel once.
    let labels = [UInt32](unsafeUninitializedCapacity: grid.voxelCount) { out, initialized in
      if let base = out.baseAddress { HugePages.advise(base, byteCount: out.count * 4) }
      let target = UncheckedSendable(out)
      let ids = UncheckedSendable(finalId)
      ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
        writeSlab(slabs[s], base: bases[s], ids: ids.value, nx: nx, ny: ny, into: target.value)
      }
      initialized = grid.voxelCount
    }
    return ComponentLabels(grid: grid, labels: labels, count: voxelCounts.count, voxelCounts: voxelCounts)
  }

  // MARK: - Kernels

  /// Extracts the runs of every row of the slab and joins each with the earlier rows it touches.
  private static func scanSlab<V>(
    _ slab: RowRuns, input: UnsafeBufferPointer<V>, nx: Int, ny: Int, connectivity: Connectivity,
    isForeground: (V) -> Bool
  ) {
    var starts: [Int32] = []
    var ends: [Int32] = []
    starts.reserveCapacity(1024)
    ends.reserveCapacity(1024)
    var rowFirst = slab.rowFirstRun
    for dz in 0..<slab.depth {
      let z = slab.firstZ + dz
      for y in 0..<ny {
        rowFirst[dz * ny + y] = Int32(starts.count)
        let row = (z * ny + y) * nx
        var x = 0
        while x < nx {
          while x < nx, !isForeground(input[row &+ x]) { x &+= 1 }
          if x == nx { break }
          let start = x
          while x < nx, isForeground(input[row &+ x]) { x &+= 1 }
          starts.append(Int32(start))
          ends.append(Int32(x))
        }
      }
    }
    rowFirst[slab.depth * ny] = Int32(starts.count)
    slab.starts = starts
    slab.ends = ends
    slab.rowFirstRun = rowFirst

    var parent = [UInt32](unsafeUninitializedCapacity: starts.count) { b, n in
      for i in 0..<starts.count { b[i] = UInt32(i) }
      n = starts.count
    }
    let neighbours = neighbourRows(connectivity)
    starts.withUnsafeBufferPointer { s in
      ends.withUnsafeBufferPointer { e in
        parent.withUnsafeMutableBufferPointer { forest in
          for dz in 0..<slab.depth {
            let z = slab.firstZ + dz
            for y in 0..<ny {
              let current = slab.runs(y: y, z: z)
              if current.isEmpty { continue }
              for n in neighbours {
                let (py, pz) = (y + n.dy, z + n.dz)
                guard py >= 0, py < ny, pz >= slab.firstZ else { continue }
                let previous = slab.runs(y: py, z: pz)
                joinRows(current, s, e, 0, previous, s, e, 0, reach: n.reach, forest: forest)
              }
            }
          }
        }
      }
    }
    slab.parent = parent
  }

  /// Joins the first slice of `upper` with the last slice of `lower`.
  private static func joinBorder(
    lower: RowRuns, lowerBase: Int, upper: RowRuns, upperBase: Int, ny: Int,
    connectivity: Connectivity, forest: UnsafeMutableBufferPointer<UInt32>
  ) {
    let z = upper.firstZ
    lower.starts.withUnsafeBufferPointer { ls in
      lower.ends.withUnsafeBufferPointer { le in
        upper.starts.withUnsafeBufferPointer { us in
          upper.ends.withUnsafeBufferPointer { ue in
            for y in 0..<ny {
              let current = upper.runs(y: y, z: z)
              if current.isEmpty { continue }
              for n in neighbourRows(connectivity) where n.dz == -1 {
                let py = y + n.dy
                guard py >= 0, py < ny else { continue }
                let previous = lower.runs(y: py, z: z - 1)
                joinRows(current, us, ue, upperBase, previous, ls, le, lowerBase, reach: n.reach, forest: forest)
              }
            }
          }
        }
      }
    }
  }

  /// A row that may hold neighbours of the current row: offset (dy, dz) and how far along x
  /// a touching run may lie beyond the current one (0 = must overlap, 1 = diagonal contact).
  struct NeighbourRow {
    var dy: Int
    var dz: Int
    var reach: Int32
  }

  /// The earlier rows (in raster order) that neighbour a row, for a connectivity.
  static func neighbourRows(_ connectivity: Connectivity) -> [NeighbourRow] {
    switch connectivity {
    case .faces6:
      [NeighbourRow(dy: -1, dz: 0, reach: 0), NeighbourRow(dy: 0, dz: -1, reach: 0)]
    case .edges18:
      [
        NeighbourRow(dy: -1, dz: 0, reach: 1), NeighbourRow(dy: 0, dz: -1, reach: 1),
        NeighbourRow(dy: -1, dz: -1, reach: 0), NeighbourRow(dy: 1, dz: -1, reach: 0),
      ]
    case .corners26:
      [
        NeighbourRow(dy: -1, dz: 0, reach: 1), NeighbourRow(dy: 0, dz: -1, reach: 1),
        NeighbourRow(dy: -1, dz: -1, reach: 1), NeighbourRow(dy: 1, dz: -1, reach: 1),
      ]
    }
  }

  /// Unions every run of `current` with every run of `previous` it touches. Runs in a row are
  /// sorted and disjoint, so one forward sweep finds all pairs.
  @inline(__always)
  private static func joinRows(
    _ current: Range<Int>, _ cs: UnsafeBufferPointer<Int32>, _ ce: UnsafeBufferPointer<Int32>, _ cBase: Int,
    _ previous: Range<Int>, _ ps: UnsafeBufferPointer<Int32>, _ pe: UnsafeBufferPointer<Int32>, _ pBase: Int,
    reach: Int32, forest: UnsafeMutableBufferPointer<UInt32>
  ) {
    if previous.isEmpty { return }
    var j = previous.lowerBound
    for i in current {
      let start = cs[i], end = ce[i]
      while j < previous.upperBound, pe[j] &+ reach <= start { j &+= 1 }
      var k = j
      while k < previous.upperBound, ps[k] < end &+ reach {
        union(UInt32(cBase &+ i), UInt32(pBase &+ k), forest)
        k &+= 1
      }
    }
  }

  @inline(__always)
  private static func find(_ i: UInt32, _ forest: UnsafeMutableBufferPointer<UInt32>) -> UInt32 {
    var root = i
    while forest[Int(root)] != root { root = forest[Int(root)] }
    var node = i
    while forest[Int(node)] != root {
      let next = forest[Int(node)]
      forest[Int(node)] = root
      node = next
    }
    return root
  }

  /// Joins two trees under the smaller root, so a root is always its component's first run.
  @inline(__always)
  private static func union(_ a: UInt32, _ b: UInt32, _ forest: UnsafeMutableBufferPointer<UInt32>) {
    let ra = find(a, forest), rb = find(b, forest)
    if ra < rb {
      forest[Int(rb)] = ra
    } else if rb < ra {
      forest[Int(ra)] = rb
    }
  }

  private static func writeSlab(
    _ slab: RowRuns, base: Int, ids: [UInt32], nx: Int, ny: Int, into out: UnsafeMutableBufferPointer<UInt32>
  ) {
    ids.withUnsafeBufferPointer { ids in
      for dz in 0..<slab.depth {
        let z = slab.firstZ + dz
        for y in 0..<ny {
          let row = (z * ny + y) * nx
          var x = 0
          for i in slab.runs(y: y, z: z) {
            let start = Int(slab.starts[i]), end = Int(slab.ends[i])
            if start > x { out.baseAddress!.advanced(by: row + x).update(repeating: 0, count: start - x) }
            out.baseAddress!.advanced(by: row + start).update(repeating: ids[base + i], count: end - start)
            x = end
          }
          if x < nx { out.baseAddress!.advanced(by: row + x).update(repeating: 0, count: nx - x) }
        }
      }
    }
  }
}

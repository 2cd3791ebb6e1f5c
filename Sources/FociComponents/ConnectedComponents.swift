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
/// 4. The result is kept as runs with their ids (`RunLabels`); a label map is rendered from
///    them row by row, in parallel: zeros between runs, the component id over them.
///
/// - Complexity: O(voxels) to scan and write, near O(runs) for the unions.
public enum ConnectedComponents {
  /// Labels the non-zero voxels of a mask.
  public static func label(
    _ mask: Volume<UInt8>, connectivity: Connectivity = .corners26, minimumVoxels: Int = 1,
    maxThreads: Int? = nil
  ) -> ComponentLabels {
    mask.voxels.withUnsafeBufferPointer { voxels in
      label(voxels, grid: mask.grid, connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads)
    }
  }

  /// Labels the non-zero voxels of a float volume (NaN counts as non-zero, as `x != 0` does).
  public static func label(
    _ volume: Volume<Float>, connectivity: Connectivity = .corners26, minimumVoxels: Int = 1,
    maxThreads: Int? = nil
  ) -> ComponentLabels {
    let mask = volume.voxels.withUnsafeBufferPointer { input in
      let source = UncheckedSendable(input)
      return ParallelSlabs.array(count: input.count, maxThreads: maxThreads) { range, out in
        for n in range { out[n - range.lowerBound] = source.value[n] != 0 ? UInt8(1) : 0 }
      }
    }
    return label(Volume(grid: volume.grid, voxels: mask), connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads)
  }

  /// Slabs for a grid: at least 512 Ki voxels each, at most 8 (each border costs a sequential
  /// join), never more than the slices. Depends on the grid only, never on the machine.
  static func slabCount(for grid: Grid) -> Int {
    max(1, min(grid.dims.z, 8, grid.voxelCount >> 18))
  }

  static func label(
    _ voxels: UnsafeBufferPointer<UInt8>, grid: Grid, connectivity: Connectivity, minimumVoxels: Int,
    maxThreads: Int?, slabs requestedSlabs: Int? = nil
  ) -> ComponentLabels {
    labelRuns(
      voxels, grid: grid, connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads,
      slabs: requestedSlabs
    ).componentLabels(maxThreads: maxThreads)
  }

  /// Labels the non-zero voxels of a mask and keeps the result as runs (`RunLabels`): the same
  /// components and ids as `label`, without a voxel-sized array, for writing a label map
  /// straight to a file or measuring components run by run.
  public static func labelRuns(
    _ mask: Volume<UInt8>, connectivity: Connectivity = .corners26, minimumVoxels: Int = 1, maxThreads: Int? = nil
  ) -> RunLabels {
    mask.voxels.withUnsafeBufferPointer { voxels in
      labelRuns(voxels, grid: mask.grid, connectivity: connectivity, minimumVoxels: minimumVoxels, maxThreads: maxThreads)
    }
  }

  static func labelRuns(
    _ voxels: UnsafeBufferPointer<UInt8>, grid: Grid, connectivity: Connectivity, minimumVoxels: Int,
    maxThreads: Int?, slabs requestedSlabs: Int? = nil
  ) -> RunLabels {
    precondition(voxels.count == grid.voxelCount, "voxel count must match the grid")
    precondition(grid.voxelCount < Int(UInt32.max), "more voxels than 32-bit labels can hold")
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    let slabCount = min(nz, max(1, requestedSlabs ?? slabCount(for: grid)))
    let zRanges = ParallelSlabs.ranges(total: nz, pieces: slabCount)
    let slabs = zRanges.map { RowRuns(firstZ: $0.lowerBound, depth: $0.count, rowsPerSlice: ny) }
    let input = UncheckedSendable(voxels)

    // 1. Runs and unions inside each slab.
    ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
      scanSlab(slabs[s], input: input.value, nx: nx, ny: ny, connectivity: connectivity)
    }

    // 2. Global numbering and the joins across slab borders.
    var runCounts = [Int](repeating: 0, count: slabCount + 1)
    for s in 0..<slabCount { runCounts[s + 1] = runCounts[s] + slabs[s].count }
    let bases = runCounts
    let total = bases[slabCount]
    precondition(total < Int(UInt32.max), "more runs than 32-bit indices can hold")
    var parent = [UInt32](unsafeUninitializedCapacity: total) { buffer, initialized in
      let target = UncheckedSendable(buffer)
      ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
        let offset = UInt32(bases[s])
        slabs[s].parent.withUnsafeBufferPointer { local in
          for i in 0..<local.count { target.value[bases[s] &+ i] = local[i] &+ offset }
        }
      }
      initialized = total
    }
    for slab in slabs { slab.parent = [] }
    parent.withUnsafeMutableBufferPointer { forest in
      for s in 1..<max(1, slabCount) {
        joinBorder(
          lower: slabs[s - 1], lowerBase: bases[s - 1], upper: slabs[s], upperBase: bases[s],
          input: voxels, nx: nx, ny: ny, connectivity: connectivity, forest: forest)
      }
    }

    // 3. Roots, sizes and numbering in raster order, each step slab by slab in parallel.
    // Roots first (each run walks up a forest nobody writes any more).
    var finalId = [UInt32](repeating: 0, count: total)
    var voxelCounts: [Int] = []
    parent.withUnsafeMutableBufferPointer { forest in
      let shared = UncheckedSendable(forest)
      let rootOf = [UInt32](unsafeUninitializedCapacity: total) { out, initialized in
        let target = UncheckedSendable(out)
        ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
          for g in bases[s]..<bases[s + 1] {
            var r = shared.value[g]
            while shared.value[Int(r)] != r { r = shared.value[Int(r)] }
            target.value[g] = r
          }
        }
        initialized = total
      }
      // Sizes: each slab adds its runs into the roots it owns; runs whose root lies in an
      // earlier slab (components crossing a border) are added afterwards, in slab order.
      var sizes = [Int](repeating: 0, count: total)
      var crossings = [[(root: Int, voxels: Int)]](repeating: [], count: slabCount)
      rootOf.withUnsafeBufferPointer { rootOf in
        sizes.withUnsafeMutableBufferPointer { sizesBuffer in
          crossings.withUnsafeMutableBufferPointer { crossingsBuffer in
            let roots = UncheckedSendable(rootOf), target = UncheckedSendable(sizesBuffer)
            let lists = UncheckedSendable(crossingsBuffer)
            ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
              var crossing: [(root: Int, voxels: Int)] = []
              slabs[s].starts.withUnsafeBufferPointer { starts in
                slabs[s].ends.withUnsafeBufferPointer { ends in
                  for i in 0..<starts.count {
                    let root = Int(roots.value[bases[s] &+ i])
                    let voxels = Int(ends[i] &- starts[i])
                    if root >= bases[s] { target.value[root] &+= voxels } else { crossing.append((root, voxels)) }
                  }
                }
              }
              lists.value[s] = crossing
            }
          }
          for list in crossings { for c in list { sizesBuffer[c.root] &+= c.voxels } }
        }
      }
      // Numbering: count kept roots per slab, prefix-sum, then number each slab's roots in
      // index order, all in parallel; ids are the same as one sequential sweep would give.
      var keptPerSlab = [Int](repeating: 0, count: slabCount + 1)
      rootOf.withUnsafeBufferPointer { rootOf in
        sizes.withUnsafeBufferPointer { sizes in
          keptPerSlab.withUnsafeMutableBufferPointer { kept in
            let roots = UncheckedSendable(rootOf), sz = UncheckedSendable(sizes), out = UncheckedSendable(kept)
            ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
              var n = 0
              for g in bases[s]..<bases[s + 1] where Int(roots.value[g]) == g && sz.value[g] >= minimumVoxels { n &+= 1 }
              out.value[s + 1] = n
            }
          }
        }
      }
      for s in 0..<slabCount { keptPerSlab[s + 1] += keptPerSlab[s] }
      let firstId = keptPerSlab
      voxelCounts = [Int](repeating: 0, count: firstId[slabCount])
      rootOf.withUnsafeBufferPointer { rootOf in
        sizes.withUnsafeBufferPointer { sizes in
          finalId.withUnsafeMutableBufferPointer { finalId in
            voxelCounts.withUnsafeMutableBufferPointer { counts in
              let roots = UncheckedSendable(rootOf), sz = UncheckedSendable(sizes)
              let ids = UncheckedSendable(finalId), out = UncheckedSendable(counts)
              ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
                var next = firstId[s]
                for g in bases[s]..<bases[s + 1] where Int(roots.value[g]) == g && sz.value[g] >= minimumVoxels {
                  out.value[next] = sz.value[g]
                  next &+= 1
                  ids.value[g] = UInt32(next)
                }
              }
              ParallelSlabs.forEach(count: slabCount, maxThreads: maxThreads) { s in
                // Roots are only read here (their own entries are never written), so slabs may
                // look up roots in earlier slabs while those fill in their members.
                for g in bases[s]..<bases[s + 1] where Int(roots.value[g]) != g {
                  ids.value[g] = ids.value[Int(roots.value[g])]
                }
              }
            }
          }
        }
      }
    }
    return RunLabels(grid: grid, slabs: slabs, bases: bases, ids: finalId, voxelCounts: voxelCounts)
  }

  // MARK: - Kernels

  /// Extracts the runs of every row of the slab and joins each with the earlier rows it touches.
  private static func scanSlab(
    _ slab: RowRuns, input: UnsafeBufferPointer<UInt8>, nx: Int, ny: Int, connectivity: Connectivity
  ) {
    var starts: [Int32] = []
    var ends: [Int32] = []
    starts.reserveCapacity(4096)
    ends.reserveCapacity(4096)
    var rowFirst = [Int32](repeating: 0, count: slab.depth * ny + 1)
    let base = input.baseAddress!
    for dz in 0..<slab.depth {
      let z = slab.firstZ + dz
      for y in 0..<ny {
        rowFirst[dz * ny + y] = Int32(starts.count)
        RunScanner.forEachRun(base + (z * ny + y) * nx, count: nx) { start, end in
          starts.append(Int32(start))
          ends.append(Int32(end))
        }
      }
    }
    rowFirst[slab.depth * ny] = Int32(starts.count)

    var parent = [UInt32](unsafeUninitializedCapacity: starts.count) { b, n in
      for i in 0..<starts.count { b[i] = UInt32(i) }
      n = starts.count
    }
    let neighbours = neighbourRows(connectivity)
    starts.withUnsafeBufferPointer { s in
      ends.withUnsafeBufferPointer { e in
        rowFirst.withUnsafeBufferPointer { rows in
          parent.withUnsafeMutableBufferPointer { forest in
            for dz in 0..<slab.depth {
              for y in 0..<ny {
                let r = dz * ny + y
                let current = Int(rows[r])..<Int(rows[r + 1])
                if current.isEmpty { continue }
                for n in neighbours {
                  let (py, pdz) = (y + n.dy, dz + n.dz)
                  guard py >= 0, py < ny, pdz >= 0 else { continue }
                  let p = pdz * ny + py
                  let previous = Int(rows[p])..<Int(rows[p + 1])
                  joinRows(
                    current, s, e, 0, previous, base + ((slab.firstZ + pdz) * ny + py) * nx, e, 0, nx: nx,
                    reach: n.reach, forest: forest)
                }
              }
            }
          }
        }
      }
    }
    slab.starts = starts
    slab.ends = ends
    slab.rowFirstRun = rowFirst
    slab.parent = parent
  }

  /// Joins the first slice of `upper` with the last slice of `lower`.
  private static func joinBorder(
    lower: RowRuns, lowerBase: Int, upper: RowRuns, upperBase: Int, input: UnsafeBufferPointer<UInt8>, nx: Int, ny: Int,
    connectivity: Connectivity, forest: UnsafeMutableBufferPointer<UInt32>
  ) {
    let z = upper.firstZ
    let neighbours = neighbourRows(connectivity).filter { $0.dz == -1 }
    lower.starts.withUnsafeBufferPointer { ls in
      lower.ends.withUnsafeBufferPointer { le in
        upper.starts.withUnsafeBufferPointer { us in
          upper.ends.withUnsafeBufferPointer { ue in
            for y in 0..<ny {
              let current = upper.runs(y: y, z: z)
              if current.isEmpty { continue }
              for n in neighbours {
                let py = y + n.dy
                guard py >= 0, py < ny else { continue }
                let previous = lower.runs(y: py, z: z - 1)
                joinRows(
                  current, us, ue, upperBase, previous, input.baseAddress! + ((z - 1) * ny + py) * nx, le, lowerBase,
                  nx: nx, reach: n.reach, forest: forest)
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

  /// Unions every run of `current` with every run of `previous` it touches.
  ///
  /// Each current run looks at the mask bytes of the previous row under it (widened by
  /// `reach`), eight at a time, and only where it finds foreground does it look up the run
  /// there: on sparse masks (noise, small foci) most runs touch nothing above, and a merge
  /// walk over both run lists spent its time on branches that could not be predicted. The
  /// windows of successive runs move forward, so one cursor over `previous` serves the row.
  /// `row` is the previous row's first mask byte; every previous row lies before the current
  /// one in memory, so words read past its end stay inside the volume (when `nx` ≥ 8).
  @inline(__always)
  private static func joinRows(
    _ current: Range<Int>, _ cs: UnsafeBufferPointer<Int32>, _ ce: UnsafeBufferPointer<Int32>, _ cBase: Int,
    _ previous: Range<Int>, _ row: UnsafePointer<UInt8>, _ pe: UnsafeBufferPointer<Int32>, _ pBase: Int,
    nx: Int, reach: Int32, forest: UnsafeMutableBufferPointer<UInt32>
  ) {
    if previous.isEmpty { return }
    var cursor = previous.lowerBound
    let raw = UnsafeRawPointer(row)
    let wide = nx >= 8
    for i in current {
      var x = Int(Swift.max(0, cs[i] &- reach))
      let limit = Int(Swift.min(Int32(nx), ce[i] &+ reach))
      while x < limit {
        // The first foreground byte in [x, limit), or limit.
        if wide {
          let w = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self)
          let left = limit &- x
          let masked = left >= 8 ? w : w & ((1 &<< UInt64(left &* 8)) &- 1)
          if masked == 0 {
            x &+= 8
            continue
          }
          x &+= masked.trailingZeroBitCount &>> 3
        } else {
          if row[x] == 0 {
            x &+= 1
            continue
          }
        }
        while pe[cursor] <= Int32(truncatingIfNeeded: x) { cursor &+= 1 }
        union(UInt32(truncatingIfNeeded: cBase &+ i), UInt32(truncatingIfNeeded: pBase &+ cursor), forest)
        x = Int(pe[cursor])
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
}

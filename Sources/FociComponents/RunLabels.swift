import FociCore

/// A labelled volume kept as runs: the foreground spans of every row and the component id of
/// each (0 for a dropped component). What `ConnectedComponents.labelRuns` returns, a few bytes
/// per run instead of two or four per voxel; any part of the label map is rendered from it on
/// demand, so a map can be written to a file without ever existing in memory.
public struct RunLabels: @unchecked Sendable {
  // @unchecked: the slabs are reference types filled before this value exists and only read
  // afterwards.
  public let grid: Grid
  /// Voxels in each component: `voxelCounts[id - 1]`.
  public let voxelCounts: [Int]
  let slabs: [RowRuns]
  /// Global index of each slab's first run.
  let bases: [Int]
  /// Component id of every run, by global index.
  let ids: [UInt32]
  /// The slab holding each slice.
  let slabOfSlice: [Int]

  init(grid: Grid, slabs: [RowRuns], bases: [Int], ids: [UInt32], voxelCounts: [Int]) {
    self.grid = grid
    self.slabs = slabs
    self.bases = bases
    self.ids = ids
    self.voxelCounts = voxelCounts
    var slabOfSlice = [Int](repeating: 0, count: grid.dims.z)
    for (s, slab) in slabs.enumerated() { for z in slab.firstZ..<(slab.firstZ + slab.depth) { slabOfSlice[z] = s } }
    self.slabOfSlice = slabOfSlice
  }

  /// Number of components.
  public var count: Int { voxelCounts.count }

  /// The sample type of the label map: 16-bit while the ids fit, else 32-bit.
  public var scalarType: ScalarType { count <= Int(UInt16.max) ? .uint16 : .uint32 }

  /// Writes row `r` (`r = z · ny + y`) of the label map into `row` (nx elements).
  @inline(__always)
  func renderRow<L: FixedWidthInteger>(_ r: Int, into row: UnsafeMutablePointer<L>) {
    let (nx, ny) = (grid.dims.x, grid.dims.y)
    let z = r / ny, y = r - z * ny
    let slab = slabs[slabOfSlice[z]]
    let base = bases[slabOfSlice[z]]
    let first = Int(slab.rowFirstRun[(z - slab.firstZ) * ny + y])
    let last = Int(slab.rowFirstRun[(z - slab.firstZ) * ny + y + 1])
    var x = 0
    slab.starts.withUnsafeBufferPointer { starts in
      slab.ends.withUnsafeBufferPointer { ends in
        ids.withUnsafeBufferPointer { ids in
          for i in first..<last {
            let start = Int(starts[i]), end = Int(ends[i])
            if start > x { (row + x).update(repeating: 0, count: start - x) }
            (row + start).update(repeating: L(truncatingIfNeeded: ids[base + i]), count: end - start)
            x = end
          }
        }
      }
    }
    if x < nx { (row + x).update(repeating: 0, count: nx - x) }
  }

  /// Writes bytes `range` of the label map's samples (`scalarType`, native byte order, raster
  /// order) to `destination`: the `fill` that `NIfTIWriter.writeLabels` takes. Rows are
  /// rendered into a row buffer and the overlapping bytes copied, so ranges need not fall on
  /// voxel or row boundaries.
  public func fill(bytes range: Range<Int>, into destination: UnsafeMutableRawPointer) {
    switch scalarType {
    case .uint16: fill(bytes: range, into: destination, as: UInt16.self)
    default: fill(bytes: range, into: destination, as: UInt32.self)
    }
  }

  private func fill<L: FixedWidthInteger>(bytes range: Range<Int>, into destination: UnsafeMutableRawPointer, as _: L.Type) {
    guard !range.isEmpty else { return }
    let nx = grid.dims.x
    let rowBytes = nx * MemoryLayout<L>.size
    let row = UnsafeMutablePointer<L>.allocate(capacity: nx)
    defer { row.deallocate() }
    var r = range.lowerBound / rowBytes
    while r * rowBytes < range.upperBound {
      let rowStart = r * rowBytes
      let from = Swift.max(range.lowerBound, rowStart), to = Swift.min(range.upperBound, rowStart + rowBytes)
      if from == rowStart, to == rowStart + rowBytes, Int(bitPattern: destination + (from - range.lowerBound)) % MemoryLayout<L>.alignment == 0 {
        // A whole, aligned row: rendered in place.
        renderRow(r, into: (destination + (from - range.lowerBound)).bindMemory(to: L.self, capacity: nx))
      } else {
        renderRow(r, into: row)
        (destination + (from - range.lowerBound)).copyMemory(from: UnsafeRawPointer(row) + (from - rowStart), byteCount: to - from)
      }
      r += 1
    }
  }

  /// The label map in memory, rows rendered slab by slab in parallel.
  public func componentLabels(maxThreads: Int? = nil) -> ComponentLabels {
    func render<L: FixedWidthInteger & Sendable>(_: L.Type) -> [L] {
      [L](unsafeUninitializedCapacity: grid.voxelCount) { out, initialized in
        HugePages.advise(out)
        let target = UncheckedSendable(out)
        let (nx, ny) = (grid.dims.x, grid.dims.y)
        ParallelSlabs.forEach(count: slabs.count, maxThreads: maxThreads) { s in
          let slab = slabs[s]
          for r in (slab.firstZ * ny)..<((slab.firstZ + slab.depth) * ny) {
            renderRow(r, into: target.value.baseAddress! + r * nx)
          }
        }
        initialized = grid.voxelCount
      }
    }
    let maxLabel = UInt32(count)
    let labels =
      scalarType == .uint16
      ? LabelVolume(grid: grid, labels: render(UInt16.self), maxLabel: maxLabel)
      : LabelVolume(grid: grid, labels: render(UInt32.self), maxLabel: maxLabel)
    return ComponentLabels(labels: labels, voxelCounts: voxelCounts)
  }
}

/// Foreground runs of the rows of one slab (a range of z slices), and the union-find forest
/// over them.
///
/// A run is a maximal span `[start, end)` of foreground voxels in one row. Runs are numbered
/// in raster order, so with unions that always keep the smaller index as the root, every
/// root is the first run of its component in raster order. Each instance is filled by one
/// worker only, which is why it may cross into `concurrentPerform` (`@unchecked Sendable`).
final class RowRuns: @unchecked Sendable {
  let firstZ: Int
  let depth: Int
  let rowsPerSlice: Int
  var starts: [Int32] = []
  var ends: [Int32] = []
  /// `rowFirstRun[r] ..< rowFirstRun[r + 1]` are the runs of slab row `r = (z - firstZ) · ny + y`.
  var rowFirstRun: [Int32]
  var parent: [UInt32] = []

  init(firstZ: Int, depth: Int, rowsPerSlice: Int) {
    self.firstZ = firstZ
    self.depth = depth
    self.rowsPerSlice = rowsPerSlice
    rowFirstRun = [Int32](repeating: 0, count: depth * rowsPerSlice + 1)
  }

  var count: Int { starts.count }

  /// The run range of row `y` of slice `z` (absolute z inside this slab).
  @inline(__always)
  func runs(y: Int, z: Int) -> Range<Int> {
    let r = (z - firstZ) * rowsPerSlice + y
    return Int(rowFirstRun[r])..<Int(rowFirstRun[r + 1])
  }
}

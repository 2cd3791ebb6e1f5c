/// Integer labels on a grid: 0 is background, 1...`maxLabel` are objects (lesions, components).
///
/// Stored as `UInt16` while every label fits (up to 65,535 objects, half the memory and
/// file size), else as `UInt32`. The width is chosen from the labels, never by the caller.
public struct LabelVolume: Sendable {
  /// The label samples, in the narrowest width that holds `maxLabel`.
  public enum Storage: Sendable {
    case uint16([UInt16])
    case uint32([UInt32])
  }

  public let grid: Grid
  public let storage: Storage
  /// The largest label present (0 for an empty map).
  public let maxLabel: UInt32

  /// Wraps 32-bit labels, narrowing them to 16 bits when the largest label allows it.
  public init(grid: Grid, labels: [UInt32]) {
    precondition(labels.count == grid.voxelCount, "label count must match the grid")
    self.grid = grid
    let maximum = labels.max() ?? 0
    self.maxLabel = maximum
    if maximum <= UInt32(UInt16.max) {
      storage = .uint16(labels.map { UInt16(truncatingIfNeeded: $0) })
    } else {
      storage = .uint32(labels)
    }
  }

  /// Wraps 16-bit labels as they are.
  public init(grid: Grid, labels: [UInt16]) {
    precondition(labels.count == grid.voxelCount, "label count must match the grid")
    self.grid = grid
    self.maxLabel = UInt32(labels.max() ?? 0)
    storage = .uint16(labels)
  }

  /// Wraps labels whose largest value the caller already knows (a labeller that numbered them),
  /// sparing a pass over the voxels. Labels above 65,535 need the 32-bit form.
  public init(grid: Grid, labels: [UInt16], maxLabel: UInt32) {
    precondition(labels.count == grid.voxelCount, "label count must match the grid")
    assert(UInt32(labels.max() ?? 0) == maxLabel, "maxLabel must be the largest label")
    self.grid = grid
    self.maxLabel = maxLabel
    storage = .uint16(labels)
  }

  /// Wraps 32-bit labels as they are, with their known largest value.
  public init(grid: Grid, labels: [UInt32], maxLabel: UInt32) {
    precondition(labels.count == grid.voxelCount, "label count must match the grid")
    assert((labels.max() ?? 0) == maxLabel, "maxLabel must be the largest label")
    self.grid = grid
    self.maxLabel = maxLabel
    storage = .uint32(labels)
  }

  /// Bytes per label in `storage`: 2 or 4.
  public var bytesPerLabel: Int {
    switch storage {
    case .uint16: 2
    case .uint32: 4
    }
  }

  /// The label of voxel (i, j, k).
  public subscript(i: Int, j: Int, k: Int) -> UInt32 {
    let n = grid.offset(i, j, k)
    switch storage {
    case .uint16(let a): return UInt32(a[n])
    case .uint32(let a): return a[n]
    }
  }

  /// The smallest box holding every labelled voxel, grown by `margin` (clamped to the grid);
  /// nil for an empty map.
  public func enclosingBox(margin: Int = 0) -> VoxelBox? {
    switch storage {
    case .uint16(let a): VoxelBox.enclosing(nonZeroOf: a, dims: grid.dims, margin: margin)
    case .uint32(let a): VoxelBox.enclosing(nonZeroOf: a, dims: grid.dims, margin: margin)
    }
  }

  /// The labels inside `box`, widened to 32 bits (without widening the whole map first).
  public func crop32(_ box: VoxelBox) -> [UInt32] {
    switch storage {
    case .uint16(let a): box.crop(a).map(UInt32.init)
    case .uint32(let a): box.crop(a)
    }
  }

  /// This map (on `box`'s grid) placed at `box` in a map of `grid`, 0 elsewhere, in this
  /// map's width.
  public func pasted(at box: VoxelBox, in grid: Grid) -> LabelVolume {
    precondition(box.size == self.grid.dims && box.dims == grid.dims, "the box must be this map's grid inside the target grid")
    return switch storage {
    case .uint16(let a): LabelVolume(grid: grid, labels: box.paste(a, background: 0), maxLabel: maxLabel)
    case .uint32(let a): LabelVolume(grid: grid, labels: box.paste(a, background: 0), maxLabel: maxLabel)
    }
  }

  /// Voxels per label 0...`maxID` (labels above it are not counted), read in the map's own
  /// width without widening a copy.
  public func voxelCounts(upTo maxID: Int) -> [Int] {
    func count<L: FixedWidthInteger>(_ labels: [L]) -> [Int] {
      var counts = [Int](repeating: 0, count: maxID + 1)
      labels.withUnsafeBufferPointer { l in
        for label in l where Int(label) <= maxID { counts[Int(label)] += 1 }
      }
      return counts
    }
    switch storage {
    case .uint16(let a): return count(a)
    case .uint32(let a): return count(a)
    }
  }

  /// All labels widened to 32 bits.
  public var labels32: [UInt32] {
    switch storage {
    case .uint16(let a):
      // A plain loop over the buffers widens eight or sixteen labels per instruction; `map`
      // goes element by element.
      [UInt32](unsafeUninitializedCapacity: a.count) { out, initialized in
        a.withUnsafeBufferPointer { a in
          for n in 0..<a.count { out[n] = UInt32(a[n]) }
        }
        initialized = a.count
      }
    case .uint32(let a): a
    }
  }
}

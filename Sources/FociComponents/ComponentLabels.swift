import FociCore

/// The result of labelling: component ids per voxel and the size of each component.
public struct ComponentLabels: Sendable {
  public let grid: Grid
  /// 0 for background, else 1...`count`. Components are numbered in raster order of their
  /// first voxel (x fastest, then y, then z), the order cc3d and scipy use for such arrays.
  public var labels: [UInt32]
  /// Number of components kept.
  public var count: Int
  /// Voxels in each component: `voxelCounts[id - 1]`.
  public var voxelCounts: [Int]

  /// The labels as a `LabelVolume` (16-bit when they fit), for writing.
  public var labelVolume: LabelVolume { LabelVolume(grid: grid, labels: labels) }
}

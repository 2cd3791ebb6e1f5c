import FociCore

/// The result of labelling: component ids per voxel and the size of each component.
public struct ComponentLabels: Sendable {
  /// 0 for background, else 1...`count`, 16-bit while the count fits. Components are numbered
  /// in raster order of their first voxel (x fastest, then y, then z), the order cc3d and
  /// scipy use for such arrays.
  public var labels: LabelVolume
  /// Voxels in each component: `voxelCounts[id - 1]`.
  public var voxelCounts: [Int]

  /// Wraps a map numbered 1...`voxelCounts.count` in raster order of first voxels, with the
  /// voxels of each id.
  public init(labels: LabelVolume, voxelCounts: [Int]) {
    precondition(labels.maxLabel == UInt32(voxelCounts.count), "one voxel count per label")
    self.labels = labels
    self.voxelCounts = voxelCounts
  }

  /// Number of components kept.
  public var count: Int { voxelCounts.count }
  public var grid: Grid { labels.grid }
}

/// A 3D scalar image: samples on a `Grid`, stored contiguously, x fastest.
///
/// Intensity volumes are `Volume<Float>` with header scaling already applied; masks and
/// intermediate results use other voxel types. The samples are an `Array`, so copies are cheap
/// until written (copy-on-write) and hot loops enter them once with `withUnsafeBufferPointer`.
public struct Volume<Voxel: BitwiseCopyable & Sendable>: Sendable {
  public var grid: Grid
  /// `grid.voxelCount` samples, flat index `grid.offset(i, j, k)`.
  public var voxels: [Voxel]
  /// The sample type on disk, when read from a file.
  public var sourceType: ScalarType?

  public init(grid: Grid, voxels: [Voxel], sourceType: ScalarType? = nil) {
    precondition(voxels.count == grid.voxelCount, "voxel count must match the grid")
    self.grid = grid
    self.voxels = voxels
    self.sourceType = sourceType
  }

  /// A volume with every voxel set to `value`.
  public init(grid: Grid, repeating value: Voxel) {
    self.init(grid: grid, voxels: [Voxel](repeating: value, count: grid.voxelCount))
  }

  /// The sample at voxel (i, j, k); indices are checked.
  public subscript(i: Int, j: Int, k: Int) -> Voxel {
    get {
      precondition(contains(i, j, k), "voxel index out of the grid")
      return voxels[grid.offset(i, j, k)]
    }
    set {
      precondition(contains(i, j, k), "voxel index out of the grid")
      voxels[grid.offset(i, j, k)] = newValue
    }
  }

  /// Whether (i, j, k) lies inside the grid.
  public func contains(_ i: Int, _ j: Int, _ k: Int) -> Bool {
    i >= 0 && j >= 0 && k >= 0 && i < grid.dims.x && j < grid.dims.y && k < grid.dims.z
  }
}

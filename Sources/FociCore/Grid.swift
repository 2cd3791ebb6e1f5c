/// Where a volume's voxels are: the sampling grid of a 3D image.
///
/// Index order is x fastest, then y, then z (NIfTI and ITK order): the voxel (i, j, k) is at
/// flat offset `i + dims.x * (j + dims.y * k)`.
public struct Grid: Sendable, Hashable {
  /// Voxel counts along i, j, k; each at least 1.
  public var dims: SIMD3<Int>
  /// Voxel size along i, j, k in mm; each positive and finite.
  public var spacingMM: SIMD3<Double>
  /// Voxel index to world coordinates in mm.
  public var voxelToWorld: AffineTransform
  /// Which header field `voxelToWorld` came from.
  public var affineSource: AffineSource
  /// The orientation fields of the source header, if the grid was read from a file.
  /// Writers repeat them verbatim; without them they describe `voxelToWorld` afresh.
  public var headerOrientation: HeaderOrientation?

  /// A grid with `voxelToWorld` as its map (the spacing diagonal when nil). The source
  /// defaults to `.sform` for a given map (a full affine) and `.pixdim` for the diagonal.
  public init(
    dims: SIMD3<Int>, spacingMM: SIMD3<Double>, voxelToWorld: AffineTransform? = nil,
    affineSource: AffineSource? = nil, headerOrientation: HeaderOrientation? = nil
  ) {
    precondition(dims.x >= 1 && dims.y >= 1 && dims.z >= 1, "grid dims must be positive")
    self.dims = dims
    self.spacingMM = spacingMM
    self.voxelToWorld = voxelToWorld ?? .diagonal(spacing: spacingMM)
    self.affineSource = voxelToWorld == nil ? .pixdim : affineSource ?? .sform
    self.headerOrientation = headerOrientation
  }

  /// Number of voxels.
  public var voxelCount: Int { dims.x * dims.y * dims.z }

  /// Voxels in one axial slice (one k).
  public var sliceVoxelCount: Int { dims.x * dims.y }

  /// Volume of one voxel in mm³.
  public var voxelVolumeMM3: Double { spacingMM.x * spacingMM.y * spacingMM.z }

  /// Flat offset of voxel (i, j, k).
  @inline(__always)
  public func offset(_ i: Int, _ j: Int, _ k: Int) -> Int {
    i + dims.x * (j + dims.y * k)
  }

  /// World position (mm) of a voxel centre.
  public func world(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
    voxelToWorld.apply(SIMD3(Double(i), Double(j), Double(k)))
  }

  /// Whether two grids sample the same points: same dims, and voxel-to-world maps that agree
  /// within `toleranceMM` at every corner of the grid. Data on such grids may be combined by
  /// index; otherwise it must be resampled through world coordinates.
  public func occupiesSameSpace(as other: Grid, toleranceMM: Double = 1e-3) -> Bool {
    guard dims == other.dims else { return false }
    for corner in 0..<8 {
      let p = SIMD3(
        Double(corner & 1 == 0 ? 0 : dims.x - 1),
        Double(corner & 2 == 0 ? 0 : dims.y - 1),
        Double(corner & 4 == 0 ? 0 : dims.z - 1))
      let d = voxelToWorld.apply(p) - other.voxelToWorld.apply(p)
      if (d * d).sum().squareRoot() > toleranceMM { return false }
    }
    return true
  }
}

/// Reads a volume at world positions (mm) by trilinear interpolation: how T2 and ADC maps,
/// acquired on grids of their own, are related to the native T1 grid (through the affines,
/// never by voxel index).
public struct WorldSampler: Sendable {
  public let volume: Volume<Float>
  public let worldToVoxel: AffineTransform

  /// nil when the volume's affine cannot be inverted.
  public init?(_ volume: Volume<Float>) {
    guard let inverse = volume.grid.voxelToWorld.inverted() else { return nil }
    self.volume = volume
    worldToVoxel = inverse
  }

  /// The interpolated value at world point `p`, or nil outside the grid (beyond half a voxel
  /// past the outer voxel centres).
  public func value(at p: SIMD3<Double>) -> Float? {
    let v = worldToVoxel.apply(p)
    let dims = volume.grid.dims
    for axis in 0..<3 where v[axis] < -0.5 || v[axis] > Double(dims[axis]) - 0.5 { return nil }
    let base = SIMD3<Double>(v.x.rounded(.down), v.y.rounded(.down), v.z.rounded(.down))
    let f = v - base
    let i0 = SIMD3<Int>(Int(base.x), Int(base.y), Int(base.z))
    var sum = 0.0
    for corner in 0..<8 {
      let offset = SIMD3<Int>(corner & 1, corner >> 1 & 1, corner >> 2)
      let i = pointwiseMin(pointwiseMax(i0 &+ offset, SIMD3(0, 0, 0)), dims &- 1)
      var weight = 1.0
      for axis in 0..<3 { weight *= offset[axis] == 1 ? f[axis] : 1 - f[axis] }
      if weight != 0 { sum += weight * Double(volume.voxels[i.x + dims.x * (i.y + dims.y * i.z)]) }
    }
    return Float(sum)
  }
}

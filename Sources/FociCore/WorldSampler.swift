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
  /// past the outer voxel centres). The eight corners are weighed in x-fastest order, each
  /// weight the product of its axes' factors in x, y, z order, and corners of weight 0 are
  /// skipped (so a neighbour past the edge, clamped onto it, never counts).
  public func value(at p: SIMD3<Double>) -> Float? {
    let v = worldToVoxel.apply(p)
    let dims = volume.grid.dims
    guard v.x >= -0.5, v.y >= -0.5, v.z >= -0.5, v.x <= Double(dims.x) - 0.5, v.y <= Double(dims.y) - 0.5, v.z <= Double(dims.z) - 0.5
    else { return nil }
    let base = SIMD3<Double>(v.x.rounded(.down), v.y.rounded(.down), v.z.rounded(.down))
    let f = v - base
    let g = 1 - f
    let i0 = SIMD3<Int>(Int(base.x), Int(base.y), Int(base.z))
    // Clamped indices of the two planes along each axis.
    let x0 = Swift.min(Swift.max(i0.x, 0), dims.x - 1), x1 = Swift.min(Swift.max(i0.x + 1, 0), dims.x - 1)
    let y0 = Swift.min(Swift.max(i0.y, 0), dims.y - 1), y1 = Swift.min(Swift.max(i0.y + 1, 0), dims.y - 1)
    let z0 = Swift.min(Swift.max(i0.z, 0), dims.z - 1), z1 = Swift.min(Swift.max(i0.z + 1, 0), dims.z - 1)
    return volume.voxels.withUnsafeBufferPointer { voxels in
      let (nx, nxy) = (dims.x, dims.x * dims.y)
      var sum = 0.0
      @inline(__always) func add(_ weight: Double, _ x: Int, _ y: Int, _ z: Int) {
        if weight != 0 { sum += weight * Double(voxels[x + nx * y + nxy * z]) }
      }
      add(g.x * g.y * g.z, x0, y0, z0)
      add(f.x * g.y * g.z, x1, y0, z0)
      add(g.x * f.y * g.z, x0, y1, z0)
      add(f.x * f.y * g.z, x1, y1, z0)
      add(g.x * g.y * f.z, x0, y0, z1)
      add(f.x * g.y * f.z, x1, y0, z1)
      add(g.x * f.y * f.z, x0, y1, z1)
      add(f.x * f.y * f.z, x1, y1, z1)
      return Float(sum)
    }
  }
}

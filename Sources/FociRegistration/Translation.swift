import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies a translation to a volume by trilinear interpolation.
public enum Translation {
  /// `out(x) = volume(x + shiftVoxels)`, sampling outside the grid at the nearest edge voxel.
  /// With the shift a `PhaseCorrelation` estimate reports, this puts the moving volume onto
  /// the fixed one. Slices are computed in parallel; the result does not depend on threads.
  public static func resample(_ volume: Volume<Float>, shiftVoxels shift: SIMD3<Double>) -> Volume<Float> {
    let dims = volume.grid.dims
    // Per axis: the two source indices (clamped) and the weight of the second, the same for
    // every voxel because the shift is constant.
    func taps(_ n: Int, _ s: Double) -> (lo: [Int], hi: [Int], w: [Float]) {
      let base = floor(s)
      let frac = Float(s - base)
      let lo = (0..<n).map { max(0, min(n - 1, $0 + Int(base))) }
      let hi = (0..<n).map { max(0, min(n - 1, $0 + Int(base) + 1)) }
      return (lo, hi, [Float](repeating: frac, count: n))
    }
    let tx = taps(dims.x, shift.x), ty = taps(dims.y, shift.y), tz = taps(dims.z, shift.z)
    let nx = dims.x, nxy = dims.x * dims.y
    let voxels = volume.voxels.withUnsafeBufferPointer { src in
      [Float](unsafeUninitializedCapacity: volume.grid.voxelCount) { out, initialized in
        let input = UncheckedSendable(src), target = UncheckedSendable(out)
        ParallelSlabs.forEach(count: dims.z) { k in
          let (z0, z1, fz) = (tz.lo[k] * nxy, tz.hi[k] * nxy, tz.w[k])
          for j in 0..<dims.y {
            let (y0, y1, fy) = (ty.lo[j] * nx, ty.hi[j] * nx, ty.w[j])
            let row = k * nxy + j * nx
            for i in 0..<dims.x {
              let (x0, x1, fx) = (tx.lo[i], tx.hi[i], tx.w[i])
              let s = input.value
              let c00 = s[z0 + y0 + x0] + fx * (s[z0 + y0 + x1] - s[z0 + y0 + x0])
              let c01 = s[z0 + y1 + x0] + fx * (s[z0 + y1 + x1] - s[z0 + y1 + x0])
              let c10 = s[z1 + y0 + x0] + fx * (s[z1 + y0 + x1] - s[z1 + y0 + x0])
              let c11 = s[z1 + y1 + x0] + fx * (s[z1 + y1 + x1] - s[z1 + y1 + x0])
              let c0 = c00 + fy * (c01 - c00)
              let c1 = c10 + fy * (c11 - c10)
              target.value[row + i] = c0 + fz * (c1 - c0)
            }
          }
        }
        initialized = volume.grid.voxelCount
      }
    }
    return Volume(grid: volume.grid, voxels: voxels, sourceType: volume.sourceType)
  }
}

import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Trilinear sampling of a volume at positions moved by one constant shift.
///
/// Because the shift is the same for every voxel, each axis needs only two source indices per
/// output position (clamped to the grid: outside it, the edge voxel is repeated) and one
/// weight; `Translation` and the phase-correlation window both sample through these taps.
struct TrilinearShift {
  /// Source indices along one axis for output positions `first ..< first + count`.
  struct AxisTaps {
    var lower: [Int]
    var upper: [Int]
    /// Weight of `upper`: the fractional part of the shift.
    var weight: Float

    init(length n: Int, first: Int, count: Int, shift: Double) {
      let base = floor(shift)
      lower = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base))) }
      upper = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base) + 1)) }
      weight = Float(shift - base)
    }
  }

  let x: AxisTaps, y: AxisTaps, z: AxisTaps
  let nx: Int, nxy: Int

  /// Taps for the output box `first ..< first + count` of `grid`, sampled at x + `shift`.
  init(grid: Grid, first: SIMD3<Int>, count: SIMD3<Int>, shift: SIMD3<Double>) {
    x = AxisTaps(length: grid.dims.x, first: first.x, count: count.x, shift: shift.x)
    y = AxisTaps(length: grid.dims.y, first: first.y, count: count.y, shift: shift.y)
    z = AxisTaps(length: grid.dims.z, first: first.z, count: count.z, shift: shift.z)
    nx = grid.dims.x
    nxy = grid.dims.x * grid.dims.y
  }

  /// Fills `out[0 ..< count.x]` with row (j, k) of the output box.
  @inline(__always)
  func sampleRow(_ s: UnsafeBufferPointer<Float>, j: Int, k: Int, into out: UnsafeMutablePointer<Float>) {
    let (z0, z1, fz) = (z.lower[k] * nxy, z.upper[k] * nxy, z.weight)
    let (y0, y1, fy) = (y.lower[j] * nx, y.upper[j] * nx, y.weight)
    let fx = x.weight
    if fx == 0, fy == 0, fz == 0 {
      // A whole-voxel shift: a copy.
      for i in 0..<x.lower.count { out[i] = s[z0 + y0 + x.lower[i]] }
      return
    }
    for i in 0..<x.lower.count {
      let (x0, x1) = (x.lower[i], x.upper[i])
      let c00 = s[z0 + y0 + x0] + fx * (s[z0 + y0 + x1] - s[z0 + y0 + x0])
      let c01 = s[z0 + y1 + x0] + fx * (s[z0 + y1 + x1] - s[z0 + y1 + x0])
      let c10 = s[z1 + y0 + x0] + fx * (s[z1 + y0 + x1] - s[z1 + y0 + x0])
      let c11 = s[z1 + y1 + x0] + fx * (s[z1 + y1 + x1] - s[z1 + y1 + x0])
      let c0 = c00 + fy * (c01 - c00)
      out[i] = c0 + fz * ((c10 + fy * (c11 - c10)) - c0)
    }
  }
}

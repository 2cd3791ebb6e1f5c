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
    /// Output positions whose taps are not clamped: there `lower` is position + `offset` and
    /// `upper` is `lower` + 1.
    var interior: Range<Int>
    var offset: Int

    init(length n: Int, first: Int, count: Int, shift: Double) {
      let base = floor(shift)
      lower = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base))) }
      upper = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base) + 1)) }
      weight = Float(shift - base)
      offset = first + Int(base)
      let start = min(count, max(0, -offset)), end = max(start, min(count, n - 1 - offset))
      interior = start..<end
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
    let base = s.baseAddress!
    let (p00, p01, p10, p11) = (base + z0 + y0, base + z0 + y1, base + z1 + y0, base + z1 + y1)
    /// One output voxel from its two x taps (the same operations in the same order everywhere).
    @inline(__always) func sample(_ i: Int, _ x0: Int, _ x1: Int) {
      let c00 = p00[x0] + fx * (p00[x1] - p00[x0])
      let c01 = p01[x0] + fx * (p01[x1] - p01[x0])
      let c10 = p10[x0] + fx * (p10[x1] - p10[x0])
      let c11 = p11[x0] + fx * (p11[x1] - p11[x0])
      let c0 = c00 + fy * (c01 - c00)
      out[i] = c0 + fz * ((c10 + fy * (c11 - c10)) - c0)
    }
    // Clamped taps at the row's ends from the tables, the interior from consecutive voxels
    // (contiguous loads the compiler can vectorise).
    x.lower.withUnsafeBufferPointer { lower in
      x.upper.withUnsafeBufferPointer { upper in
        for i in 0..<x.interior.lowerBound { sample(i, lower[i], upper[i]) }
        for i in x.interior.upperBound..<lower.count { sample(i, lower[i], upper[i]) }
      }
    }
    let offset = x.offset
    for i in x.interior { sample(i, i &+ offset, i &+ offset &+ 1) }
  }
}

import FociCore
import FociRegistration
import Testing
import _FociTestSupport

@Suite("Trilinear resampling by a constant shift")
struct TrilinearShiftTests {
  /// Trilinear sampling at x + shift by brute force, the edge voxel repeated outside the grid,
  /// with the same operations in the same order as the resampler.
  static func bruteForce(_ v: Volume<Float>, shift: SIMD3<Double>, i: Int, j: Int, k: Int) -> Float {
    let d = v.grid.dims
    func taps(_ p: Int, _ s: Double, _ n: Int) -> (Int, Int, Float) {
      let b = (s).rounded(.down)
      return (max(0, min(n - 1, p + Int(b))), max(0, min(n - 1, p + Int(b) + 1)), Float(s - b))
    }
    let (x0, x1, fx) = taps(i, shift.x, d.x), (y0, y1, fy) = taps(j, shift.y, d.y), (z0, z1, fz) = taps(k, shift.z, d.z)
    func at(_ x: Int, _ y: Int, _ z: Int) -> Float { v.voxels[v.grid.offset(x, y, z)] }
    if fx == 0, fy == 0, fz == 0 { return at(x0, y0, z0) }
    let c00 = at(x0, y0, z0) + fx * (at(x1, y0, z0) - at(x0, y0, z0))
    let c01 = at(x0, y1, z0) + fx * (at(x1, y1, z0) - at(x0, y1, z0))
    let c10 = at(x0, y0, z1) + fx * (at(x1, y0, z1) - at(x0, y0, z1))
    let c11 = at(x0, y1, z1) + fx * (at(x1, y1, z1) - at(x0, y1, z1))
    let c0 = c00 + fy * (c01 - c00)
    return c0 + fz * ((c10 + fy * (c11 - c10)) - c0)
  }

  static let shifts: [SIMD3<Double>] = [
    SIMD3(0.3, -0.7, 0.25), SIMD3(-2.6, 1.5, -0.5), SIMD3(3, -1, 0), SIMD3(15.2, 0.1, 0), SIMD3(-40.5, -3.3, 9.9),
    SIMD3(0, 0, 0.5), SIMD3(0.999, 0, 0),
  ]

  @Test(arguments: shifts)
  func resamplingEqualsTheBruteForceEverywhereIncludingTheEdges(shift: SIMD3<Double>) {
    var rng = SeededGenerator(seed: 21)
    let grid = Grid(dims: SIMD3(13, 9, 6), spacingMM: SIMD3(1.4, 1.4, 3.5))
    let v = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: -100...400, using: &rng) })
    let r = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: 0...300, using: &rng) })
    let moved = Translation.resample(v, shiftVoxels: shift)
    let difference = Translation.resample(v, shiftVoxels: shift, minus: r)
    var mismatches = 0
    // An inner box, and one reaching past the grid on some sides (clamped to it).
    for (lower, upper) in [(SIMD3(2, 1, 1), SIMD3(9, 6, 3)), (SIMD3(-2, 0, 3), SIMD3(12, 4, 9))] {
      let boxed = Translation.resample(v, shiftVoxels: shift, inside: lower, upper)
      for k in 0..<6 { for j in 0..<9 { for i in 0..<13 {
        let n = grid.offset(i, j, k)
        let expected = Self.bruteForce(v, shift: shift, i: i, j: j, k: k)
        if moved.voxels[n] != expected || difference.voxels[n] != expected - r.voxels[n] { mismatches += 1 }
        let inside = (lower.x...upper.x).contains(i) && (lower.y...upper.y).contains(j) && (lower.z...upper.z).contains(k)
        if boxed.voxels[n] != (inside ? expected : v.voxels[n]) { mismatches += 1 }
      } } }
    }
    #expect(mismatches == 0)
  }
}

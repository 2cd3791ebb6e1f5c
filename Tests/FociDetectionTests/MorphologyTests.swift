import FociCore
import Testing
import _FociTestSupport

@testable import FociDetection

@Suite struct MorphologyTests {
  /// Box erosion and dilation by brute force over the window.
  static func reference(_ mask: [UInt8], dims: SIMD3<Int>, radius: SIMD3<Int>, all: Bool) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: mask.count)
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
      var every = true, any = false
      for dk in -radius.z...radius.z { for dj in -radius.y...radius.y { for di in -radius.x...radius.x {
        let (a, b, c) = (i + di, j + dj, k + dk)
        let inside = a >= 0 && a < dims.x && b >= 0 && b < dims.y && c >= 0 && c < dims.z
        let set = inside && mask[a + dims.x * (b + dims.y * c)] != 0
        every = every && set
        any = any || set
      } } }
      out[i + dims.x * (j + dims.y * k)] = (all ? every : any) ? 1 : 0
    } } }
    return out
  }

  @Test(arguments: [SIMD3(2, 2, 1), SIMD3(1, 0, 2), SIMD3(0, 3, 0)])
  func erosionAndDilationMatchBruteForce(radius: SIMD3<Int>) {
    var rng = SeededGenerator(seed: 11)
    let dims = SIMD3(13, 9, 7)
    let mask = (0..<(dims.x * dims.y * dims.z)).map { _ in UInt8.random(in: 0...9, using: &rng) < 7 ? UInt8(1) : 0 }
    #expect(Morphology.erode(mask, dims: dims, radius: radius) == Self.reference(mask, dims: dims, radius: radius, all: true))
    #expect(Morphology.dilate(mask, dims: dims, radius: radius) == Self.reference(mask, dims: dims, radius: radius, all: false))
  }
}

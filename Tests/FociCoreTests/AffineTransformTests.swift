import FociCore
import Testing
import _FociTestSupport

@Suite("AffineTransform")
struct AffineTransformTests {
  func randomAffine(_ rng: inout SeededGenerator) -> AffineTransform {
    func r() -> Double { Double.random(in: -2...2, using: &rng) }
    return AffineTransform(rows: (SIMD4(r() + 3, r(), r(), r() * 50), SIMD4(r(), r() + 3, r(), r() * 50), SIMD4(r(), r(), r() + 3, r() * 50)))
  }

  @Test("inverse undoes the map on random points")
  func inverse() throws {
    var rng = SeededGenerator(seed: 1)
    for _ in 0..<50 {
      let a = randomAffine(&rng)
      let inv = try #require(a.inverted())
      let p = SIMD3(Double.random(in: -100...100, using: &rng), Double.random(in: -100...100, using: &rng), 7)
      let back = inv.apply(a.apply(p))
      #expect(((back - p) * (back - p)).sum().squareRoot() < 1e-9)
      #expect(a.composed(after: inv).maxAbsDifference(.identity) < 1e-12)
    }
  }

  @Test("a singular map has no inverse")
  func singular() {
    let flat = AffineTransform(rows: (SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 0, 0)))
    #expect(flat.inverted() == nil)
    #expect(flat.determinant == 0)
  }

  @Test("column lengths give the spacing of a rotated grid")
  func spacing() {
    let c = 0.6, s = 0.8
    let a = AffineTransform(rows: (SIMD4(1.4 * c, -1.4 * s, 0, 0), SIMD4(1.4 * s, 1.4 * c, 0, 0), SIMD4(0, 0, 3.5, 0)))
    let lengths = a.columnLengths
    #expect(abs(lengths.x - 1.4) < 1e-12 && abs(lengths.y - 1.4) < 1e-12 && lengths.z == 3.5)
  }

  @Test("matrix round trip")
  func matrix() {
    var rng = SeededGenerator(seed: 2)
    let a = randomAffine(&rng)
    #expect(AffineTransform(matrix: a.matrix) == a)
    #expect(a.matrix[3] == [0, 0, 0, 1])
  }
}

import FociComponents
import FociCore
import Testing
import _FociTestSupport

@testable import FociMeasurement

/// Hulls and diameters against brute force and analytic shapes.
@Suite("Measurement geometry")
struct GeometryTests {
  @Test("planar hull: collinear and repeated points are dropped")
  func planarHull() {
    var points: [SIMD2<Int64>] = []
    for x in 0...4 { for y in 0...3 { points.append(SIMD2(Int64(x), Int64(y))) } }
    points += points
    let hull = PlanarHull.vertices(&points)
    #expect(Set(hull) == [SIMD2(0, 0), SIMD2(4, 0), SIMD2(4, 3), SIMD2(0, 3)])
    var line: [SIMD2<Int64>] = [SIMD2(0, 0), SIMD2(1, 1), SIMD2(2, 2)]
    #expect(PlanarHull.vertices(&line).count == 2)
  }

  @Test("lattice hull of a cube of lattice points: 8 vertices, exact volume and area")
  func cubeHull() {
    var points: [SIMD3<Int64>] = []
    for x in 0...3 { for y in 0...3 { for z in 0...3 { points.append(SIMD3(Int64(x), Int64(y), Int64(z))) } } }
    let hull = LatticeHull(points)
    #expect(Set(hull.vertices) == Set([0, 3].flatMap { x in [0, 3].flatMap { y in [0, 3].map { z in SIMD3<Int64>(x, y, z) } } }))
    let scale: (SIMD3<Double>) -> SIMD3<Double> = { $0 * SIMD3(1.4, 1.4, 3.5) }
    #expect(abs(hull.volume(linear: scale) - 27 * 1.4 * 1.4 * 3.5) < 1e-9)
    #expect(abs(hull.area(linear: scale) - 2 * 9 * (1.4 * 1.4 + 2 * 1.4 * 3.5)) < 1e-9)
  }

  @Test("lattice hull of random points: closed, convex, containing every point", arguments: [UInt64(1), 2, 3])
  func randomHull(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    let points = (0..<400).map { _ in
      SIMD3<Int64>(Int64.random(in: 0...20, using: &rng), Int64.random(in: 0...20, using: &rng), Int64.random(in: 0...8, using: &rng))
    }
    let hull = LatticeHull(points)
    let input = Set(points)
    #expect(hull.vertices.allSatisfy { input.contains($0) })
    // Closed: every directed edge has its twin; Euler's formula for a triangulated sphere.
    var edges: Set<SIMD2<Int32>> = []
    for t in hull.triangles { for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { edges.insert(SIMD2(a, b)) } }
    #expect(edges.allSatisfy { edges.contains(SIMD2($0.y, $0.x)) })
    #expect(hull.vertices.count - edges.count / 2 + hull.triangles.count == 2)
    // Convex and containing: no point lies outside any face.
    for t in hull.triangles {
      let (a, b, c) = (hull.vertices[Int(t.x)], hull.vertices[Int(t.y)], hull.vertices[Int(t.z)])
      let normal = LatticeHull.cross(b &- a, c &- a)
      #expect(points.allSatisfy { LatticeHull.dot(normal, $0 &- a) <= 0 })
    }
  }

  @Test("farthest pair equals the brute force", arguments: [UInt64(4), 5, 6])
  func farthestPair(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    let points = (0..<300).map { _ in SIMD3(Double.random(in: -5...5, using: &rng), Double.random(in: -3...3, using: &rng), Double.random(in: -1...9, using: &rng)) }
    var best = 0.0
    for i in points.indices { for j in points.indices where j > i { best = max(best, ((points[i] - points[j]) * (points[i] - points[j])).sum()) } }
    let found = FarthestPair.find(points)
    #expect(abs(found.distance - best.squareRoot()) < 1e-12)
    let d = points[found.first] - points[found.second]
    #expect(abs((d * d).sum().squareRoot() - found.distance) < 1e-12)
  }
}

import FociCore
import Testing
import _FociTestSupport

@testable import FociFilters

/// The distance transform and the ball opening against brute force and analytic shapes.
@Suite("Distance transform")
struct DistanceTransformTests {
  @Test("distance transform equals the brute force on an anisotropic grid")
  func distanceTransform() {
    let grid = Grid(dims: SIMD3(13, 11, 7), spacingMM: SIMD3(1.4, 0.9, 3.5))
    var rng = SeededGenerator(seed: 8)
    let mask = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in UInt8(Double.random(in: 0..<1, using: &rng) < 0.93 ? 1 : 0) })
    let distances = DistanceTransform.distanceToBackground(mask)
    var background: [SIMD3<Double>] = []
    for k in 0..<7 { for j in 0..<11 { for i in 0..<13 where mask[i, j, k] == 0 { background.append(SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM) } } }
    for k in 0..<7 {
      for j in 0..<11 {
        for i in 0..<13 {
          let p = SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM
          let nearest = background.map { (($0 - p) * ($0 - p)).sum() }.min()!.squareRoot()
          #expect(abs(Double(distances[i, j, k]) - nearest) < 1e-4)
        }
      }
    }
    let full = DistanceTransform.distanceToBackground(Volume(grid: grid, repeating: UInt8(1)))
    #expect(full.voxels.allSatisfy { $0 == .infinity })
  }

  /// Centres of voxels as mm positions, for the brute-force references.
  private func position(_ i: Int, _ j: Int, _ k: Int, _ spacing: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(Double(i), Double(j), Double(k)) * spacing
  }

  @Test("ball opening equals the brute force (union of the balls that fit), beyond the grid as background", arguments: [1, 2, 3])
  func openingBruteForce(seed: UInt64) {
    let dims = SIMD3(15, 13, 8)
    let spacing = SIMD3(1.4, 1.1, 2.5)
    let grid = Grid(dims: dims, spacingMM: spacing)
    var rng = SeededGenerator(seed: seed)
    // Blobs of random balls, so some parts are thick and some thin.
    var mask = Volume(grid: grid, repeating: UInt8(0))
    for _ in 0..<6 {
      let c = SIMD3(Double.random(in: 0..<21, using: &rng), Double.random(in: 0..<14.3, using: &rng), Double.random(in: 0..<20, using: &rng))
      let r = Double.random(in: 1.5..<7, using: &rng)
      for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
        let d = position(i, j, k, spacing) - c
        if (d * d).sum() <= r * r { mask[i, j, k] = 1 }
      } } }
    }
    // A radius no squared distance of this lattice comes near (they are sums of multiples of
    // 1.96, 1.21 and 6.25).
    let radius = 3.03
    let opened = DistanceTransform.opening(mask, radiusMM: radius)
    var background: [SIMD3<Double>] = []
    for k in -1...dims.z { for j in -1...dims.y { for i in -1...dims.x {
      let outside = i < 0 || j < 0 || k < 0 || i >= dims.x || j >= dims.y || k >= dims.z
      if outside || mask[i, j, k] == 0 { background.append(position(i, j, k, spacing)) }
    } } }
    var centres: [SIMD3<Double>] = []
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x where mask[i, j, k] != 0 {
      let p = position(i, j, k, spacing)
      if background.allSatisfy({ (($0 - p) * ($0 - p)).sum() > radius * radius }) { centres.append(p) }
    } } }
    #expect(!centres.isEmpty)
    var expected = [UInt8](repeating: 0, count: grid.voxelCount)
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x where mask[i, j, k] != 0 {
      let p = position(i, j, k, spacing)
      if centres.contains(where: { (($0 - p) * ($0 - p)).sum() <= radius * radius }) { expected[grid.offset(i, j, k)] = 1 }
    } } }
    #expect(opened == expected)
    #expect(opened.reduce(0) { $0 + Int($1) } < mask.voxels.reduce(0) { $0 + Int($1) })
  }

  @Test("distances within a radius are exact up to it and over it beyond, with and without the outside", arguments: [false, true])
  func distancesWithinRadius(outsideCounts: Bool) {
    let dims = SIMD3(17, 12, 9)
    let spacing = SIMD3(1.2, 0.8, 3.0)
    let grid = Grid(dims: dims, spacingMM: spacing)
    var rng = SeededGenerator(seed: outsideCounts ? 21 : 22)
    let sources = (0..<grid.voxelCount).map { _ in UInt8(Double.random(in: 0..<1, using: &rng) < 0.01 ? 1 : 0) }
    let radius = 4.1
    let found = DistanceTransform.squaredDistancesWithin(radius, of: sources, grid: grid, outsideCounts: outsideCounts)
    var points: [SIMD3<Double>] = []
    for k in -1...dims.z { for j in -1...dims.y { for i in -1...dims.x {
      let outside = i < 0 || j < 0 || k < 0 || i >= dims.x || j >= dims.y || k >= dims.z
      if outside ? outsideCounts : sources[grid.offset(i, j, k)] != 0 { points.append(position(i, j, k, spacing)) }
    } } }
    var exact = 0
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
      let p = position(i, j, k, spacing)
      let nearest = points.map { (($0 - p) * ($0 - p)).sum() }.min() ?? .infinity
      let value = Double(found[grid.offset(i, j, k)])
      if nearest <= radius * radius {
        #expect(abs(value - nearest) < 1e-4, "(\(i), \(j), \(k)): \(value) against \(nearest)")
        exact += 1
      } else {
        #expect(value > radius * radius, "(\(i), \(j), \(k)): \(value) against \(nearest)")
      }
    } } }
    #expect(exact > 100 && exact < grid.voxelCount)
  }

  @Test("ball opening keeps a sphere and drops the tube leaving it")
  func openingSphereAndTube() {
    let spacing = SIMD3(1.4, 1.4, 3.5)
    let grid = Grid(dims: SIMD3(60, 40, 16), spacingMM: spacing)
    var mask = Volume(grid: grid, repeating: UInt8(0))
    let centre = SIMD3(20.0, 28.0, 28.0)
    var sphere = 0
    for k in 0..<16 { for j in 0..<40 { for i in 0..<60 {
      let p = position(i, j, k, spacing)
      let d = p - centre
      let inSphere = (d * d).sum() <= 12 * 12
      // A tube of radius 3 mm along x from the sphere to the grid's far side.
      let inTube = p.x >= centre.x && (p.y - centre.y) * (p.y - centre.y) + (p.z - centre.z) * (p.z - centre.z) <= 9
      if inSphere { sphere += 1 }
      if inSphere || inTube { mask[i, j, k] = 1 }
    } } }
    let opened = DistanceTransform.opening(mask, radiusMM: 6)
    var kept = 0, tube = 0
    for k in 0..<16 { for j in 0..<40 { for i in 0..<60 where opened[grid.offset(i, j, k)] != 0 {
      let d = position(i, j, k, spacing) - centre
      // Balls centred near the junction reach a little past the sphere: a voxel's breadth.
      if (d * d).sum() <= 12 * 12 { kept += 1 } else if (d * d).sum() > 14 * 14 { tube += 1 }
    } } }
    #expect(tube == 0)
    // A ball of 6 mm rolls everywhere inside a 12 mm sphere: all of it but the lattice's ragged rim.
    #expect(Double(kept) > 0.9 * Double(sphere))
    #expect(DistanceTransform.opening(mask, radiusMM: 13).allSatisfy { $0 == 0 })
  }
}

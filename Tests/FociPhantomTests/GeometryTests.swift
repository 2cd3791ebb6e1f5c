import FociCore
import Foundation
import Testing

@testable import FociPhantom

@Suite("Phantom geometry: true sizes against analytic shapes")
struct GeometryTests {
  /// A rotated ellipsoid given to the numeric paths (a lobe of height 0 keeps it off the
  /// analytic shortcut).
  static func numericEllipsoid(_ semi: SIMD3<Double>, seed: UInt64) -> LobulatedEllipsoid {
    var g = SplitMix64(seed: seed)
    let e = Ellipsoid(centre: SIMD3(3, -7, 11), rotation: .random(&g), semiAxes: semi)
    return LobulatedEllipsoid(base: e, lobeDirections: [SIMD3(0, 0, 1)], lobeHeights: [0], sharpness: 4)
  }

  @Test("Feret and axial diameters of rotated ellipsoids match the analytic values", arguments: [
    SIMD3<Double>(30, 20, 10), SIMD3(5, 5, 5), SIMD3(60, 25, 24), SIMD3(95, 70, 40),
  ])
  func ellipsoidDiameters(semi: SIMD3<Double>) {
    for seed in UInt64(1)...3 {
      let blob = Self.numericEllipsoid(semi, seed: seed)
      let feret = DiameterMeasurement.maximumDiameter(of: [blob])
      #expect(abs(feret - 2 * semi.max()) < 2e-3 * semi.max(), "Feret \(feret) vs \(2 * semi.max())")
      let axial = DiameterMeasurement.longestAxialDiameter(of: [blob])
      let exact = DiameterMeasurement.axialDiameterOfEllipsoid(blob.base)
      #expect(abs(axial - exact) < 3e-3 * exact, "axial \(axial) vs \(exact)")
      #expect(exact <= 2 * semi.max() + 1e-9)
      let volume = DiameterMeasurement.volume(of: [blob])
      #expect(abs(volume - blob.base.volume) < 1e-3 * blob.base.volume)
    }
  }

  @Test("the axial diameter of an upright ellipsoid is its longer in-plane axis")
  func uprightAxial() {
    let e = Ellipsoid(centre: .zero, rotation: .aboutZ(0.3), semiAxes: SIMD3(12, 30, 8))
    #expect(abs(DiameterMeasurement.axialDiameterOfEllipsoid(e) - 60) < 1e-9)
    let tilted = Ellipsoid(centre: .zero, rotation: Rotation(rows: [SIMD3(0, 0, 1), SIMD3(0, 1, 0), SIMD3(-1, 0, 0)]), semiAxes: SIMD3(40, 10, 10))
    #expect(abs(DiameterMeasurement.axialDiameterOfEllipsoid(tilted) - 20) < 1e-9)
  }

  @Test("a union of two disjoint balls has their summed volume and the span of both")
  func unionOfBalls() {
    let a = LobulatedEllipsoid(base: Ellipsoid(centre: SIMD3(-20, 0, 0), semiAxes: SIMD3(repeating: 6)), lobeDirections: [], lobeHeights: [], sharpness: 1)
    let b = LobulatedEllipsoid(base: Ellipsoid(centre: SIMD3(15, 5, 0), semiAxes: SIMD3(repeating: 4)), lobeDirections: [], lobeHeights: [], sharpness: 1)
    let volume = DiameterMeasurement.volume(of: [a, b])
    let exact = 4 / 3 * Double.pi * (216 + 64)
    #expect(abs(volume - exact) < 0.01 * exact)
    let span = DiameterMeasurement.maximumDiameter(of: [a, b])
    let expected = length(SIMD3(35, 5, 0)) + 10
    #expect(abs(span - expected) < 0.05)
  }

  @Test("inside a union the distance is the deepest part's, also where one part's surface runs through another")
  func unionSeam() {
    let a = Solid.ellipsoid(Ellipsoid(centre: .zero, semiAxes: SIMD3(repeating: 10)))
    let b = Solid.ellipsoid(Ellipsoid(centre: SIMD3(8, 0, 0), semiAxes: SIMD3(repeating: 10)))
    // (10, 0, 0) lies on a's surface and 8 mm deep in b, which is also its depth in the union.
    for parts in [[a, b], [b, a]] {
      let union = Solid.union(parts)
      #expect(abs(union.distance(SIMD3(10, 0, 0)) + 8) < 1e-9)
      #expect(abs(CompiledSolid(union).distance(SIMD3(10, 0, 0)) + 8) < 1e-9)
      // Outside, the box test may skip far parts without changing the value.
      #expect(abs(union.distance(SIMD3(30, 0, 0)) - 12) < 1e-9)
      #expect(abs(CompiledSolid(union).distance(SIMD3(30, 0, 0)) - 12) < 1e-9)
    }
  }

  @Test("a blurred union is full strength everywhere deeper than its ramp, seams included")
  func blurredUnionSeam() {
    let grid = PhantomGrids.axial(dims: SIMD3(32, 24, 12), spacingMM: SIMD3(1.4, 1.4, 3.5), centreMM: SIMD3(4, 0, 0))
    let centres = [SIMD3<Double>(0, 0, 0), SIMD3(8, 0, 0)]
    let balls = centres.map { Solid.ellipsoid(Ellipsoid(centre: $0, semiAxes: SIMD3(repeating: 10))) }
    let signal = TissueSignal(native: 100, arterial: 100, venous: 100, delayed: 100, t2: 100, adc: 100)
    let width = 2.0
    let object = SceneObject(solid: .union(balls), signal: signal, edgeWidthMM: width)
    let image = SceneRenderer(grid: grid, modalities: [.native], withTruth: false).render([object]).images[.native]!
    let halfDiagonal = 0.5 * length(grid.spacingMM)
    var checked = 0
    for k in 0..<grid.dims.z {
      for j in 0..<grid.dims.y {
        for i in 0..<grid.dims.x {
          let p = grid.voxelToWorld.apply(SIMD3(Double(i), Double(j), Double(k)))
          // The depth in either ball is at most the depth in the union.
          let depth = centres.map { 10 - length(p - $0) }.max()!
          guard depth > width + 1.1 * halfDiagonal else { continue }
          #expect(image[i + grid.dims.x * (j + grid.dims.y * k)] == 100, "voxel \(i) \(j) \(k), depth \(depth)")
          checked += 1
        }
      }
    }
    #expect(checked > 100)
  }

  @Test("objects the same in every slice, painted once and copied, give the images of painting every slice")
  func axiallyUniformPrefix() {
    let grid = PhantomGrids.axial(dims: SIMD3(40, 32, 7), spacingMM: SIMD3(1.4, 1.4, 3.5), centreMM: .zero)
    func signal(_ v: Double) -> TissueSignal { TissueSignal(native: v, arterial: v, venous: v, delayed: v, t2: v, adc: v) }
    let span = -2000.0...2000.0
    let uniform = [
      SceneObject(solid: .extrudedEllipse(ExtrudedEllipse(centre: SIMD2(1, -2), radii: SIMD2(24, 17), zRange: span)), signal: signal(80), liverMembership: 0, isAxiallyUniform: true),
      SceneObject(solid: .capsule(Capsule(a: SIMD3(-6, 3, -2000), b: SIMD3(-6, 3, 2000), radiusA: 5, radiusB: 5)), signal: signal(300), isAxiallyUniform: true),
    ]
    let ball = SceneObject(solid: .ellipsoid(Ellipsoid(centre: SIMD3(5, 1, 2), semiAxes: SIMD3(6, 5, 7))), signal: signal(150), liverMembership: 1, lesionLabel: 1)
    // A first object that paints zero onto zero changes no voxel but ends the uniform run, so
    // every later object is painted slice by slice.
    let blank = SceneObject(solid: .ellipsoid(Ellipsoid(centre: .zero, semiAxes: SIMD3(repeating: 3))), signal: signal(0), liverMembership: 0)
    let renderer = SceneRenderer(grid: grid, modalities: [.native, .t2], withTruth: true)
    for scene in [uniform, uniform + [ball]] {
      let copied = renderer.render(scene), painted = renderer.render([blank] + scene)
      // Compared as one flag each, so a failure does not print every voxel.
      let sameNative = copied.images[.native]! == painted.images[.native]!, sameT2 = copied.images[.t2]! == painted.images[.t2]!
      let sameLiver = copied.liverFraction! == painted.liverFraction!, sameLabels = copied.lesionLabels! == painted.lesionLabels!
      #expect(sameNative && sameT2 && sameLiver && sameLabels, "native \(sameNative), t2 \(sameT2), liver \(sameLiver), labels \(sameLabels)")
      let n = grid.voxelCount, last = copied.images[.native]![(n - grid.sliceVoxelCount)...]
      #expect(last.contains(80) && last.contains(300))
    }
  }

  @Test("the planar diameter by rotating calipers equals the largest pairwise distance")
  func planarDiameter() {
    var g = SplitMix64(seed: 21)
    func bruteForce(_ p: [SIMD2<Double>]) -> Double {
      var best = 0.0
      for i in p.indices { for j in p.indices where j > i { best = Swift.max(best, ((p[i] - p[j]) * (p[i] - p[j])).sum()) } }
      return best.squareRoot()
    }
    for trial in 0..<600 {
      let n = 2 + Int(g.next() % 120)
      let points: [SIMD2<Double>] = (0..<n).map { _ in
        let angle = g.uniform(0, 2 * .pi)
        switch trial % 4 {
        case 0: return SIMD2(g.uniform(-50, 50), g.uniform(-20, 20))  // a box
        case 1: return SIMD2(30 * cos(angle), 30 * sin(angle))  // a circle: many near-ties
        case 2: return SIMD2(40 * cos(angle), 9 * sin(angle)) + SIMD2(g.uniform(-1e-9, 1e-9), 0)  // an ellipse
        default: return SIMD2(g.uniform(-5, 5), 2 * g.uniform(-5, 5) + 1)  // a thin band and duplicates
        }
      }
      #expect(PlanarDiameter.diameter(of: points) == bruteForce(points), "trial \(trial)")
    }
    #expect(PlanarDiameter.diameter(of: [SIMD2(0, 0), SIMD2(1, 1), SIMD2(2, 2), SIMD2(3, 3)]) == bruteForce([SIMD2(0, 0), SIMD2(3, 3)]))
  }

  @Test("distance bounds never exceed the true distance to a sphere, and flag the inside")
  func distanceBounds() {
    var g = SplitMix64(seed: 9)
    let ball = Solid.ellipsoid(Ellipsoid(centre: SIMD3(1, 2, 3), semiAxes: SIMD3(repeating: 10)))
    let compiled = CompiledSolid(ball)
    for _ in 0..<2000 {
      let p = SIMD3(g.uniform(-30, 30), g.uniform(-30, 30), g.uniform(-30, 30))
      let truth = length(p - SIMD3(1, 2, 3)) - 10
      #expect(abs(ball.distance(p) - truth) < 1e-9)
      #expect(abs(compiled.distance(p) - truth) < 1e-9)
    }
  }

  @Test("the fast sine matches libm to 1e-7")
  func fastSine() {
    var worst = 0.0
    for i in -20000...20000 {
      let x = Double(i) * 0.0137
      worst = max(worst, abs(FastSine.sin(x) - sin(x)))
    }
    #expect(worst < 1e-7)
  }

  @Test("ziggurat noise: mean 0, variance 1, Gaussian tails")
  func gaussianNoise() {
    var noise = GaussianNoise(seed: 5, stream: 1)
    let n = 2_000_000
    var sum = 0.0, squares = 0.0, beyond3 = 0, beyond4 = 0
    for _ in 0..<n {
      let v = Double(noise.next())
      sum += v
      squares += v * v
      if abs(v) > 3 { beyond3 += 1 }
      if abs(v) > 4 { beyond4 += 1 }
    }
    let mean = sum / Double(n)
    #expect(abs(mean) < 0.004)
    #expect(abs(squares / Double(n) - mean * mean - 1) < 0.005)
    // P(|z| > 3) = 0.0026998, P(|z| > 4) = 6.33e-5.
    #expect(abs(Double(beyond3) / Double(n) - 0.0026998) < 0.0003)
    #expect(beyond4 > 60 && beyond4 < 200)
  }

  @Test("ziggurat pairs: both halves of a draw are standard normal and uncorrelated")
  func gaussianNoisePairs() {
    var noise = GaussianNoise(seed: 9, stream: 2)
    let n = 1_000_000
    var sums = SIMD2<Double>(), squares = SIMD2<Double>(), product = 0.0
    var beyond3 = 0
    for _ in 0..<n {
      let (a, b) = noise.nextPair()
      let v = SIMD2(Double(a), Double(b))
      sums += v
      squares += v * v
      product += v.x * v.y
      if abs(v.x) > 3 { beyond3 += 1 }
      if abs(v.y) > 3 { beyond3 += 1 }
    }
    let mean = sums / Double(n)
    let variance = squares / Double(n) - mean * mean
    #expect(abs(mean.x) < 0.005 && abs(mean.y) < 0.005)
    #expect(abs(variance.x - 1) < 0.007 && abs(variance.y - 1) < 0.007)
    // The correlation of independent halves has a standard error of 1/√n = 0.001.
    #expect(abs(product / Double(n) - mean.x * mean.y) < 0.004)
    #expect(abs(Double(beyond3) / Double(2 * n) - 0.0026998) < 0.0004)
  }
}

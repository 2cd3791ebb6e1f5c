#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A solid in world coordinates (mm), described by a signed distance bound: `distance(p)` is
/// negative inside, positive outside, zero on the surface, and never (beyond the documented
/// approximation of lobulated bodies) larger in magnitude than the true distance to the
/// surface. That one property lets the renderer skip whole blocks of voxels and supersample
/// only near surfaces, and lets volumes be integrated adaptively.
///
/// Solids are values: a tree of primitives combined by union, intersection and difference,
/// with a bounding box computed once.
public struct Solid: Sendable {
  indirect enum Node: Sendable {
    case ellipsoid(Ellipsoid)
    case lobulated(LobulatedEllipsoid)
    case capsule(Capsule)
    case extrudedEllipse(ExtrudedEllipse)
    case cone(Cone)
    case halfSpace(normal: SIMD3<Double>, offset: Double)
    case union([Solid])
    case smoothUnion([Solid], radius: Double)
    case intersection([Solid])
    case difference(Solid, Solid)
    case displaced(Solid, SurfaceNoise)
    case sampled(SampledField)
  }

  let node: Node
  /// A box that holds the whole solid.
  public let bounds: Box3

  init(_ node: Node, bounds: Box3) {
    self.node = node
    self.bounds = bounds
  }

  public static func ellipsoid(_ e: Ellipsoid) -> Solid { Solid(.ellipsoid(e), bounds: e.bounds) }
  public static func lobulated(_ e: LobulatedEllipsoid) -> Solid { Solid(.lobulated(e), bounds: e.bounds) }
  public static func capsule(_ c: Capsule) -> Solid { Solid(.capsule(c), bounds: c.bounds) }
  public static func extrudedEllipse(_ e: ExtrudedEllipse) -> Solid { Solid(.extrudedEllipse(e), bounds: e.bounds) }
  public static func cone(_ c: Cone) -> Solid { Solid(.cone(c), bounds: c.bounds) }

  /// The points with `p · normal ≤ offset` (normal of unit length).
  public static func halfSpace(normal: SIMD3<Double>, offset: Double) -> Solid {
    Solid(.halfSpace(normal: normal / length(normal), offset: offset), bounds: .everywhere)
  }

  public static func union(_ parts: [Solid]) -> Solid {
    precondition(!parts.isEmpty, "a union needs parts")
    if parts.count == 1 { return parts[0] }
    return Solid(.union(parts), bounds: parts.dropFirst().reduce(parts[0].bounds) { $0.union($1.bounds) })
  }

  /// A union whose creases are rounded over about `radius` mm (polynomial smooth minimum).
  public static func smoothUnion(_ parts: [Solid], radius: Double) -> Solid {
    precondition(!parts.isEmpty, "a union needs parts")
    let box = parts.dropFirst().reduce(parts[0].bounds) { $0.union($1.bounds) }
    return Solid(.smoothUnion(parts, radius: radius), bounds: box.expanded(by: radius / 4))
  }

  public static func intersection(_ parts: [Solid]) -> Solid {
    precondition(!parts.isEmpty, "an intersection needs parts")
    return Solid(.intersection(parts), bounds: parts.dropFirst().reduce(parts[0].bounds) { $0.intersection($1.bounds) })
  }

  /// `self` without the points of `other`.
  public func subtracting(_ other: Solid) -> Solid { Solid(.difference(self, other), bounds: bounds) }

  /// This solid tabulated every `spacingMM` (see `SampledField`).
  public func tabulated(spacingMM: Double, marginMM: Double = 10) -> Solid {
    let field = SampledField(self, spacingMM: spacingMM, marginMM: marginMM)
    return Solid(.sampled(field), bounds: bounds)
  }

  /// The surface pushed outwards by `noise(p)` mm.
  public func displaced(by noise: SurfaceNoise) -> Solid {
    Solid(.displaced(self, noise), bounds: bounds.expanded(by: noise.maximumAmplitude))
  }

  /// Whether `p` is inside.
  @inline(__always)
  public func contains(_ p: SIMD3<Double>) -> Bool { distance(p) < 0 }

  /// Signed distance bound in mm (negative inside).
  public func distance(_ p: SIMD3<Double>) -> Double {
    switch node {
    case .ellipsoid(let e): return e.distance(p)
    case .lobulated(let e): return e.distance(p)
    case .capsule(let c): return c.distance(p)
    case .extrudedEllipse(let e): return e.distance(p)
    case .cone(let c): return c.distance(p)
    case .halfSpace(let n, let offset): return dot(p, n) - offset
    case .union(let parts):
      var best = Double.infinity
      for part in parts {
        // A part whose box is farther than the best value so far cannot lower it below
        // the true distance, nor change its sign. Inside (best ≤ 0) only parts whose box holds
        // the point can lower it: skipping those too would stop at the first part holding
        // the point, whose value may be near zero deep inside the union (a seam where one
        // blob's surface runs through another), and blurred edges read that value.
        let boxDistance = part.bounds.distance(to: p)
        if boxDistance > 0 && boxDistance >= best { continue }
        best = Swift.min(best, part.distance(p))
      }
      return best
    case .smoothUnion(let parts, let k):
      var value = parts[0].distance(p)
      for part in parts.dropFirst() {
        let d = part.distance(p)
        let h = Swift.max(k - abs(value - d), 0) / k
        value = Swift.min(value, d) - h * h * k / 4
      }
      return value
    case .intersection(let parts):
      var value = -Double.infinity
      for part in parts { value = Swift.max(value, part.distance(p)) }
      return value
    case .difference(let a, let b):
      // Also outside `a`, max(da, −db) bounds the distance from below (a point deep inside
      // `b` is far from a∖b); returning da alone there made integration refine the whole of
      // a's surface, even where it lies deep in `b`.
      return Swift.max(a.distance(p), -b.distance(p))
    case .displaced(let base, let noise):
      return (base.distance(p) - noise.value(p)) / (1 + noise.lipschitz)
    case .sampled(let field):
      return field.distance(p)
    }
  }
}

/// A (rotated) ellipsoid: centre, body axes as rotation rows, semi-axes in mm.
public struct Ellipsoid: Sendable, Hashable, Codable {
  public var centre: SIMD3<Double>
  public var rotation: Rotation
  public var semiAxes: SIMD3<Double>

  public init(centre: SIMD3<Double>, rotation: Rotation = .identity, semiAxes: SIMD3<Double>) {
    self.centre = centre
    self.rotation = rotation
    self.semiAxes = semiAxes
  }

  /// (k − 1)·r_min with k = |body(q) / semiAxes|: 1-Lipschitz, so a valid distance bound.
  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    let b = rotation.toBody(p - centre) / semiAxes
    return (length(b) - 1) * semiAxes.min()
  }

  /// Distance from the centre to the surface along the world unit vector `u`.
  @inline(__always)
  public func radius(along u: SIMD3<Double>) -> Double { 1 / length(rotation.toBody(u) / semiAxes) }

  public var volume: Double { 4 / 3 * Double.pi * semiAxes.x * semiAxes.y * semiAxes.z }

  /// Smallest radius of curvature of the surface: c²/a (at the ends of the longest axis).
  public var smallestCurvatureRadius: Double { semiAxes.min() * semiAxes.min() / semiAxes.max() }

  /// The exact axis-aligned bounds of the rotated ellipsoid.
  public var bounds: Box3 {
    let a = rotation.row0 * semiAxes.x, b = rotation.row1 * semiAxes.y, c = rotation.row2 * semiAxes.z
    let half = (a * a + b * b + c * c).squareRoot()
    return Box3(lower: centre - half, upper: centre + half)
  }

  /// The same ellipsoid scaled about its centre.
  public func scaled(_ factor: Double) -> Ellipsoid {
    Ellipsoid(centre: centre, rotation: rotation, semiAxes: semiAxes * factor)
  }
}

/// An ellipsoid whose radius is modulated by smooth outward lobes: a lobulated mass. The
/// body is star-shaped about its centre, with boundary `centre + ρ(u)·u`,
/// `ρ(u) = r_ellipsoid(u) · (1 + Σ aᵢ·exp(κ(u·dᵢ − 1))) / (1 + Σ aᵢ·c₀)`, where c₀ is a lobe's
/// mean over the sphere, so the lobes leave the mean radius about unchanged.
public struct LobulatedEllipsoid: Sendable, Hashable, Codable {
  public var base: Ellipsoid
  /// Lobe directions (world unit vectors) and their relative heights.
  public var lobeDirections: [SIMD3<Double>]
  public var lobeHeights: [Double]
  /// Lobe sharpness κ (larger = narrower lobes).
  public var sharpness: Double
  /// Factor turning a radial distance into a distance bound (1/√(1+s²), s the largest
  /// relative slope of ρ), and the largest radius; computed once from the shape.
  public private(set) var radialFactor = 1.0
  public private(set) var maximumRadius = 0.0
  /// The largest radius found over the sampled directions (`maximumRadius` adds a margin).
  public var sampledLargestRadius: Double { maximumRadius / LobulatedEllipsoid.radiusMargin }
  static let radiusMargin = 1.05
  public private(set) var normaliser = 1.0

  public init(base: Ellipsoid, lobeDirections: [SIMD3<Double>], lobeHeights: [Double], sharpness: Double) {
    self.base = base
    self.lobeDirections = lobeDirections
    self.lobeHeights = lobeHeights
    self.sharpness = sharpness
    let meanLobe = (1 - exp(-2 * sharpness)) / (2 * sharpness)
    normaliser = 1 / (1 + lobeHeights.reduce(0, +) * meanLobe)
    // Largest radius and slope over a dense set of directions.
    let directions = SphereSampling.fibonacci(count: 800)
    var largest = 0.0, slope = 0.0
    let step = 0.01
    for u in directions {
      let r = radius(along: u)
      largest = Swift.max(largest, r)
      // Two tangent directions.
      let t1 = abs(u.z) < 0.9 ? cross(u, SIMD3(0, 0, 1)) : cross(u, SIMD3(1, 0, 0))
      let t1n = t1 / length(t1)
      let t2 = cross(u, t1n)
      for t in [t1n, t2] {
        let v = u + step * t
        let d = (radius(along: v / length(v)) - r) / (step * r)
        slope = Swift.max(slope, abs(d))
      }
    }
    maximumRadius = largest * LobulatedEllipsoid.radiusMargin
    radialFactor = 0.9 / (1 + slope * slope).squareRoot()
  }

  @inline(__always)
  public func radius(along u: SIMD3<Double>) -> Double { base.radius(along: u) * modulation(along: u) }

  /// The lobes' factor on the ellipsoid's radius along `u`.
  @inline(__always)
  public func modulation(along u: SIMD3<Double>) -> Double {
    var factor = 1.0
    for i in 0..<lobeDirections.count {
      factor += lobeHeights[i] * exp(sharpness * (dot(u, lobeDirections[i]) - 1))
    }
    return factor * normaliser
  }

  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    let q = p - base.centre
    let r = length(q)
    guard r > 1e-9 else { return -radius(along: SIMD3(0, 0, 1)) * radialFactor }
    return (r - radius(along: q / r)) * radialFactor
  }

  public var bounds: Box3 { Box3(centre: base.centre, radius: maximumRadius).intersection(base.bounds.expanded(by: maximumRadius)) }

  /// The same body scaled about its centre.
  public func scaled(_ factor: Double) -> LobulatedEllipsoid { scaled(about: base.centre, by: factor) }

  /// The body scaled by `factor` about `point` (shape, and so the slope factor, unchanged).
  public func scaled(about point: SIMD3<Double>, by factor: Double) -> LobulatedEllipsoid {
    var copy = self
    copy.base = Ellipsoid(centre: point + (base.centre - point) * factor, rotation: base.rotation, semiAxes: base.semiAxes * factor)
    copy.maximumRadius = maximumRadius * factor
    return copy
  }
}

/// A tube between two points whose radius changes linearly from `radiusA` to `radiusB`,
/// with round ends: a vessel segment.
public struct Capsule: Sendable, Hashable, Codable {
  public var a: SIMD3<Double>
  public var b: SIMD3<Double>
  public var radiusA: Double
  public var radiusB: Double

  public init(a: SIMD3<Double>, b: SIMD3<Double>, radiusA: Double, radiusB: Double) {
    self.a = a
    self.b = b
    self.radiusA = radiusA
    self.radiusB = radiusB
  }

  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    let ab = b - a
    let t = Swift.max(0, Swift.min(1, dot(p - a, ab) / Swift.max(dot(ab, ab), 1e-12)))
    return length(p - (a + t * ab)) - (radiusA + t * (radiusB - radiusA))
  }

  public var bounds: Box3 {
    let r = Swift.max(radiusA, radiusB)
    return Box3(lower: pointwiseMin(a, b) - r, upper: pointwiseMax(a, b) + r)
  }
}

/// An ellipse in the axial (x, y) plane extruded between two z levels: a body outline.
public struct ExtrudedEllipse: Sendable, Hashable, Codable {
  public var centre: SIMD2<Double>
  public var radii: SIMD2<Double>
  public var zRange: ClosedRange<Double>

  public init(centre: SIMD2<Double>, radii: SIMD2<Double>, zRange: ClosedRange<Double>) {
    self.centre = centre
    self.radii = radii
    self.zRange = zRange
  }

  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    let q = (SIMD2(p.x, p.y) - centre) / radii
    let inPlane = ((q * q).sum().squareRoot() - 1) * radii.min()
    return Swift.max(inPlane, Swift.max(zRange.lowerBound - p.z, p.z - zRange.upperBound))
  }

  public var bounds: Box3 {
    Box3(
      lower: SIMD3(centre.x - radii.x, centre.y - radii.y, zRange.lowerBound),
      upper: SIMD3(centre.x + radii.x, centre.y + radii.y, zRange.upperBound))
  }
}

/// A solid cone: apex, unit axis, half-angle (radians) and length along the axis. Cut by the
/// liver it becomes a wedge with its base on the capsule (an arterio-portal shunt).
public struct Cone: Sendable, Hashable, Codable {
  public var apex: SIMD3<Double>
  public var axis: SIMD3<Double>
  public var halfAngle: Double
  public var length: Double

  public init(apex: SIMD3<Double>, axis: SIMD3<Double>, halfAngle: Double, length: Double) {
    self.apex = apex
    self.axis = axis / FociPhantom.length(axis)
    self.halfAngle = halfAngle
    self.length = length
  }

  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    let q = p - apex
    let t = dot(q, axis)
    let radial = FociPhantom.length(q - t * axis)
    let lateral = radial * cos(halfAngle) - t * sin(halfAngle)
    return Swift.max(lateral, Swift.max(t - length, -t))
  }

  public var bounds: Box3 { Box3(centre: apex, radius: length / cos(halfAngle)) }
}

/// A smooth scalar field (mm): a sum of plane waves, used to make organ surfaces irregular.
public struct SurfaceNoise: Sendable, Hashable, Codable {
  public var waveVectors: [SIMD3<Double>]
  public var phases: [Double]
  public var amplitudes: [Double]

  public init(waveVectors: [SIMD3<Double>], phases: [Double], amplitudes: [Double]) {
    self.waveVectors = waveVectors
    self.phases = phases
    self.amplitudes = amplitudes
  }

  /// `count` waves with wavelengths in `wavelengthsMM` and amplitudes summing to `amplitudeMM`.
  public static func random(
    _ g: inout SplitMix64, count: Int, wavelengthsMM: ClosedRange<Double>, amplitudeMM: Double
  ) -> SurfaceNoise {
    var k: [SIMD3<Double>] = [], phases: [Double] = [], amps: [Double] = []
    for _ in 0..<count {
      k.append(g.direction() * (2 * Double.pi / g.uniform(wavelengthsMM.lowerBound, wavelengthsMM.upperBound)))
      phases.append(g.uniform(0, 2 * Double.pi))
      amps.append(amplitudeMM / Double(count))
    }
    return SurfaceNoise(waveVectors: k, phases: phases, amplitudes: amps)
  }

  @inline(__always)
  public func value(_ p: SIMD3<Double>) -> Double {
    var sum = 0.0
    for i in 0..<waveVectors.count { sum += amplitudes[i] * sin(dot(waveVectors[i], p) + phases[i]) }
    return sum
  }

  public var maximumAmplitude: Double { amplitudes.reduce(0, +) }
  /// Largest slope of the field (mm per mm).
  public var lipschitz: Double { zip(waveVectors, amplitudes).reduce(0) { $0 + length($1.0) * $1.1 } }
}

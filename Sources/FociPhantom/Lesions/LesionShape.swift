import FociCore

/// Lesion bodies: one star-shaped blob (round or oval, smooth or lobulated) or the union of a
/// main blob and satellites (irregular).
public enum LesionShape {
  /// The solid of a set of blobs: exact ellipsoids where a blob has no lobes.
  public static func solid(of blobs: [LobulatedEllipsoid]) -> Solid {
    .union(blobs.map { $0.lobeDirections.isEmpty ? .ellipsoid($0.base) : .lobulated($0) })
  }

  /// Radius of the smallest sphere about `centre` that holds every blob.
  public static func boundingRadius(of blobs: [LobulatedEllipsoid], about centre: SIMD3<Double>) -> Double {
    blobs.map { length($0.base.centre - centre) + boundingRadius(of: $0) }.max() ?? 0
  }

  static func largestRadius(of blob: LobulatedEllipsoid) -> Double {
    blob.lobeDirections.isEmpty ? blob.base.semiAxes.max() : blob.sampledLargestRadius
  }

  /// A blob's reach from its centre for placement: the sampled largest radius and 1 % (the
  /// renderer's bounds keep the full margin).
  static func boundingRadius(of blob: LobulatedEllipsoid) -> Double {
    blob.lobeDirections.isEmpty ? blob.base.semiAxes.max() : 1.01 * blob.sampledLargestRadius
  }

  /// Blobs of one lesion of nominal diameter `diameterMM`, centred at the origin.
  static func draw(
    _ g: inout SplitMix64, diameterMM d: Double, shape: ShapeClass, lobulated: Bool
  ) -> [LobulatedEllipsoid] {
    let r = d / 2
    func lobes(_ base: Ellipsoid) -> LobulatedEllipsoid {
      guard lobulated else { return LobulatedEllipsoid(base: base, lobeDirections: [], lobeHeights: [], sharpness: 1) }
      let count = g.integer(5...9)
      return LobulatedEllipsoid(
        base: base, lobeDirections: (0..<count).map { _ in g.direction() },
        lobeHeights: (0..<count).map { _ in g.uniform(0.10, 0.22) }, sharpness: g.uniform(5, 9))
    }
    func axes(_ ratioB: ClosedRange<Double>, _ ratioC: ClosedRange<Double>) -> SIMD3<Double> {
      let b = g.uniform(ratioB.lowerBound, ratioB.upperBound)
      let c = g.uniform(ratioC.lowerBound, Swift.min(ratioC.upperBound, b))
      return SIMD3(1, b, c)
    }
    var blobs: [LobulatedEllipsoid]
    switch shape {
    case .round:
      blobs = [lobes(Ellipsoid(centre: .zero, rotation: .random(&g), semiAxes: r * axes(0.9...1, 0.9...1)))]
    case .oval:
      blobs = [lobes(Ellipsoid(centre: .zero, rotation: .random(&g), semiAxes: r * axes(0.52...0.7, 0.45...0.7)))]
    case .irregular:
      let mainRadius = 0.72 * r
      let main = Ellipsoid(centre: .zero, rotation: .random(&g), semiAxes: mainRadius * axes(0.75...1, 0.7...1))
      blobs = [lobes(main)]
      for _ in 0..<g.integer(2...4) {
        let u = g.direction()
        let reach = main.radius(along: u) * g.uniform(0.65, 0.9)
        let size = mainRadius * g.uniform(0.4, 0.62)
        blobs.append(lobes(Ellipsoid(centre: u * reach, rotation: .random(&g), semiAxes: size * axes(0.8...1, 0.75...1))))
      }
    }
    // Every class spans about the nominal diameter, so size (and a lesion's rank among a
    // patient's largest) does not depend on shape: a single blob by its widest chord through
    // the centre, a union through its blobs' bounding spheres.
    var span = 0.0
    if blobs.count == 1 {
      for u in spanDirections { span = Swift.max(span, blobs[0].radius(along: u) + blobs[0].radius(along: -u)) }
    } else {
      for a in blobs {
        for b in blobs { span = Swift.max(span, length(a.base.centre - b.base.centre) + largestRadius(of: a) + largestRadius(of: b)) }
      }
    }
    return span > 0 && abs(span - d) > 1e-9 ? blobs.map { $0.scaled(about: .zero, by: d / span) } : blobs
  }

  /// Half a sphere of directions (a chord and its opposite are the same).
  static let spanDirections = SphereSampling.fibonacci(count: 600).filter { $0.z >= 0 }

  /// The blobs moved by `offset`.
  static func translated(_ blobs: [LobulatedEllipsoid], by offset: SIMD3<Double>) -> [LobulatedEllipsoid] {
    blobs.map { blob in
      var moved = blob
      moved.base.centre += offset
      return moved
    }
  }
}

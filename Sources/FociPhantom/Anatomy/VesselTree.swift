/// The liver's portal and hepatic veins as trees of tapered tube segments.
///
/// The portal vein enters at the hilum and divides into right and left branches and two
/// further generations; the right, middle and left hepatic veins leave the vena cava near the
/// dome and branch once. Branch ends are kept inside the liver.
enum VesselTree {
  static func draw(
    _ g: inout SplitMix64, liver: Solid, pivot: SIMD3<Double>, scale: Double, ivcTop: SIMD3<Double>
  ) -> (portal: [Capsule], hepatic: [Capsule]) {
    func place(_ p: SIMD3<Double>) -> SIMD3<Double> { pivot + (p - pivot) * scale }
    var portal: [Capsule] = []
    let hilum = place(SIMD3(36, 0, -30))
    portal.append(Capsule(a: place(SIMD3(12, -18, -80)), b: hilum, radiusA: 7, radiusB: 7))
    let firstBranches: [(SIMD3<Double>, Double, Double)] = [
      (place(SIMD3(80, -6, -18)), 6, 4.5),
      (place(SIMD3(-12, 24, -2)), 5, 3.8),
    ]
    for (end, ra, rb) in firstBranches {
      portal.append(Capsule(a: hilum, b: end, radiusA: ra, radiusB: rb))
      grow(&g, from: end, direction: normalised(end - hilum), radius: rb, generations: 2, length: 42 * scale, liver: liver, into: &portal)
    }

    var hepatic: [Capsule] = []
    let top = SIMD3(ivcTop.x, ivcTop.y, ivcTop.z - 40 * scale)
    let trunks: [(SIMD3<Double>, Double, Double)] = [
      (place(SIMD3(104, -16, 4)), 6, 4),
      (place(SIMD3(46, 36, -14)), 5, 3.5),
      (place(SIMD3(-34, 28, 24)), 4.5, 3),
    ]
    for (end, ra, rb) in trunks {
      hepatic.append(Capsule(a: top, b: end, radiusA: ra, radiusB: rb))
      grow(&g, from: end, direction: normalised(end - top), radius: rb, generations: 1, length: 34 * scale, liver: liver, into: &hepatic)
    }
    return (portal, hepatic)
  }

  /// Two or three children per end, each a bent continuation that stays inside the liver.
  private static func grow(
    _ g: inout SplitMix64, from start: SIMD3<Double>, direction: SIMD3<Double>, radius: Double, generations: Int,
    length: Double, liver: Solid, into segments: inout [Capsule]
  ) {
    guard generations > 0 else { return }
    let children = g.integer(2...3)
    for _ in 0..<children {
      for _ in 0..<12 {
        let bent = normalised(direction + 0.9 * g.direction())
        let end = start + bent * length * g.uniform(0.7, 1.1)
        guard liver.distance(end) < -6 else { continue }
        let childRadius = Swift.max(1.6, radius * 0.72)
        segments.append(Capsule(a: start, b: end, radiusA: radius * 0.85, radiusB: childRadius))
        grow(&g, from: end, direction: bent, radius: childRadius, generations: generations - 1, length: length * 0.75, liver: liver, into: &segments)
        break
      }
    }
  }

  static func normalised(_ v: SIMD3<Double>) -> SIMD3<Double> { v / length(v) }
}

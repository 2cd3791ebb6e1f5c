/// An axis-aligned box in world mm (inclusive bounds).
public struct Box3: Sendable, Hashable {
  public var lower: SIMD3<Double>
  public var upper: SIMD3<Double>

  public init(lower: SIMD3<Double>, upper: SIMD3<Double>) {
    self.lower = lower
    self.upper = upper
  }

  /// The box around a sphere.
  public init(centre: SIMD3<Double>, radius: Double) {
    lower = centre - radius
    upper = centre + radius
  }

  public static let everywhere = Box3(lower: SIMD3(repeating: -1e12), upper: SIMD3(repeating: 1e12))

  public func union(_ other: Box3) -> Box3 {
    Box3(lower: pointwiseMin(lower, other.lower), upper: pointwiseMax(upper, other.upper))
  }

  public func intersection(_ other: Box3) -> Box3 {
    Box3(lower: pointwiseMax(lower, other.lower), upper: pointwiseMin(upper, other.upper))
  }

  public func expanded(by margin: Double) -> Box3 { Box3(lower: lower - margin, upper: upper + margin) }

  public var isEmpty: Bool { any(upper .< lower) }
  public var centre: SIMD3<Double> { (lower + upper) / 2 }
  public var size: SIMD3<Double> { upper - lower }

  /// Distance from `p` to the box (0 inside).
  @inline(__always)
  public func distance(to p: SIMD3<Double>) -> Double {
    let d = pointwiseMax(pointwiseMax(lower - p, p - upper), SIMD3(repeating: 0))
    return (d * d).sum().squareRoot()
  }
}

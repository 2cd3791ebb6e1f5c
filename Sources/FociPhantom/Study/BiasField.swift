#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A smooth multiplicative coil sensitivity field, fixed to the scanner (it does not move
/// with the patient): `exp(Σ_axis Σ_m c·cos(π·m·x/L + φ))`, separable along world axes.
public struct BiasField: Sendable, Hashable, Codable {
  /// Per world axis, the amplitudes and phases of two cosine terms.
  public var amplitudes: [[Double]]
  public var phases: [[Double]]
  /// Length scale L of the terms, mm.
  public var scaleMM = 250.0

  /// A field whose log varies by about ±`strength` over the body.
  public static func random(_ g: inout SplitMix64, strength: Double) -> BiasField {
    BiasField(
      amplitudes: (0..<3).map { _ in [g.normal() * strength / 2, g.normal() * strength / 4] },
      phases: (0..<3).map { _ in [g.uniform(0, 2 * .pi), g.uniform(0, 2 * .pi)] })
  }

  /// Natural log of the factor's part along one world axis.
  @inline(__always)
  public func logFactor(axis: Int, coordinateMM x: Double) -> Double {
    var sum = 0.0
    for m in 0..<amplitudes[axis].count {
      sum += amplitudes[axis][m] * cos(Double.pi * Double(m + 1) * x / scaleMM + phases[axis][m])
    }
    return sum
  }

  public func factor(at p: SIMD3<Double>) -> Double {
    exp(logFactor(axis: 0, coordinateMM: p.x) + logFactor(axis: 1, coordinateMM: p.y) + logFactor(axis: 2, coordinateMM: p.z))
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64): the phantom's only
/// source of randomness, so a seed reproduces a cohort bit for bit on any machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// A generator for one labelled sub-stream: the same parent seed and labels always give the
  /// same stream, and different labels give unrelated ones.
  public init(seed: UInt64, stream: UInt64, _ more: UInt64 = 0) {
    state = SplitMix64.mix(seed ^ SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019) ^ SplitMix64.mix(more &* 0x9E37_79B9_7F4A_7C15 &+ 1))
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// The SplitMix64 output function: a bijective 64-bit hash.
  @inline(__always)
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1), 53 random bits.
  @inline(__always)
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Uniform in [a, b).
  public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

  /// Uniform integer in a closed range.
  public mutating func integer(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  /// True with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// Standard normal (Box–Muller); for drawing study parameters, not for voxel noise.
  public mutating func normal() -> Double {
    let u1 = Swift.max(unit(), 0x1p-60)
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * unit())
  }

  /// Log-normal with the given median and σ of the logarithm.
  public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

  /// Poisson-distributed count (Knuth's product method; fine for small means).
  public mutating func poisson(mean: Double) -> Int {
    let limit = exp(-mean)
    var product = unit()
    var count = 0
    while product > limit {
      product *= unit()
      count += 1
    }
    return count
  }

  /// An index drawn with the given (not necessarily normalised) weights.
  public mutating func pick(weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    var target = unit() * total
    for (index, w) in weights.enumerated() {
      if target < w { return index }
      target -= w
    }
    return weights.count - 1
  }

  /// A uniformly distributed unit vector.
  public mutating func direction() -> SIMD3<Double> {
    let z = uniform(-1, 1)
    let phi = uniform(0, 2 * Double.pi)
    let r = (1 - z * z).squareRoot()
    return SIMD3(r * cos(phi), r * sin(phi), z)
  }
}

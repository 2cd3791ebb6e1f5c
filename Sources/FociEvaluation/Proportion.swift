/// A count of successes out of trials with its 95 % Wilson score interval, the interval that
/// keeps its coverage for small counts and for proportions near 0 or 1 (where the normal
/// approximation collapses to zero width).
public struct Proportion: Sendable, Hashable, Codable {
  public var successes: Int
  public var trials: Int
  /// successes / trials; nil without trials.
  public var value: Double?
  public var lower95: Double?
  public var upper95: Double?

  /// z for a two-sided 95 % interval.
  public static let z95 = 1.959963984540054

  public init(_ successes: Int, of trials: Int, z: Double = Proportion.z95) {
    precondition(successes >= 0 && successes <= trials, "successes must lie within 0...trials")
    self.successes = successes
    self.trials = trials
    guard trials > 0 else { return }
    let n = Double(trials), p = Double(successes) / n, z2 = z * z
    let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    value = p
    // Exact at the ends, where rounding would leave 1e-17 for a bound that is 0 (or 1).
    lower95 = successes == 0 ? 0 : max(0, centre - half)
    upper95 = successes == trials ? 1 : min(1, centre + half)
  }
}

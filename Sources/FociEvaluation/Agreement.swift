/// Agreement of measured values with true ones: the differences' median and quartiles, and
/// Bland–Altman's bias with its 95 % limits of agreement (bias ± 1.96 SD of the differences).
public struct Agreement: Sendable, Hashable, Codable {
  public var count: Int
  /// Of measured − true.
  public var median: Double
  public var lowerQuartile: Double
  public var upperQuartile: Double
  public var bias: Double
  /// Sample SD (n − 1) of the differences; 0 for one pair.
  public var standardDeviation: Double
  public var lowerLimit: Double
  public var upperLimit: Double
  /// Median of |measured − true|.
  public var medianAbsolute: Double

  /// Agreement of `measured[i]` with `truth[i]` over the pairs where both are finite; nil
  /// when there are none.
  public init?(measured: [Double], truth: [Double]) {
    precondition(measured.count == truth.count, "one true value per measured one")
    let d = zip(measured, truth).compactMap { m, t in m.isFinite && t.isFinite ? m - t : nil }
    self.init(differences: d)
  }

  /// Agreement from the differences measured − true themselves.
  public init?(differences: [Double]) {
    guard !differences.isEmpty else { return nil }
    let sorted = differences.sorted()
    count = sorted.count
    median = Self.quantile(sorted, 0.5)
    lowerQuartile = Self.quantile(sorted, 0.25)
    upperQuartile = Self.quantile(sorted, 0.75)
    bias = sorted.reduce(0, +) / Double(count)
    let b = bias
    standardDeviation = count > 1 ? (sorted.reduce(0) { $0 + ($1 - b) * ($1 - b) } / Double(count - 1)).squareRoot() : 0
    lowerLimit = bias - 1.96 * standardDeviation
    upperLimit = bias + 1.96 * standardDeviation
    medianAbsolute = Self.quantile(differences.map(abs).sorted(), 0.5)
  }

  /// Linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
  public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty && (0...1).contains(q))
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
    let fraction = position - Double(low)
    return sorted[low] + (sorted[high] - sorted[low]) * fraction
  }
}

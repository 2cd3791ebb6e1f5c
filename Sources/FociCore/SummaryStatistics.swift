/// Median, range and standard deviation of a sample: the form of the clinical reference
/// table (SPEC §7) that cohort reports repeat.
public struct SummaryStatistics: Sendable, Hashable, Codable {
  public var count: Int
  public var median: Double
  public var min: Double
  public var max: Double
  /// Sample standard deviation (n − 1); 0 for fewer than two values.
  public var standardDeviation: Double
  public var mean: Double

  /// Statistics of the finite values; nil when there are none.
  public init?(_ values: [Double]) {
    let v = values.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return nil }
    count = v.count
    median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    min = v[0]
    max = v[v.count - 1]
    mean = v.reduce(0, +) / Double(v.count)
    let m = mean
    standardDeviation = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
  }
}

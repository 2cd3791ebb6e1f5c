import FociCore

/// Median and median absolute deviation of a volume's samples inside a mask: the liver's own
/// signal and spread, unmoved by the lesions and vessels that sit in its tails.
public struct RobustStatistics: Sendable, Hashable, Codable {
  public var median: Double
  /// Median of |x − median|.
  public var mad: Double
  /// Samples the figures describe (finite, inside the mask).
  public var count: Int

  /// `1.4826 · MAD`: the standard deviation a normal distribution with this MAD would have.
  public var robustSigma: Double { 1.4826 * mad }

  /// `median + k · 1.4826 · MAD`, the detection threshold rule of the SPEC (k = 3 by default).
  public func threshold(k: Double = 3) -> Double { median + k * robustSigma }

  /// Statistics of the finite samples of `volume` where `mask` is non-zero (everywhere
  /// without a mask); nil when there are none. Exact, in linear time.
  public init?(of volume: Volume<Float>, within mask: Volume<UInt8>? = nil) {
    if let mask { precondition(mask.grid.dims == volume.grid.dims, "mask and volume must share a grid") }
    var samples: [Float] = []
    samples.reserveCapacity(volume.voxels.count / 4)
    volume.voxels.withUnsafeBufferPointer { v in
      if let mask {
        mask.voxels.withUnsafeBufferPointer { m in
          for n in 0..<v.count where m[n] != 0 && v[n].isFinite { samples.append(v[n]) }
        }
      } else {
        for x in v where x.isFinite { samples.append(x) }
      }
    }
    guard !samples.isEmpty else { return nil }
    let median = samples.withUnsafeBufferPointer { OrderStatistic.median($0) }
    let deviations = samples.map { Float(abs(Double($0) - median)) }
    self.median = median
    self.mad = deviations.withUnsafeBufferPointer { OrderStatistic.median($0) }
    self.count = samples.count
  }
}

extension RobustStatistics {
  /// The median of `values` (the mean of the two middle values for an even count, numpy's
  /// convention), nil when empty. Exact, in linear time; NaNs must have been left out.
  public static func median(of values: [Float]) -> Double? {
    guard !values.isEmpty else { return nil }
    return values.withUnsafeBufferPointer { OrderStatistic.median($0) }
  }
}

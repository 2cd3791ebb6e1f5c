/// Minimum, maximum, mean and sum of a volume's finite samples.
///
/// Sums accumulate in `Double` per slab and slabs are added in a fixed order, so the result is
/// the same for any number of threads.
public struct IntensitySummary: Sendable, Hashable, Codable {
  public var min: Double
  public var max: Double
  public var mean: Double
  public var sum: Double
  /// Number of finite samples the figures describe.
  public var finiteCount: Int
  /// Samples that were NaN or infinite and were left out.
  public var nonFiniteCount: Int

  /// Summarises `volume`. An empty or all-non-finite volume gives NaN min, max and mean.
  public init(of volume: Volume<Float>) {
    let slabCount = Swift.max(1, Swift.min(64, volume.voxels.count / 262_144))
    var partials = [Partial](repeating: Partial(), count: slabCount)
    volume.voxels.withUnsafeBufferPointer { samples in
      partials.withUnsafeMutableBufferPointer { out in
        let results = UncheckedSendable(out)
        let input = UncheckedSendable(samples)
        let n = samples.count
        ParallelSlabs.forEach(count: slabCount) { slab in
          let lower = n * slab / slabCount, upper = n * (slab + 1) / slabCount
          var p = Partial()
          for index in lower..<upper {
            let v = input.value[index]
            guard v.isFinite else { p.nonFinite += 1; continue }
            let d = Double(v)
            p.sum += d
            p.count += 1
            if v < p.min { p.min = v }
            if v > p.max { p.max = v }
          }
          results.value[slab] = p
        }
      }
    }
    var total = Partial()
    for p in partials {
      total.sum += p.sum
      total.count += p.count
      total.nonFinite += p.nonFinite
      total.min = Swift.min(total.min, p.min)
      total.max = Swift.max(total.max, p.max)
    }
    let empty = total.count == 0
    min = empty ? .nan : Double(total.min)
    max = empty ? .nan : Double(total.max)
    sum = total.sum
    mean = empty ? .nan : total.sum / Double(total.count)
    finiteCount = total.count
    nonFiniteCount = total.nonFinite
  }

  private struct Partial {
    var min = Float.infinity
    var max = -Float.infinity
    var sum = 0.0
    var count = 0
    var nonFinite = 0
  }
}

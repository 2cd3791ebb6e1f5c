/// Exact order statistics of `Float` samples in linear time, by radix selection.
///
/// Floats are mapped to unsigned integers that sort in the same order; one pass histograms
/// the top 16 bits, which finds the bucket holding the wanted rank, and a second pass
/// histograms the low 16 bits of that bucket's members. No sorting, no copy beyond the input.
enum OrderStatistic {
  /// An order-preserving map from finite floats to `UInt32`.
  @inline(__always)
  static func key(_ v: Float) -> UInt32 {
    let bits = v.bitPattern
    return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
  }

  @inline(__always)
  static func value(_ key: UInt32) -> Float {
    Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
  }

  /// The `rank`-th smallest value (0-based) of `values`, which must hold finite numbers.
  static func select(_ values: UnsafeBufferPointer<Float>, rank: Int) -> Float {
    precondition(rank >= 0 && rank < values.count, "rank out of range")
    var high = [Int](repeating: 0, count: 1 << 16)
    for v in values { high[Int(key(v) >> 16)] += 1 }
    var remaining = rank
    var bucket = 0
    while remaining >= high[bucket] {
      remaining -= high[bucket]
      bucket += 1
    }
    var low = [Int](repeating: 0, count: 1 << 16)
    for v in values {
      let k = key(v)
      if Int(k >> 16) == bucket { low[Int(k & 0xFFFF)] += 1 }
    }
    var slot = 0
    while remaining >= low[slot] {
      remaining -= low[slot]
      slot += 1
    }
    return value(UInt32(bucket) << 16 | UInt32(slot))
  }

  /// The median: the middle value, or the mean of the two middle values for an even count
  /// (numpy's convention).
  static func median(_ values: UnsafeBufferPointer<Float>) -> Double {
    let n = values.count
    if n % 2 == 1 { return Double(select(values, rank: n / 2)) }
    return (Double(select(values, rank: n / 2 - 1)) + Double(select(values, rank: n / 2))) / 2
  }
}

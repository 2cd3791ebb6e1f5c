import FociCore

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

  /// Counts of the keys' top 16 bits, or of the low 16 bits of the keys whose top 16 bits are
  /// `bucket`. Large inputs are counted in a fixed number of pieces in parallel and summed, so
  /// the counts are the same for any thread count.
  static func histogram(_ values: UnsafeBufferPointer<Float>, bucket: UInt32? = nil) -> [UInt32] {
    let pieces = ParallelSlabs.ranges(total: values.count, pieces: max(1, min(4, values.count >> 17)))
    var partial = [[UInt32]](repeating: [], count: pieces.count)
    partial.withUnsafeMutableBufferPointer { out in
      let shared = UncheckedSendable((values, out))
      ParallelSlabs.forEach(count: pieces.count) { p in
        let (values, out) = shared.value
        var counts = [UInt32](repeating: 0, count: 1 << 16)
        counts.withUnsafeMutableBufferPointer { c in
          if let bucket {
            for n in pieces[p] {
              let k = key(values[n])
              if k >> 16 == bucket { c[Int(k & 0xFFFF)] &+= 1 }
            }
          } else {
            for n in pieces[p] { c[Int(key(values[n]) >> 16)] &+= 1 }
          }
        }
        out[p] = counts
      }
    }
    var total = partial[0]
    for more in partial.dropFirst() { for b in 0..<total.count { total[b] &+= more[b] } }
    return total
  }

  /// The bin holding the `rank`-th counted key (0-based) and that key's rank inside the bin.
  static func locate(_ rank: Int, in counts: [UInt32]) -> (bin: Int, rank: Int) {
    var remaining = rank, bin = 0
    while remaining >= Int(counts[bin]) {
      remaining -= Int(counts[bin])
      bin += 1
    }
    return (bin, remaining)
  }

  /// The `rank`-th smallest value (0-based) of `values`, which must hold finite numbers.
  static func select(_ values: UnsafeBufferPointer<Float>, rank: Int) -> Float {
    selectPair(values, rank: rank, pair: false).0
  }

  /// The `rank`-th smallest value and, with `pair`, the next one (rank + 1), from one top-bits
  /// pass and, unless the two straddle buckets, one low-bits pass.
  static func selectPair(_ values: UnsafeBufferPointer<Float>, rank: Int, pair: Bool = true) -> (Float, Float) {
    precondition(rank >= 0 && rank + (pair ? 1 : 0) < values.count, "rank out of range")
    let high = histogram(values)
    let (bucket, inBucket) = locate(rank, in: high)
    let low = histogram(values, bucket: UInt32(bucket))
    let (slot, inSlot) = locate(inBucket, in: low)
    let first = value(UInt32(bucket) << 16 | UInt32(slot))
    guard pair else { return (first, first) }
    if inSlot + 1 < Int(low[slot]) { return (first, first) }
    if let next = (slot + 1..<low.count).first(where: { low[$0] > 0 }) {
      return (first, value(UInt32(bucket) << 16 | UInt32(next)))
    }
    let nextBucket = (bucket + 1..<high.count).first(where: { high[$0] > 0 })!
    let nextLow = histogram(values, bucket: UInt32(nextBucket))
    let nextSlot = nextLow.firstIndex(where: { $0 > 0 })!
    return (first, value(UInt32(nextBucket) << 16 | UInt32(nextSlot)))
  }

  /// The median: the middle value, or the mean of the two middle values for an even count
  /// (numpy's convention).
  static func median(_ values: UnsafeBufferPointer<Float>) -> Double {
    let n = values.count
    if n % 2 == 1 { return Double(select(values, rank: n / 2)) }
    let (a, b) = selectPair(values, rank: n / 2 - 1)
    return (Double(a) + Double(b)) / 2
  }
}

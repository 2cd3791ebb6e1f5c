import Dispatch

/// Runs independent pieces of work on all cores with `DispatchQueue.concurrentPerform`.
///
/// Work is split by the caller into a fixed number of pieces, chosen from the data and never
/// from the core count, so results that are combined piece by piece in order do not depend on
/// how many threads ran them.
public enum ParallelSlabs {
  /// Calls `body(piece)` for every piece in `0..<count`, in parallel when `count > 1`.
  /// `maxThreads` (nil = all cores) bounds how many run at once; it never changes which
  /// pieces exist, so it cannot change a result.
  public static func forEach(count: Int, maxThreads: Int? = nil, _ body: @Sendable (Int) -> Void) {
    let threads = Swift.min(count, maxThreads ?? count)
    if count <= 1 || threads <= 1 {
      for piece in 0..<count { body(piece) }
      return
    }
    if threads >= count {
      DispatchQueue.concurrentPerform(iterations: count, execute: body)
      return
    }
    // Worker w takes pieces w, w + threads, w + 2·threads, ...
    DispatchQueue.concurrentPerform(iterations: threads) { worker in
      for piece in stride(from: worker, to: count, by: threads) { body(piece) }
    }
  }

  /// Runs two independent pieces of work at once and returns both results. Each runs as it
  /// would alone, so the results do not depend on the thread count.
  public static func both<A, B>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    var a: A?
    var b: B?
    withUnsafeMutablePointer(to: &a) { pa in
      withUnsafeMutablePointer(to: &b) { pb in
        let targets = UncheckedSendable((pa, pb))
        DispatchQueue.concurrentPerform(iterations: 2) { piece in
          if piece == 0 { targets.value.0.pointee = first() } else { targets.value.1.pointee = second() }
        }
      }
    }
    return (a!, b!)
  }

  /// Splits `0..<total` into `pieces` contiguous ranges of near-equal length, in order.
  public static func ranges(total: Int, pieces: Int) -> [Range<Int>] {
    let p = Swift.max(1, pieces)
    return (0..<p).map { total * $0 / p..<total * ($0 + 1) / p }
  }

  /// A new array of `count` elements filled in parallel: `fill(range, destination)` must
  /// initialise every element of `destination`, which holds elements `range` of the result.
  /// Pieces hold about a quarter of a million elements each (at most 64), a split fixed by
  /// `count` alone: an element costs nanoseconds, a piece's dispatch microseconds.
  /// Large arrays are advised onto huge pages before they are first touched.
  public static func array<Element>(
    count: Int, maxThreads: Int? = nil,
    _ fill: @Sendable (_ range: Range<Int>, _ destination: UnsafeMutableBufferPointer<Element>) -> Void
  ) -> [Element] {
    [Element](unsafeUninitializedCapacity: count) { out, initialized in
      HugePages.advise(out)
      let target = UncheckedSendable(out)
      let pieces = ranges(total: count, pieces: Swift.max(1, Swift.min(64, count >> 18)))
      forEach(count: pieces.count, maxThreads: maxThreads) { p in
        fill(pieces[p], UnsafeMutableBufferPointer(rebasing: target.value[pieces[p]]))
      }
      initialized = count
    }
  }
}

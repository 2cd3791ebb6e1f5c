import Dispatch

/// Runs independent pieces of work on all cores with `DispatchQueue.concurrentPerform`.
///
/// Work is split by the caller into a fixed number of pieces, chosen from the data and never
/// from the core count, so results that are combined piece by piece in order do not depend on
/// how many threads ran them.
public enum ParallelSlabs {
  /// Calls `body(piece)` for every piece in `0..<count`, in parallel when `count > 1`.
  public static func forEach(count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
      if count == 1 { body(0) }
      return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
  }

  /// Splits `0..<total` into `pieces` contiguous ranges of near-equal length, in order.
  public static func ranges(total: Int, pieces: Int) -> [Range<Int>] {
    let p = Swift.max(1, pieces)
    return (0..<p).map { total * $0 / p..<total * ($0 + 1) / p }
  }
}

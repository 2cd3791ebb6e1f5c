/// The k-th smallest of a set of values in expected linear time (Hoare's quickselect), for
/// a single quantile of a few thousand values, where sorting all of them costs ten times more.
public enum Selection {
  /// The `rank`-th smallest value (0-based) of `values`, which are reordered in place. The
  /// values must be comparable among themselves (no NaN): the result is then the value a full
  /// sort would put at `rank`, whatever order the values came in.
  public static func kthSmallest(_ values: UnsafeMutableBufferPointer<Float>, rank: Int) -> Float {
    precondition(rank >= 0 && rank < values.count, "rank out of range")
    let v = values
    var (low, high) = (0, values.count - 1)
    while high > low {
      // Median of three as the pivot keeps sorted and reversed input linear.
      let middle = low + (high - low) / 2
      if v[middle] < v[low] { v.swapAt(middle, low) }
      if v[high] < v[low] { v.swapAt(high, low) }
      if v[high] < v[middle] { v.swapAt(high, middle) }
      let pivot = v[middle]
      var (i, j) = (low, high)
      // Hoare partition: afterwards everything in low...j is ≤ pivot and everything in
      // i...high is ≥ pivot, with j < i.
      while i <= j {
        while v[i] < pivot { i += 1 }
        while pivot < v[j] { j -= 1 }
        if i <= j {
          v.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if rank <= j {
        high = j
      } else if rank >= i {
        low = i
      } else {
        return v[rank]
      }
    }
    return v[rank]
  }
}

/// Small dense linear systems.
enum LinearSystem {
  /// Solves the linear system of an augmented matrix by Gaussian elimination with partial
  /// pivoting; nil when it is singular.
  static func solve(_ augmented: [[Double]]) -> [Double]? {
    var a = augmented
    let n = a.count
    let scale = a.map { row in row.prefix(n).map(abs).max() ?? 0 }.max() ?? 0
    guard scale > 0 else { return nil }
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
      guard abs(a[pivot][column]) > 1e-12 * scale else { return nil }
      a.swapAt(column, pivot)
      for row in (column + 1)..<n {
        let f = a[row][column] / a[column][column]
        if f != 0 { for c in column...n { a[row][c] -= f * a[column][c] } }
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = a[row][n]
      for c in (row + 1)..<n { sum -= a[row][c] * x[c] }
      x[row] = sum / a[row][row]
    }
    return x
  }
}

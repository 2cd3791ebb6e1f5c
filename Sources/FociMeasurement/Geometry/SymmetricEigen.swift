#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Eigenvalues and eigenvectors of a symmetric 3×3 matrix by cyclic Jacobi rotations:
/// converges to machine precision in a handful of sweeps and needs no special cases for
/// repeated eigenvalues (a sphere's covariance).
enum SymmetricEigen {
  /// Eigenvalues in decreasing order with unit eigenvectors (columns of `vectors`); each vector
  /// is signed so that its largest component is positive, which makes the output unique.
  static func decompose(_ m: [[Double]]) -> (values: [Double], vectors: [SIMD3<Double>]) {
    var a = m
    var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    for _ in 0..<50 {
      let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
      if off < 1e-30 * max(1e-300, a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]) { break }
      for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
        let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        for k in 0..<3 {
          let (akp, akq) = (a[k][p], a[k][q])
          a[k][p] = c * akp - s * akq
          a[k][q] = s * akp + c * akq
        }
        for k in 0..<3 {
          let (apk, aqk) = (a[p][k], a[q][k])
          a[p][k] = c * apk - s * aqk
          a[q][k] = s * apk + c * aqk
        }
        for k in 0..<3 {
          let (vkp, vkq) = (v[k][p], v[k][q])
          v[k][p] = c * vkp - s * vkq
          v[k][q] = s * vkp + c * vkq
        }
      }
    }
    let order = [0, 1, 2].sorted { a[$0][$0] > a[$1][$1] }
    let vectors = order.map { j -> SIMD3<Double> in
      var e = SIMD3(v[0][j], v[1][j], v[2][j])
      let largest = [e.x, e.y, e.z].max { abs($0) < abs($1) }!
      if largest < 0 { e = -e }
      return e
    }
    return (order.map { a[$0][$0] }, vectors)
  }
}

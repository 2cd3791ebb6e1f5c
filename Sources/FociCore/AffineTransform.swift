/// A 3D affine map from voxel indices (i, j, k) to world coordinates in mm, stored as the top
/// three rows of a 4×4 matrix (the bottom row is always 0 0 0 1).
///
/// World coordinates follow NIfTI's convention (RAS+: +x Right, +y Anterior, +z Superior).
public struct AffineTransform: Sendable, Hashable {
  /// Rows 0...2 of the 4×4 matrix, each `(m[r][0], m[r][1], m[r][2], m[r][3])`.
  public var rows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)

  public init(rows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)) {
    self.rows = rows
  }

  /// Builds the map from a 4×4 row-major matrix; the last row is ignored.
  public init(matrix: [[Double]]) {
    precondition(matrix.count >= 3 && matrix.allSatisfy { $0.count == 4 }, "need 3 or 4 rows of 4")
    rows = (SIMD4(matrix[0]), SIMD4(matrix[1]), SIMD4(matrix[2]))
  }

  /// Axis-aligned scaling by the voxel spacing with the origin at voxel (0, 0, 0).
  public static func diagonal(spacing s: SIMD3<Double>) -> AffineTransform {
    AffineTransform(rows: (SIMD4(s.x, 0, 0, 0), SIMD4(0, s.y, 0, 0), SIMD4(0, 0, s.z, 0)))
  }

  public static let identity = diagonal(spacing: SIMD3(1, 1, 1))

  /// The full 4×4 matrix, row-major.
  public var matrix: [[Double]] {
    [rowArray(rows.0), rowArray(rows.1), rowArray(rows.2), [0, 0, 0, 1]]
  }

  /// World position (mm) of a continuous voxel index.
  @inline(__always)
  public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
    let h = SIMD4(p.x, p.y, p.z, 1)
    return SIMD3((rows.0 * h).sum(), (rows.1 * h).sum(), (rows.2 * h).sum())
  }

  /// The 3×3 linear part applied to a direction (no translation).
  public func applyLinear(_ v: SIMD3<Double>) -> SIMD3<Double> {
    let h = SIMD4(v.x, v.y, v.z, 0)
    return SIMD3((rows.0 * h).sum(), (rows.1 * h).sum(), (rows.2 * h).sum())
  }

  /// Lengths of the three columns of the linear part: the voxel spacing this map implies.
  public var columnLengths: SIMD3<Double> {
    var lengths = SIMD3<Double>()
    for c in 0..<3 {
      let column = SIMD3(rows.0[c], rows.1[c], rows.2[c])
      lengths[c] = (column * column).sum().squareRoot()
    }
    return lengths
  }

  /// Determinant of the linear part; zero means the map has no inverse.
  public var determinant: Double {
    let (a, b, c) = rows
    return a.x * (b.y * c.z - b.z * c.y) - a.y * (b.x * c.z - b.z * c.x) + a.z * (b.x * c.y - b.y * c.x)
  }

  /// The inverse map (world mm to voxel index), or nil if the linear part is singular.
  public func inverted() -> AffineTransform? {
    let det = determinant
    guard det.isFinite, det != 0 else { return nil }
    let (a, b, c) = rows
    // Adjugate of the 3×3 part divided by the determinant.
    let r0 = SIMD3(b.y * c.z - b.z * c.y, a.z * c.y - a.y * c.z, a.y * b.z - a.z * b.y) / det
    let r1 = SIMD3(b.z * c.x - b.x * c.z, a.x * c.z - a.z * c.x, a.z * b.x - a.x * b.z) / det
    let r2 = SIMD3(b.x * c.y - b.y * c.x, a.y * c.x - a.x * c.y, a.x * b.y - a.y * b.x) / det
    let t = SIMD3(a.w, b.w, c.w)
    let tx = -(r0 * t).sum(), ty = -(r1 * t).sum(), tz = -(r2 * t).sum()
    return AffineTransform(rows: (SIMD4(r0, tx), SIMD4(r1, ty), SIMD4(r2, tz)))
  }

  /// `self` after `other`: maps p to self(other(p)).
  public func composed(after other: AffineTransform) -> AffineTransform {
    let m = matrix, n = other.matrix
    var out = [[Double]](repeating: [0, 0, 0, 0], count: 3)
    for r in 0..<3 {
      for c in 0..<4 {
        var sum = 0.0
        for k in 0..<4 { sum += m[r][k] * n[k][c] }
        out[r][c] = sum
      }
    }
    return AffineTransform(matrix: out)
  }

  /// Largest absolute difference between the entries of two maps.
  public func maxAbsDifference(_ other: AffineTransform) -> Double {
    var largest = 0.0
    for (a, b) in [(rows.0, other.rows.0), (rows.1, other.rows.1), (rows.2, other.rows.2)] {
      for c in 0..<4 { largest = Swift.max(largest, Swift.abs(a[c] - b[c])) }
    }
    return largest
  }

  public static func == (l: AffineTransform, r: AffineTransform) -> Bool {
    l.rows.0 == r.rows.0 && l.rows.1 == r.rows.1 && l.rows.2 == r.rows.2
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(rows.0)
    hasher.combine(rows.1)
    hasher.combine(rows.2)
  }

  private func rowArray(_ r: SIMD4<Double>) -> [Double] { [r.x, r.y, r.z, r.w] }
}

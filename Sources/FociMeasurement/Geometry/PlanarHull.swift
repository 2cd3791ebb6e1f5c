/// Convex hulls of integer points in a plane, exactly (Andrew's monotone chain with integer
/// cross products: no rounding, so collinear and duplicate points, which voxel corners are full
/// of, need no tolerance).
enum PlanarHull {
  /// The hull's vertices in counter-clockwise order, without collinear points; one or two
  /// points for degenerate input. `points` is sorted in place.
  static func vertices(_ points: inout [SIMD2<Int64>]) -> [SIMD2<Int64>] {
    points.sort { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
    var unique: [SIMD2<Int64>] = []
    unique.reserveCapacity(points.count)
    for p in points where unique.last != p { unique.append(p) }
    guard unique.count > 2 else { return unique }
    func cross(_ o: SIMD2<Int64>, _ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> Int64 {
      (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }
    var hull = [SIMD2<Int64>](repeating: .zero, count: 2 * unique.count)
    var k = 0
    for p in unique {
      while k >= 2, cross(hull[k - 2], hull[k - 1], p) <= 0 { k -= 1 }
      hull[k] = p
      k += 1
    }
    let lower = k + 1
    for p in unique.reversed().dropFirst() {
      while k >= lower, cross(hull[k - 2], hull[k - 1], p) <= 0 { k -= 1 }
      hull[k] = p
      k += 1
    }
    return Array(hull[0..<(k - 1)])
  }
}

/// The two points of a set farthest apart: the exact diameter of a point set.
enum FarthestPair {
  /// Indices of the farthest pair of `points` and their distance; (0, 0, 0) for fewer than two.
  ///
  /// Exhaustive over pairs, pruned: with c the points' mean and r(p) = |p − c|, no pair
  /// involving p can be longer than r(p) + max r, so points are visited by decreasing r and the
  /// search stops once r(p) + max r cannot beat the best pair found. On the hull vertices of
  /// roundish lesions that leaves a small fraction of the pairs.
  static func find(_ points: [SIMD3<Double>]) -> (first: Int, second: Int, distance: Double) {
    guard points.count >= 2 else { return (0, 0, 0) }
    let centre = points.reduce(SIMD3<Double>(), +) / Double(points.count)
    let radius = points.map { (($0 - centre) * ($0 - centre)).sum().squareRoot() }
    let order = radius.indices.sorted { radius[$0] != radius[$1] ? radius[$0] > radius[$1] : $0 < $1 }
    let largest = radius[order[0]]
    var best = (first: order[0], second: order[1], squared: -1.0)
    points.withUnsafeBufferPointer { p in
      for (rank, i) in order.enumerated() {
        let reach = radius[i] + largest
        if reach * reach < best.squared { break }
        let a = p[i]
        for j in order[(rank + 1)...] {
          // Later points are no farther from the centre, so none of them can do better.
          let bound = radius[i] + radius[j]
          if bound * bound < best.squared { break }
          let d = a - p[j]
          let squared = (d * d).sum()
          if squared > best.squared || (squared == best.squared && (min(i, j), max(i, j)) < (best.first, best.second)) {
            best = (min(i, j), max(i, j), squared)
          }
        }
      }
    }
    return (best.first, best.second, best.squared.squareRoot())
  }

  /// The same for points in a plane.
  static func find(_ points: [SIMD2<Double>]) -> (first: Int, second: Int, distance: Double) {
    find(points.map { SIMD3($0.x, $0.y, 0) })
  }
}

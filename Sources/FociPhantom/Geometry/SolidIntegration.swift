/// Volumes of solids by adaptive (octree) midpoint integration: cells the distance bound
/// shows to be wholly inside or outside count at once, the rest are split down to a minimum
/// size and counted by their centre.
public enum SolidIntegration {
  /// Volume of `solid` in mm³, resolving its surface to cells of at most `cellMM` on a side.
  /// `safety` widens the inside/outside test for solids whose distance is approximate.
  public static func volume(of solid: Solid, cellMM: Double, safety: Double = 1.25) -> Double {
    let box = solid.bounds
    guard !box.isEmpty else { return 0 }
    return integrate(CompiledSolid(solid), centre: box.centre, half: box.size / 2, cellMM: cellMM, safety: safety)
  }

  private static func integrate(
    _ solid: CompiledSolid, centre: SIMD3<Double>, half: SIMD3<Double>, cellMM: Double, safety: Double
  ) -> Double {
    let d = solid.distance(centre)
    let radius = length(half) * safety
    let cellVolume = 8 * half.x * half.y * half.z
    if d > radius { return 0 }
    if d < -radius { return cellVolume }
    if 2 * half.max() <= cellMM { return d < 0 ? cellVolume : 0 }
    // Split only the axes that are still longer than a cell.
    var splits = SIMD3<Int>(1, 1, 1)
    for a in 0..<3 where 2 * half[a] > cellMM { splits[a] = 2 }
    let childHalf = half / SIMD3<Double>(Double(splits.x), Double(splits.y), Double(splits.z))
    var sum = 0.0
    for k in 0..<splits.z {
      for j in 0..<splits.y {
        for i in 0..<splits.x {
          let offset = SIMD3<Double>(
            splits.x == 1 ? 0 : (i == 0 ? -childHalf.x : childHalf.x),
            splits.y == 1 ? 0 : (j == 0 ? -childHalf.y : childHalf.y),
            splits.z == 1 ? 0 : (k == 0 ? -childHalf.z : childHalf.z))
          sum += integrate(solid, centre: centre + offset, half: childHalf, cellMM: cellMM, safety: safety)
        }
      }
    }
    return sum
  }
}

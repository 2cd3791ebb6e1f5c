/// Which voxels touch: the neighbourhood used to join foreground voxels into components.
///
/// ```
///   faces6          edges18          corners26
///   (shares a face) (face or edge)   (face, edge or corner)
///     6 voxels        18 voxels        26 voxels
/// ```
public enum Connectivity: Int, Sendable, Hashable, CaseIterable, Codable {
  case faces6 = 6
  case edges18 = 18
  case corners26 = 26

  /// The neighbour offsets (dx, dy, dz) of this connectivity.
  public var offsets: [SIMD3<Int>] {
    var result: [SIMD3<Int>] = []
    for dz in -1...1 {
      for dy in -1...1 {
        for dx in -1...1 {
          let order = abs(dx) + abs(dy) + abs(dz)
          guard order > 0 else { continue }
          switch self {
          case .faces6 where order == 1, .edges18 where order <= 2, .corners26:
            result.append(SIMD3(dx, dy, dz))
          default: break
          }
        }
      }
    }
    return result
  }
}

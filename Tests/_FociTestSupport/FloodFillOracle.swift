import FociCore

/// Brute-force connected components: flood fill from each unlabelled foreground voxel in
/// raster order (x fastest). Independent of the run-based labeller; slow but obviously right.
public enum FloodFillOracle {
  /// Labels numbered by first voxel in raster order; components under `minimumVoxels` become 0.
  public static func label(_ mask: [Bool], dims: SIMD3<Int>, connectivity: Connectivity, minimumVoxels: Int = 1) -> (labels: [UInt32], sizes: [Int]) {
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    var provisional = [Int](repeating: 0, count: mask.count)
    var members: [[Int]] = []
    let offsets = connectivity.offsets
    for start in 0..<mask.count where mask[start] && provisional[start] == 0 {
      members.append([])
      let id = members.count
      provisional[start] = id
      var stack = [start]
      while let v = stack.popLast() {
        members[id - 1].append(v)
        let x = v % nx, y = (v / nx) % ny, z = v / (nx * ny)
        for o in offsets {
          let (a, b, c) = (x + o.x, y + o.y, z + o.z)
          guard a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz else { continue }
          let n = a + nx * (b + ny * c)
          if mask[n], provisional[n] == 0 {
            provisional[n] = id
            stack.append(n)
          }
        }
      }
    }
    var labels = [UInt32](repeating: 0, count: mask.count)
    var sizes: [Int] = []
    for group in members where group.count >= minimumVoxels {
      sizes.append(group.count)
      for v in group { labels[v] = UInt32(sizes.count) }
    }
    return (labels, sizes)
  }
}

import FociCore

/// Exact Euclidean distance transform on anisotropic grids.
///
/// For every voxel, the distance in mm from its centre to the nearest centre of a background
/// voxel (one where the mask is zero), as scipy's `distance_transform_edt(mask, sampling=…)`
/// computes it; voxels outside the grid do not count as background. Three separable passes of
/// the lower envelope of parabolas (Felzenszwalb & Huttenlocher 2012, "Distance transforms of
/// sampled functions", doi:10.4086/toc.2012.v008a019), each along one axis with that axis's
/// spacing; lines run in parallel and the result does not depend on threads.
public enum DistanceTransform {
  /// Distances (mm) of every voxel to the nearest background voxel; 0 on background, +∞
  /// everywhere when the mask has no background.
  public static func distanceToBackground(_ mask: Volume<UInt8>) -> Volume<Float> {
    // Only the foreground's bounding box plus one voxel matters: that shell is background (or
    // beyond the grid), and clamping any farther background voxel into the shell brings it
    // closer, so distances inside the box are exact when computed in the box alone.
    guard let (lower, upper) = mask.nonZeroBounds() else { return Volume(grid: mask.grid, repeating: 0) }
    let box = VoxelBox(lower: lower, upper: upper, margin: 1, dims: mask.grid.dims)
    let inner = distances(Volume(grid: Grid(dims: box.size, spacingMM: mask.grid.spacingMM), voxels: box.crop(mask.voxels)))
    let out = box.paste(inner, background: 0)
    return Volume(grid: mask.grid, voxels: out)
  }

  /// The transform of a whole grid.
  static func distances(_ mask: Volume<UInt8>) -> [Float] {
    let grid = mask.grid
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    // Squared distances, in Double while the passes run.
    var squared = mask.voxels.map { $0 == 0 ? 0.0 : Double.infinity }
    let spacing = grid.spacingMM
    squared.withUnsafeMutableBufferPointer { buffer in
      let field = UncheckedSendable(buffer)
      // Along x: lines are rows; along y and z, lines are gathered through a stride.
      for axis in 0..<3 {
        let n = grid.dims[axis]
        guard n > 1 || axis == 0 else { continue }
        let stride = axis == 0 ? 1 : axis == 1 ? nx : nx * ny
        let lineCount = axis == 0 ? ny * nz : axis == 1 ? nx * nz : nx * ny
        let pieces = ParallelSlabs.ranges(total: lineCount, pieces: min(lineCount, 64))
        let step = spacing[axis]
        ParallelSlabs.forEach(count: pieces.count) { p in
          var line = [Double](repeating: 0, count: n)
          var out = [Double](repeating: 0, count: n)
          var hulls = [Int](repeating: 0, count: n)
          var bounds = [Double](repeating: 0, count: n + 1)
          for l in pieces[p] {
            let start: Int
            switch axis {
            case 0: start = l * nx
            case 1: start = (l % nx) + (l / nx) * nx * ny
            default: start = l
            }
            for i in 0..<n { line[i] = field.value[start + i * stride] }
            envelope(line, step: step, into: &out, hulls: &hulls, bounds: &bounds)
            for i in 0..<n { field.value[start + i * stride] = out[i] }
          }
        }
      }
    }
    return squared.map { Float($0.squareRoot()) }
  }

  /// `out[i] = min_q ((i − q)·step)² + f[q]`, the lower envelope of the parabolas rooted at
  /// each finite sample.
  static func envelope(_ f: [Double], step: Double, into out: inout [Double], hulls v: inout [Int], bounds z: inout [Double]) {
    let n = f.count
    var k = -1
    for q in 0..<n where f[q].isFinite {
      let position = Double(q) * step
      while k >= 0 {
        let r = v[k]
        let other = Double(r) * step
        // Where the parabola from q overtakes the one from r.
        let s = ((f[q] + position * position) - (f[r] + other * other)) / (2 * (position - other))
        if s <= z[k] { k -= 1 } else {
          k += 1
          v[k] = q
          z[k] = s
          break
        }
      }
      if k < 0 {
        k = 0
        v[0] = q
        z[0] = -Double.infinity
      }
    }
    guard k >= 0 else {
      for i in 0..<n { out[i] = .infinity }
      return
    }
    z[k + 1] = .infinity
    var j = 0
    for i in 0..<n {
      let x = Double(i) * step
      while z[j + 1] < x { j += 1 }
      let d = x - Double(v[j]) * step
      out[i] = d * d + f[v[j]]
    }
  }
}

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

  /// The parts of `mask` that a ball of radius `radiusMM` fits in: the union of the balls
  /// (all voxel centres within `radiusMM` of the ball's centre) whose centre lies further than
  /// `radiusMM` from every background voxel, within the mask. This is a morphological opening
  /// by a ball, made of two distance computations: the centres are the mask eroded by the
  /// ball, and the parts are the voxels within `radiusMM` of a centre. Voxels beyond the grid
  /// count as background here, so a part the grid's edge cuts is as thin as what the grid
  /// holds of it.
  /// - Returns: 1 for the voxels of those parts, 0 elsewhere.
  public static func opening(_ mask: Volume<UInt8>, radiusMM: Double) -> [UInt8] {
    let count = mask.voxels.count
    let limit = Float(radiusMM * radiusMM)
    let fromBackground = squaredDistancesWithin(radiusMM, of: mask.voxels, grid: mask.grid, outsideCounts: true, sourcesAreZero: true)
    var anyCentre = false
    let centres = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
      fromBackground.withUnsafeBufferPointer { d in
        for n in 0..<count {
          let centre = d[n] > limit
          out[n] = centre ? 1 : 0
          anyCentre = anyCentre || centre
        }
      }
      initialized = count
    }
    guard anyCentre else { return centres }
    let fromCentre = squaredDistancesWithin(radiusMM, of: centres, grid: mask.grid, outsideCounts: false)
    return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
      mask.voxels.withUnsafeBufferPointer { m in
        fromCentre.withUnsafeBufferPointer { d in
          for n in 0..<count { out[n] = m[n] != 0 && d[n] <= limit ? 1 : 0 }
        }
      }
      initialized = count
    }
  }

  /// Squared distances (mm²) from each voxel centre to the nearest voxel marked in `sources`
  /// (and, with `outsideCounts`, to the voxels just beyond the grid), exact up to `radiusMM`;
  /// farther ones are some value over `radiusMM`². The three passes take the minimum over the
  /// few voxels within the radius along each axis (a min-plus filter), so rows stay contiguous
  /// and the work is a fixed number of operations per voxel, whatever the shapes; slabs run in
  /// parallel and the result does not depend on threads.
  /// With `sourcesAreZero`, the voxels where `sources` is 0 are the sources instead.
  static func squaredDistancesWithin(
    _ radiusMM: Double, of sources: [UInt8], grid: Grid, outsideCounts: Bool, sourcesAreZero: Bool = false
  ) -> [Float] {
    let dims = grid.dims
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    let spacing = grid.spacingMM
    // Reach along each axis in voxels, and the squared lengths of those steps.
    let reach = (0..<3).map { Int((radiusMM / spacing[$0]).rounded(.down)) }
    let steps = (0..<3).map { a in (0...reach[a]).map { Float((Double($0) * spacing[a]) * (Double($0) * spacing[a])) } }
    let far = Float(radiusMM * radiusMM) * 4 + 1
    let edge: Float = outsideCounts ? 0 : far
    var current = [Float](unsafeUninitializedCapacity: sources.count) { out, initialized in
      sources.withUnsafeBufferPointer { s in
        for n in 0..<s.count { out[n] = (s[n] == 0) == sourcesAreZero ? 0 : far }
      }
      initialized = sources.count
    }
    let rows = ny * nz
    let pieces = ParallelSlabs.ranges(total: rows, pieces: min(rows, 64))
    for axis in 0...2 where reach[axis] > 0 {
      let (r, sq) = (reach[axis], steps[axis])
      let input = current
      current = [Float](unsafeUninitializedCapacity: input.count) { out, initialized in
        input.withUnsafeBufferPointer { src in
          let shared = UncheckedSendable((src.baseAddress!, out.baseAddress!))
          ParallelSlabs.forEach(count: pieces.count) { p in
            let (src, out) = shared.value
            for row in pieces[p] {
              let start = row * nx
              let (source, target) = (src + start, out + start)
              target.update(from: source, count: nx)
              if axis == 0 {
                // Along the row: the voxel d to the left or right, or the edge beyond it.
                for d in 1...r {
                  let add = sq[d]
                  let inside = max(0, nx - d)
                  lowerMinPlus(target, source + d, add, inside)
                  lowerMinPlus(target + d, source, add, inside)
                  for i in 0..<min(d, nx) {
                    target[i] = min(target[i], edge + add)
                    target[nx - 1 - i] = min(target[nx - 1 - i], edge + add)
                  }
                }
              } else {
                // Across rows: the row d slices (or rows) away, or the edge beyond the grid.
                let (position, length, stride) = axis == 1 ? (row % ny, ny, nx) : (row / ny, nz, nx * ny)
                for d in 1...r {
                  let add = sq[d]
                  for side in 0..<2 {
                    let other = side == 0 ? position - d : position + d
                    if other < 0 || other >= length {
                      let value = edge + add
                      for i in 0..<nx { target[i] = min(target[i], value) }
                    } else {
                      lowerMinPlus(target, source + (other - position) * stride, add, nx)
                    }
                  }
                }
              }
            }
          }
        }
        initialized = input.count
      }
    }
    return current
  }

  /// `target[i] = min(target[i], source[i] + add)` for i in 0..<count, eight at a time (the
  /// compiler cannot tell that the two never overlap, so it would not vectorise the loop).
  @inline(__always)
  private static func lowerMinPlus(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ add: Float, _ count: Int) {
    let offset = SIMD8<Float>(repeating: add)
    var i = 0
    while i + 8 <= count {
      let current = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Float>.self)
      let candidate = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self) + offset
      UnsafeMutableRawPointer(target + i).storeBytes(of: current.replacing(with: candidate, where: candidate .< current), as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      target[i] = min(target[i], source[i] + add)
      i += 1
    }
  }

  /// The transform of a whole grid.
  static func distances(_ mask: Volume<UInt8>) -> [Float] {
    squaredDistances(mask.voxels, dims: mask.grid.dims, spacingMM: mask.grid.spacingMM).map { Float($0.squareRoot()) }
  }

  /// Squared distances (mm²) of a whole grid's voxels to the nearest background voxel.
  static func squaredDistances(_ mask: [UInt8], dims: SIMD3<Int>, spacingMM spacing: SIMD3<Double>) -> [Double] {
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    // Squared distances, in Double while the passes run.
    var squared = mask.map { $0 == 0 ? 0.0 : Double.infinity }
    squared.withUnsafeMutableBufferPointer { buffer in
      let field = UncheckedSendable(buffer)
      // Along x: lines are rows; along y and z, lines are gathered through a stride.
      for axis in 0..<3 {
        let n = dims[axis]
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
    return squared
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

import FociCore
import FociFilters

/// The weighted local mean Σ G·(image·weight) / Σ G·weight for a wide Gaussian G, at every
/// voxel (0 where no weight is near), prepared once per weight for several images. The wide
/// kernel is applied on blocks of about a third of σ per axis (sums of image·weight and of
/// weight per block, smoothed, then interpolated trilinearly back), which changes σ by under
/// 1 % and costs a small fraction of a full-resolution convolution.
struct LocalLevel {
  let dims: SIMD3<Int>
  let block: SIMD3<Int>
  let coarse: SIMD3<Int>
  let coarseGrid: Grid
  let sigmaMM: Double
  let weight: [Float]
  /// Per fine voxel: the interpolated smoothed weight (the denominator for every image).
  let denominator: [Float]
  /// Trilinear weights along each axis: block centres sit at (c + ½)·block − ½ fine voxels.
  let axisWeights: [[(Int, Int, Float)]]
  /// For a first-order level: the smoothed weighted moments of position per coarse node
  /// (Σw, Σw·u, Σw·uuᵀ with u in block units: 1 + 3 + 6 fields), nil for a plain mean.
  let positionMoments: [[Float]]?

  /// - Parameter firstOrder: fit a plane (a local linear regression) instead of a constant
  ///   under the Gaussian window. A weighted mean is biased wherever the weight lies on one
  ///   side of the voxel and the image has a gradient, as at the capsule under a coil field;
  ///   a local plane is not.
  init(weight: [Float], grid: Grid, sigmaMM: Double, firstOrder: Bool = false) {
    let clock = StageClock.start()
    defer { StageClock.record("hypointense.level.weights", since: clock) }
    let d = grid.dims
    let block = SIMD3((0..<3).map { max(1, Int(sigmaMM / grid.spacingMM[$0] / 3)) })
    let coarse = SIMD3((0..<3).map { (d[$0] + block[$0] - 1) / block[$0] })
    (dims, self.block, self.coarse, self.sigmaMM, self.weight) = (d, block, coarse, sigmaMM, weight)
    let coarseGrid = Grid(dims: coarse, spacingMM: grid.spacingMM * SIMD3(Double(block.x), Double(block.y), Double(block.z)))
    self.coarseGrid = coarseGrid
    axisWeights = (0..<3).map { axis in
      (0..<d[axis]).map { i in
        let u = (Double(i) + 0.5) / Double(block[axis]) - 0.5
        let c0 = min(max(Int(u.rounded(.down)), 0), coarse[axis] - 1), c1 = min(c0 + 1, coarse[axis] - 1)
        return (c0, c1, Float(min(max(u - Double(c0), 0), 1)))
      }
    }
    // Σw, and for a first-order level Σw·u (3) and Σw·uᵢuⱼ (6), in one sweep of the weight.
    let pairs = firstOrder ? [(-1, -1), (0, -1), (1, -1), (2, -1), (0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)] : [(-1, -1)]
    let sums = StageClock.measure("hypointense.level.sums") {
      Self.momentSums(nil, weight: weight, dims: d, block: block, coarse: coarse, products: pairs)
    }
    let moments = StageClock.measure("hypointense.level.smoothing") {
      sums.map { GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: $0), sigmaMM: sigmaMM, method: .spatial).voxels }
    }
    var denominator = [Float](repeating: 0, count: weight.count)
    Self.interpolate(moments[0], into: &denominator, dims: d, coarse: coarse, axisWeights: axisWeights)
    self.denominator = denominator
    positionMoments = firstOrder ? moments : nil
  }

  /// The local level of `image` at every voxel: the Gaussian-weighted mean, or the value of
  /// the weighted local plane for a first-order level (evaluated only `inside` the mask when
  /// one is given, 0 elsewhere).
  func level(of image: [Float], inside mask: [UInt8]? = nil) -> [Float] {
    if let positionMoments { return planeLevel(of: image, moments: positionMoments, inside: mask ?? []) }
    let sums = Self.momentSums(image, weight: weight, dims: dims, block: block, coarse: coarse, products: [(-1, -1)])[0]
    let smoothSums = GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: sums), sigmaMM: sigmaMM, method: .spatial).voxels
    var level = [Float](repeating: 0, count: image.count)
    Self.interpolate(smoothSums, into: &level, dims: dims, coarse: coarse, axisWeights: axisWeights)
    for n in level.indices { level[n] = denominator[n] > 1e-3 ? level[n] / denominator[n] : 0 }
    return level
  }

  /// A weighted least-squares plane per coarse node (ridge-damped towards a constant where
  /// the weight is too thin to fix a slope, and kept within ±25 % of the mean across one σ),
  /// interpolated back as its value at each voxel.
  private func planeLevel(of image: [Float], moments: [[Float]], inside mask: [UInt8]) -> [Float] {
    let pairs = [(-1, -1), (0, -1), (1, -1), (2, -1)]  // Σw·I, Σw·I·u
    let raw = StageClock.measure("hypointense.level.sums") {
      Self.momentSums(image, weight: weight, dims: dims, block: block, coarse: coarse, products: pairs)
    }
    let sums = StageClock.measure("hypointense.level.smoothing") {
      raw.map { GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: $0), sigmaMM: sigmaMM, method: .spatial).voxels }
    }
    let solveClock = StageClock.start()
    let nodes = coarse.x * coarse.y * coarse.z
    // Per node: the plane's value at the origin of block coordinates and its slope.
    let sigmaBlocks = SIMD3((0..<3).map { sigmaMM / coarseGrid.spacingMM[$0] })
    let fullWeight = Double(block.x * block.y * block.z)
    // Covariance of position (xx, xy, xz, yy, yz, zz) and of position with the image, under
    // the window, with a ridge of 2 % of the window's own spread on each axis, so a sheet of
    // weight one voxel thick gets no slope across it.
    let ridge = 0.02 * sigmaBlocks * sigmaBlocks
    // Per node (in parallel; each node on its own): (offset, slope x, y, z) of value(u) = offset + slope·u.
    var fields = [SIMD4<Float>](repeating: .zero, count: nodes)
    let pieces = ParallelSlabs.ranges(total: nodes, pieces: 8)
    fields.withUnsafeMutableBufferPointer { buffer in
      let target = UncheckedSendable(buffer)
      ParallelSlabs.forEach(count: pieces.count) { piece in
        let out = target.value
        let (m0, m1, m2, m3, m4, m5) = (moments[0], moments[1], moments[2], moments[3], moments[4], moments[5])
        let (m6, m7, m8, m9) = (moments[6], moments[7], moments[8], moments[9])
        let (s0, s1, s2, s3) = (sums[0], sums[1], sums[2], sums[3])
        for c in pieces[piece] {
          let w = Double(m0[c])
          guard w > 1e-3 else { continue }
          let mean = SIMD3(Double(m1[c]), Double(m2[c]), Double(m3[c])) / w
          let level = Double(s0[c]) / w
          let xx = Double(m4[c]) / w - mean.x * mean.x + ridge.x, xy = Double(m5[c]) / w - mean.x * mean.y
          let xz = Double(m6[c]) / w - mean.x * mean.z, yy = Double(m7[c]) / w - mean.y * mean.y + ridge.y
          let yz = Double(m8[c]) / w - mean.y * mean.z, zz = Double(m9[c]) / w - mean.z * mean.z + ridge.z
          let r = SIMD3(Double(s1[c]), Double(s2[c]), Double(s3[c])) / w - mean * level
          // The symmetric 3×3 system by its adjugate.
          let (c00, c01, c02) = (yy * zz - yz * yz, xz * yz - xy * zz, xy * yz - xz * yy)
          let (c11, c12, c22) = (xx * zz - xz * xz, xy * xz - xx * yz, xx * yy - xy * xy)
          let det = xx * c00 + xy * c01 + xz * c02
          guard Swift.abs(det) > 1e-12 else { continue }
          var g = SIMD3(c00 * r.x + c01 * r.y + c02 * r.z, c01 * r.x + c11 * r.y + c12 * r.z, c02 * r.x + c12 * r.y + c22 * r.z) / det
          // Where the window holds little parenchyma (inside a large lesion left out of it) the
          // slope is an extrapolation: it fades out below 40 % of a full window's weight and is
          // gone under 15 %, leaving the mean.
          g *= Swift.min(1, Swift.max(0, (w / fullWeight - 0.15) / 0.25))
          // Across one σ the plane may not move the level by more than 25 %.
          let change = ((g * sigmaBlocks) * (g * sigmaBlocks)).sum().squareRoot()
          if change > 0.25 * Swift.abs(level) { g *= 0.25 * Swift.abs(level) / change }
          // value(u) = level + g·(u − mean) = (level − g·mean) + g·u
          out[c] = SIMD4(Float(level - (g * mean).sum()), Float(g.x), Float(g.y), Float(g.z))
        }
      }
    }
    StageClock.record("hypointense.level.solve", since: solveClock)
    let interpolationClock = StageClock.start()
    defer { StageClock.record("hypointense.level.interpolation", since: interpolationClock) }
    // The plane of each voxel: the four coefficient fields interpolated with one set of
    // trilinear weights, evaluated at the voxel's position in block units.
    let (wx, wy, wz) = (axisWeights[0], axisWeights[1], axisWeights[2])
    let d = dims, cx = coarse.x, cxy = coarse.x * coarse.y
    let ux = (0..<d.x).map { Float((Double($0) + 0.5) / Double(block.x) - 0.5) }
    var value = [Float](repeating: 0, count: image.count)
    value.withUnsafeMutableBufferPointer { buffer in
      fields.withUnsafeBufferPointer { f in
        denominator.withUnsafeBufferPointer { weightSum in
          mask.withUnsafeBufferPointer { m in
            let (target, a, den) = (UncheckedSendable(buffer), UncheckedSendable(f), UncheckedSendable(weightSum))
            let inside = UncheckedSendable(m.isEmpty ? nil : m.baseAddress)
            ParallelSlabs.forEach(count: d.z) { k in
              let (z0, z1, tz) = wz[k]
              let uz = Float((Double(k) + 0.5) / Double(block.z) - 0.5)
              for j in 0..<d.y {
                let (y0, y1, ty) = wy[j]
                let uy = Float((Double(j) + 0.5) / Double(block.y) - 0.5)
                let (r00, r10, r01, r11) = (y0 * cx + z0 * cxy, y1 * cx + z0 * cxy, y0 * cx + z1 * cxy, y1 * cx + z1 * cxy)
                let (w00, w10, w01, w11) = ((1 - ty) * (1 - tz), ty * (1 - tz), (1 - ty) * tz, ty * tz)
                let row = d.x * (j + d.y * k)
                for i in 0..<d.x where den.value[row + i] > 1e-3 && (inside.value == nil || inside.value![row + i] != 0) {
                  let (x0, x1, tx) = wx[i]
                  let p = a.value
                  let sx = 1 - tx
                  let c00: SIMD4<Float> = p[x0 + r00] * sx + p[x1 + r00] * tx
                  let c10: SIMD4<Float> = p[x0 + r10] * sx + p[x1 + r10] * tx
                  let c01: SIMD4<Float> = p[x0 + r01] * sx + p[x1 + r01] * tx
                  let c11: SIMD4<Float> = p[x0 + r11] * sx + p[x1 + r11] * tx
                  let c: SIMD4<Float> = c00 * w00 + c10 * w10 + c01 * w01 + c11 * w11
                  target.value[row + i] = c[0] + c[1] * ux[i] + c[2] * uy + c[3] * uz
                }
              }
            }
          }
        }
      }
    }
    return value
  }

  /// Per block, Σ weight·values·uᵢ·uⱼ for each product (i, j) (−1 stands for no factor), u the
  /// fine voxel's position in block units, over voxels of non-zero weight; without `values`,
  /// Σ weight·uᵢ·uⱼ. With the product (−1, −1) these are the plain block sums of the mean.
  private static func momentSums(
    _ values: [Float]?, weight: [Float], dims d: SIMD3<Int>, block: SIMD3<Int>, coarse: SIMD3<Int>, products: [(Int, Int)]
  ) -> [[Float]] {
    let alone = values == nil
    let values = values ?? weight
    let nodes = coarse.x * coarse.y * coarse.z, count = products.count
    // Along a row uy and uz are constant, so each product is a row constant (uy, uz or 1 per
    // factor that is not ux) times one of the row's sums Σb, Σb·ux, Σb·ux² (b = weight·value),
    // taken per block: three sums per voxel whatever the number of products.
    let xPower = products.map { ($0.0 == 0 ? 1 : 0) + ($0.1 == 0 ? 1 : 0) }
    let needsSquare = xPower.contains(2)
    let ux = (0..<d.x).map { Float((Double($0) + 0.5) / Double(block.x) - 0.5) }
    var flat = [Float](repeating: 0, count: nodes * count)
    flat.withUnsafeMutableBufferPointer { out in
      values.withUnsafeBufferPointer { v in
        weight.withUnsafeBufferPointer { w in
          ux.withUnsafeBufferPointer { ux in
            // Layers of blocks in parallel: each writes only its own nodes, in the same order as
            // a single thread would, so the sums do not depend on the thread count.
            let shared = UncheckedSendable((out, v, w, ux))
            ParallelSlabs.forEach(count: coarse.z) { layer in
              let (out, v, w, ux) = shared.value
              var rowFactor = [Float](repeating: 0, count: count)
              for k in (layer * block.z)..<min(d.z, (layer + 1) * block.z) {
                let uz = Float((Double(k) + 0.5) / Double(block.z) - 0.5)
                for j in 0..<d.y {
                  let uy = Float((Double(j) + 0.5) / Double(block.y) - 0.5)
                  let u = SIMD4<Float>(0, uy, uz, 1)
                  for p in 0..<count {
                    let (f, g) = products[p]
                    rowFactor[p] = (f == 0 ? 1 : u[f < 0 ? 3 : f]) * (g == 0 ? 1 : u[g < 0 ? 3 : g])
                  }
                  let row = d.x * (j + d.y * k), crow = coarse.x * (j / block.y + coarse.y * layer)
                  var i0 = 0
                  while i0 < d.x {
                    let i1 = min(d.x, i0 + block.x)
                    var s0: Float = 0, s1: Float = 0, s2: Float = 0
                    for i in i0..<i1 where w[row + i] != 0 {
                      let b = alone ? w[row + i] : v[row + i] * w[row + i]
                      let bx = b * ux[i]
                      s0 += b
                      s1 += bx
                      if needsSquare { s2 += bx * ux[i] }
                    }
                    let target = (crow + i0 / block.x) * count
                    for p in 0..<count {
                      let sum = xPower[p] == 0 ? s0 : xPower[p] == 1 ? s1 : s2
                      out[target + p] += rowFactor[p] * sum
                    }
                    i0 = i1
                  }
                }
              }
            }
          }
        }
      }
    }
    return (0..<count).map { p in (0..<nodes).map { flat[$0 * count + p] } }
  }

  /// Trilinear interpolation of a coarse grid back to every fine voxel.
  private static func interpolate(_ a: [Float], into out: inout [Float], dims d: SIMD3<Int>, coarse: SIMD3<Int>, axisWeights: [[(Int, Int, Float)]]) {
    let (wx, wy, wz) = (axisWeights[0], axisWeights[1], axisWeights[2])
    out.withUnsafeMutableBufferPointer { buffer in
      let target = UncheckedSendable(buffer)
      ParallelSlabs.forEach(count: d.z) { k in
        let (z0, z1, tz) = wz[k]
        func at(_ x: Int, _ y: Int, _ z: Int) -> Float { a[x + coarse.x * (y + coarse.y * z)] }
        for j in 0..<d.y {
          let (y0, y1, ty) = wy[j]
          for i in 0..<d.x {
            let (x0, x1, tx) = wx[i]
            let c00 = at(x0, y0, z0) * (1 - tx) + at(x1, y0, z0) * tx
            let c10 = at(x0, y1, z0) * (1 - tx) + at(x1, y1, z0) * tx
            let c01 = at(x0, y0, z1) * (1 - tx) + at(x1, y0, z1) * tx
            let c11 = at(x0, y1, z1) * (1 - tx) + at(x1, y1, z1) * tx
            target.value[i + d.x * (j + d.y * k)] = (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz
          }
        }
      }
    }
  }
}

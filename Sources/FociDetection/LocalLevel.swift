import FociCore
import FociFilters

/// The weighted local mean Σ G·(image·weight) / Σ G·weight for a wide Gaussian G, at every
/// voxel (0 where no weight is near), prepared once per weight for several images. The wide
/// kernel is applied on blocks of about a third of σ per axis (sums of image·weight and of
/// weight per block, smoothed, then interpolated trilinearly back), which changes σ by under
/// 1 % and costs a small fraction of a full-resolution convolution.
///
/// Several images against one weight go through together (`ratios(of:inside:)`): one sweep
/// of the weight for their block sums, one solve per node, and one interpolation pass that
/// writes each image over its level directly. Each image's arithmetic is the same as alone.
struct LocalLevel {
  let dims: SIMD3<Int>
  let block: SIMD3<Int>
  let coarse: SIMD3<Int>
  let coarseGrid: Grid
  let sigmaMM: Double
  let weight: [Float]
  /// The smoothed block sums of the weight: the denominator of every image's mean, read
  /// through `interpolatedWeight` (a first-order level needs it only where it evaluates).
  let weightSums: [Float]
  /// Trilinear weights along each axis: block centres sit at (c + ½)·block − ½ fine voxels.
  let axisWeights: [[(Int, Int, Float)]]
  /// For a first-order level: the smoothed weighted moments of position per coarse node
  /// (Σw, Σw·u, Σw·uuᵀ with u in block units: 1 + 3 + 6 fields), nil for a plain mean.
  let positionMoments: [[Float]]?
  /// Where the interpolated weight is at most this, no weight is near and the level is 0.
  static let weightFloor: Float = 1e-3
  /// Nodes all above this interpolate to above `weightFloor` whatever the rounding.
  static let surelyNear: Float = 1.001e-3

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
      Self.momentSums([], weight: weight, dims: d, block: block, coarse: coarse, products: pairs)
    }
    let moments = StageClock.measure("hypointense.level.smoothing") {
      sums.map { GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: $0), sigmaMM: sigmaMM, method: .spatial).voxels }
    }
    weightSums = moments[0]
    positionMoments = firstOrder ? moments : nil
  }

  /// The local level of `image` at every voxel: the Gaussian-weighted mean (everywhere), or
  /// the value of the weighted local plane for a first-order level (evaluated only `inside`
  /// the mask when one is given, 0 elsewhere).
  func level(of image: [Float], inside mask: [UInt8]? = nil) -> [Float] {
    evaluate([image], inside: mask ?? [], asRatio: false)[0]
  }

  /// Each image over its local level inside `mask` (non-empty): image / level where the level
  /// is over 1, else 1 (no parenchyma near, or a level too low to divide by); 0 outside.
  func ratios(of images: [[Float]], inside mask: [UInt8]) -> [[Float]] {
    precondition(mask.count == weight.count, "the mask must cover the level's grid")
    guard !images.isEmpty else { return [] }
    return evaluate(images, inside: mask, asRatio: true)
  }

  @inline(__always)
  static func ratio(_ value: Float, over level: Float) -> Float { level > 1 ? value / level : 1 }

  private func evaluate(_ images: [[Float]], inside mask: [UInt8], asRatio: Bool) -> [[Float]] {
    if let positionMoments { return planeLevels(of: images, moments: positionMoments, inside: mask, asRatio: asRatio) }
    let count = weight.count
    var denominator = [Float](repeating: 0, count: count)
    Self.interpolate(weightSums, into: &denominator, dims: dims, coarse: coarse, axisWeights: axisWeights)
    return images.map { image in
      let sums = Self.momentSums([image], weight: weight, dims: dims, block: block, coarse: coarse, products: [(-1, -1)])[0]
      let smoothSums = GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: sums), sigmaMM: sigmaMM, method: .spatial).voxels
      var level = [Float](repeating: 0, count: count)
      Self.interpolate(smoothSums, into: &level, dims: dims, coarse: coarse, axisWeights: axisWeights)
      for n in level.indices { level[n] = denominator[n] > Self.weightFloor ? level[n] / denominator[n] : 0 }
      guard asRatio else { return level }
      return (0..<count).map { mask[$0] == 0 ? 0 : Self.ratio(image[$0], over: level[$0]) }
    }
  }

  /// A weighted least-squares plane per coarse node (ridge-damped towards a constant where
  /// the weight is too thin to fix a slope, and kept within ±25 % of the mean across one σ),
  /// interpolated back as its value at each voxel; or, `asRatio`, each image over that value.
  private func planeLevels(of images: [[Float]], moments: [[Float]], inside mask: [UInt8], asRatio: Bool) -> [[Float]] {
    let pairs = [(-1, -1), (0, -1), (1, -1), (2, -1)]  // Σw·I, Σw·I·u per image
    let raw = StageClock.measure("hypointense.level.sums") {
      Self.momentSums(images, weight: weight, dims: dims, block: block, coarse: coarse, products: pairs)
    }
    let sums = StageClock.measure("hypointense.level.smoothing") {
      raw.map { GaussianSmoothing.smooth(Volume(grid: coarseGrid, voxels: $0), sigmaMM: sigmaMM, method: .spatial).voxels }
    }
    let fields = StageClock.measure("hypointense.level.solve") { planes(sums: sums, moments: moments, images: images.count) }
    let interpolationClock = StageClock.start()
    defer { StageClock.record("hypointense.level.interpolation", since: interpolationClock) }
    return interpolatePlanes(fields, images: images, inside: mask, asRatio: asRatio)
  }

  /// Per image and coarse node, (offset, slope x, y, z) of the plane value(u) = offset + slope·u
  /// (u in block units; zero where the window holds no weight). `sums` holds four fields per
  /// image: Σw·I and Σw·I·u smoothed.
  private func planes(sums: [[Float]], moments: [[Float]], images: Int) -> [[SIMD4<Float>]] {
    let nodes = coarse.x * coarse.y * coarse.z
    let sigmaBlocks = SIMD3((0..<3).map { sigmaMM / coarseGrid.spacingMM[$0] })
    let fullWeight = Double(block.x * block.y * block.z)
    // Covariance of position (xx, xy, xz, yy, yz, zz) and of position with the image, under
    // the window, with a ridge of 2 % of the window's own spread on each axis, so a sheet of
    // weight one voxel thick gets no slope across it.
    let ridge = 0.02 * sigmaBlocks * sigmaBlocks
    var fields = [[SIMD4<Float>]](repeating: [SIMD4<Float>](repeating: .zero, count: nodes), count: images)
    let pieces = ParallelSlabs.ranges(total: nodes, pieces: 8)
    for q in 0..<images {
      let s = (sums[4 * q], sums[4 * q + 1], sums[4 * q + 2], sums[4 * q + 3])
      fields[q].withUnsafeMutableBufferPointer { buffer in
        let target = UncheckedSendable(buffer)
        // Nodes in parallel pieces; each node on its own.
        ParallelSlabs.forEach(count: pieces.count) { piece in
          let out = target.value
          let (m0, m1, m2, m3, m4, m5) = (moments[0], moments[1], moments[2], moments[3], moments[4], moments[5])
          let (m6, m7, m8, m9) = (moments[6], moments[7], moments[8], moments[9])
          let (s0, s1, s2, s3) = s
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
    }
    return fields
  }

  /// The planes of each voxel inside `mask` (every voxel for an empty mask) where weight is
  /// near: the coefficient fields interpolated with one set of trilinear weights, evaluated at
  /// the voxel's position in block units; the level, or each image over it (`asRatio`).
  private func interpolatePlanes(_ fields: [[SIMD4<Float>]], images: [[Float]], inside mask: [UInt8], asRatio: Bool) -> [[Float]] {
    let (wx, wy, wz) = (axisWeights[0], axisWeights[1], axisWeights[2])
    let d = dims, cx = coarse.x, cxy = coarse.x * coarse.y, count = images.count
    let ux = (0..<d.x).map { Float((Double($0) + 0.5) / Double(block.x) - 0.5) }
    return ArrayGroup.withPointers(to: fields) { fieldPointers in
      ArrayGroup.withPointers(to: images) { imagePointers in
        weightSums.withUnsafeBufferPointer { weightBuffer in
          mask.withUnsafeBufferPointer { maskBuffer in
            ArrayGroup.make(count: count, length: weight.count, initial: Float(0)) { outPointers in
              let shared = UncheckedSendable(
                (fieldPointers, imagePointers, outPointers, weightBuffer.baseAddress!, maskBuffer.isEmpty ? nil : maskBuffer.baseAddress))
              ParallelSlabs.forEach(count: d.z) { k in
                let (fields, images, outs, weightSums, inside) = shared.value
                // Per row: whether each voxel is evaluated (inside the mask) and has weight near.
                let state = UnsafeMutablePointer<UInt8>.allocate(capacity: d.x)
                // Per coarse column of the row: the least weight of its four nodes. Where both
                // columns around a voxel hold clearly more than the floor, so does the
                // interpolated weight (a convex combination, to within a few roundings), and
                // the test needs no interpolation.
                let least = UnsafeMutablePointer<Float>.allocate(capacity: cx)
                defer {
                  state.deallocate()
                  least.deallocate()
                }
                let (z0, z1, tz) = wz[k]
                let uz = Float((Double(k) + 0.5) / Double(block.z) - 0.5)
                for j in 0..<d.y {
                  let (y0, y1, ty) = wy[j]
                  let uy = Float((Double(j) + 0.5) / Double(block.y) - 0.5)
                  let (r00, r10, r01, r11) = (y0 * cx + z0 * cxy, y1 * cx + z0 * cxy, y0 * cx + z1 * cxy, y1 * cx + z1 * cxy)
                  let (w00, w10, w01, w11) = ((1 - ty) * (1 - tz), ty * (1 - tz), (1 - ty) * tz, ty * tz)
                  let row = d.x * (j + d.y * k)
                  for c in 0..<cx {
                    least[c] = Swift.min(
                      Swift.min(weightSums[c + r00], weightSums[c + r10]), Swift.min(weightSums[c + r01], weightSums[c + r11]))
                  }
                  var any = false
                  for i in 0..<d.x {
                    if let inside, inside[row + i] == 0 {
                      state[i] = 0
                      continue
                    }
                    let (x0, x1, tx) = wx[i]
                    let near =
                      Swift.min(least[x0], least[x1]) > Self.surelyNear
                      || Self.trilinear(weightSums, x0, x1, tx, y0, y1, ty, z0, z1, tz, cx: cx, cxy: cxy) > Self.weightFloor
                    state[i] = near ? 2 : 1
                    any = true
                  }
                  guard any else { continue }
                  for q in 0..<count {
                    let (p, image, out) = (fields[q], images[q] + row, outs[q] + row)
                    for i in 0..<d.x where state[i] != 0 {
                      guard state[i] == 2 else {
                        if asRatio { out[i] = 1 }
                        continue
                      }
                      let (x0, x1, tx) = wx[i]
                      let sx = 1 - tx
                      let c00: SIMD4<Float> = p[x0 + r00] * sx + p[x1 + r00] * tx
                      let c10: SIMD4<Float> = p[x0 + r10] * sx + p[x1 + r10] * tx
                      let c01: SIMD4<Float> = p[x0 + r01] * sx + p[x1 + r01] * tx
                      let c11: SIMD4<Float> = p[x0 + r11] * sx + p[x1 + r11] * tx
                      let c: SIMD4<Float> = c00 * w00 + c10 * w10 + c01 * w01 + c11 * w11
                      let level = c[0] + c[1] * ux[i] + c[2] * uy + c[3] * uz
                      out[i] = asRatio ? Self.ratio(image[i], over: level) : level
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Per block, Σ weight·value·uᵢ·uⱼ for each image and each product (i, j) (−1 stands for no
  /// factor), u the fine voxel's position in block units, over voxels of non-zero weight; for
  /// no images, Σ weight·uᵢ·uⱼ. With the product (−1, −1) these are the plain block sums of the
  /// mean. The fields come image by image, each with one field per product.
  private static func momentSums(
    _ images: [[Float]], weight: [Float], dims d: SIMD3<Int>, block: SIMD3<Int>, coarse: SIMD3<Int>, products: [(Int, Int)]
  ) -> [[Float]] {
    let alone = images.isEmpty
    let sources = alone ? [weight] : images
    let nodes = coarse.x * coarse.y * coarse.z, count = products.count, total = count * sources.count
    // Along a row uy and uz are constant, so each product is a row constant (uy, uz or 1 per
    // factor that is not ux) times one of the row's sums Σb, Σb·ux, Σb·ux² (b = weight·value),
    // taken per block: three sums per voxel whatever the number of products.
    let xPower = products.map { ($0.0 == 0 ? 1 : 0) + ($0.1 == 0 ? 1 : 0) }
    let needsSquare = xPower.contains(2)
    let ux = (0..<d.x).map { Float((Double($0) + 0.5) / Double(block.x) - 0.5) }
    return ArrayGroup.withPointers(to: sources) { sourcePointers in
      ArrayGroup.make(count: total, length: nodes, initial: Float(0)) { outPointers in
        weight.withUnsafeBufferPointer { w in
          ux.withUnsafeBufferPointer { ux in
            // Layers of blocks in parallel: each writes only its own nodes, in the same order as
            // a single thread would, so the sums do not depend on the thread count.
            let shared = UncheckedSendable((outPointers, sourcePointers, w, ux))
            ParallelSlabs.forEach(count: coarse.z) { layer in
              let (out, sourcesAt, w, ux) = shared.value
              var rowFactor = [Float](repeating: 0, count: count)
              // The row's block sums Σb, Σb·ux, Σb·ux², one per block, added into each product's
              // nodes afterwards, a whole row of blocks at a time.
              let blockSums = UnsafeMutablePointer<Float>.allocate(capacity: 3 * coarse.x)
              blockSums.initialize(repeating: 0, count: 3 * coarse.x)
              defer { blockSums.deallocate() }
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
                  for s in 0..<sourcesAt.count {
                    let v = sourcesAt[s]
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
                      let b = i0 / block.x
                      (blockSums[b], blockSums[coarse.x + b], blockSums[2 * coarse.x + b]) = (s0, s1, s2)
                      i0 = i1
                    }
                    for p in 0..<count {
                      let (target, sums, factor) = (out[s * count + p] + crow, blockSums + xPower[p] * coarse.x, rowFactor[p])
                      for b in 0..<coarse.x { target[b] += factor * sums[b] }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The trilinear interpolation of coarse field `a` at one fine voxel (the axis weights of
  /// its x, y and z), as `interpolate` computes it.
  @inline(__always)
  static func trilinear(
    _ a: UnsafePointer<Float>, _ x0: Int, _ x1: Int, _ tx: Float, _ y0: Int, _ y1: Int, _ ty: Float, _ z0: Int, _ z1: Int, _ tz: Float,
    cx: Int, cxy: Int
  ) -> Float {
    let c00 = a[x0 + cx * y0 + cxy * z0] * (1 - tx) + a[x1 + cx * y0 + cxy * z0] * tx
    let c10 = a[x0 + cx * y1 + cxy * z0] * (1 - tx) + a[x1 + cx * y1 + cxy * z0] * tx
    let c01 = a[x0 + cx * y0 + cxy * z1] * (1 - tx) + a[x1 + cx * y0 + cxy * z1] * tx
    let c11 = a[x0 + cx * y1 + cxy * z1] * (1 - tx) + a[x1 + cx * y1 + cxy * z1] * tx
    return (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz
  }

  /// Trilinear interpolation of a coarse grid back to every fine voxel.
  private static func interpolate(_ a: [Float], into out: inout [Float], dims d: SIMD3<Int>, coarse: SIMD3<Int>, axisWeights: [[(Int, Int, Float)]]) {
    let (wx, wy, wz) = (axisWeights[0], axisWeights[1], axisWeights[2])
    let (cx, cxy) = (coarse.x, coarse.x * coarse.y)
    a.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { buffer in
        let shared = UncheckedSendable((source.baseAddress!, buffer))
        ParallelSlabs.forEach(count: d.z) { k in
          let (a, target) = shared.value
          let (z0, z1, tz) = wz[k]
          for j in 0..<d.y {
            let (y0, y1, ty) = wy[j]
            for i in 0..<d.x {
              let (x0, x1, tx) = wx[i]
              target[i + d.x * (j + d.y * k)] = trilinear(a, x0, x1, tx, y0, y1, ty, z0, z1, tz, cx: cx, cxy: cxy)
            }
          }
        }
      }
    }
  }
}

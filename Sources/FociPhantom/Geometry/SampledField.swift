import FociCore

/// A solid's distance bound tabulated on a regular grid and read back by trilinear
/// interpolation: an organ whose analytic description is expensive (a smooth union with an
/// irregular surface and cut-outs) becomes a few memory loads per evaluation. The tabulated
/// field *is* the organ from then on: rendering and volume integration both use it, so the
/// truth stays consistent with the images.
///
/// Nodes far from the surface are filled from a coarse pass (values shrunk towards zero, so
/// they stay conservative); nodes near it are evaluated exactly.
public final class SampledField: @unchecked Sendable {
  public let origin: SIMD3<Double>
  public let spacingMM: Double
  public let dims: SIMD3<Int>
  let values: UnsafeMutableBufferPointer<Float>
  /// The tabulated box; outside it the distance is the distance to the box plus `margin`.
  public let box: Box3
  let margin: Double

  /// Tabulates `solid` over its bounds expanded by `marginMM`, every `spacingMM`.
  public init(_ solid: Solid, spacingMM h: Double, marginMM: Double) {
    let box = solid.bounds.expanded(by: marginMM)
    let n = SIMD3<Int>((0..<3).map { Int((box.size[$0] / h).rounded(.up)) + 1 })
    origin = box.lower
    spacingMM = h
    dims = n
    self.box = Box3(lower: box.lower, upper: box.lower + SIMD3<Double>(Double(n.x - 1), Double(n.y - 1), Double(n.z - 1)) * h)
    margin = marginMM
    values = .allocate(capacity: n.x * n.y * n.z)
    let exact = CompiledSolid(solid)
    // Coarse pass every `step` nodes; cells whose corners are all far from the surface are
    // filled by interpolation, the rest exactly.
    let step = 3
    let coarse = SIMD3<Int>((0..<3).map { ($0 == 0 ? n.x : $0 == 1 ? n.y : n.z) / step + 2 })
    var coarseValues = [Double](repeating: 0, count: coarse.x * coarse.y * coarse.z)
    let origin = self.origin
    @Sendable func node(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> { origin + SIMD3(Double(i), Double(j), Double(k)) * h }
    for k in 0..<coarse.z {
      for j in 0..<coarse.y {
        for i in 0..<coarse.x {
          coarseValues[i + coarse.x * (j + coarse.y * k)] = exact.distance(node(i * step, j * step, k * step))
        }
      }
    }
    let cellDiagonal = Double(step) * h * 3.0.squareRoot()
    // Per coarse cell: its eight corner values, and whether it lies wholly on one side of the
    // surface, farther than its diagonal (then its nodes are interpolated).
    let cells = SIMD3<Int>(coarse.x - 1, coarse.y - 1, coarse.z - 1)
    var cellCorners = [SIMD8<Double>](repeating: SIMD8(), count: cells.x * cells.y * cells.z)
    var cellSign = [Double](repeating: 0, count: cellCorners.count)
    for ck in 0..<cells.z {
      for cj in 0..<cells.y {
        for ci in 0..<cells.x {
          var corners = SIMD8<Double>()
          var far = true
          var sign = 0.0
          for c in 0..<8 {
            let v = coarseValues[(ci + (c & 1)) + coarse.x * ((cj + (c >> 1 & 1)) + coarse.y * (ck + (c >> 2 & 1)))]
            corners[c] = v
            if abs(v) < cellDiagonal { far = false }
            if c == 0 { sign = v < 0 ? -1 : 1 } else if (v < 0) != (sign < 0) { far = false }
          }
          let cell = ci + cells.x * (cj + cells.y * ck)
          cellCorners[cell] = corners
          cellSign[cell] = far ? sign : 0
        }
      }
    }
    let out = UncheckedSendable(values)
    let shared = UncheckedSendable((cellCorners, cellSign))
    ParallelSlabs.forEach(count: n.z) { k in
      let (cellCorners, cellSign) = shared.value
      let ck = k / step, fk = Double(k % step) / Double(step)
      cellCorners.withUnsafeBufferPointer { cornersOf in
        cellSign.withUnsafeBufferPointer { signOf in
          for j in 0..<n.y {
            let cj = j / step, fj = Double(j % step) / Double(step)
            let row = out.value.baseAddress! + n.x * (j + n.y * k)
            for i in 0..<n.x {
              let ci = i / step, fi = Double(i % step) / Double(step)
              let cell = ci + cells.x * (cj + cells.y * ck)
              let sign = signOf[cell]
              let value: Double
              if sign != 0 {
                let corners = cornersOf[cell]
                let x0 = corners[0] + fi * (corners[1] - corners[0]), x1 = corners[2] + fi * (corners[3] - corners[2])
                let x2 = corners[4] + fi * (corners[5] - corners[4]), x3 = corners[6] + fi * (corners[7] - corners[6])
                let y0 = x0 + fj * (x1 - x0), y1 = x2 + fj * (x3 - x2)
                let interpolated = y0 + fk * (y1 - y0)
                value = sign * Swift.max(cellDiagonal, abs(interpolated) - cellDiagonal)
              } else {
                value = exact.distance(node(i, j, k))
              }
              row[i] = Float(value)
            }
          }
        }
      }
    }
  }

  deinit { values.deallocate() }

  /// The tabulation cell holding `p`: the index of its lowest node and `p`'s fractional
  /// position in it; nil outside the tabulated box.
  @inline(__always)
  private func cell(_ p: SIMD3<Double>) -> (node: Int, fraction: SIMD3<Double>)? {
    let q = (p - origin) / spacingMM
    let limit = SIMD3<Double>(Double(dims.x - 1), Double(dims.y - 1), Double(dims.z - 1))
    if any(q .< 0) || any(q .> limit) { return nil }
    let base = pointwiseMin(SIMD3<Int>(Int(q.x), Int(q.y), Int(q.z)), dims &- 2)
    return (base.x + dims.x * base.y + dims.x * dims.y * base.z, q - SIMD3<Double>(Double(base.x), Double(base.y), Double(base.z)))
  }

  /// Trilinear value at `p` (mm).
  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double {
    guard let (o, f) = cell(p) else { return box.distance(to: p) + margin }
    let (nx, nxy) = (dims.x, dims.x * dims.y)
    let v = values
    let c00 = Double(v[o]) + f.x * Double(v[o + 1] - v[o])
    let c01 = Double(v[o + nx]) + f.x * Double(v[o + nx + 1] - v[o + nx])
    let c10 = Double(v[o + nxy]) + f.x * Double(v[o + nxy + 1] - v[o + nxy])
    let c11 = Double(v[o + nxy + nx]) + f.x * Double(v[o + nxy + nx + 1] - v[o + nxy + nx])
    let c0 = c00 + f.y * (c01 - c00)
    return c0 + f.z * ((c10 + f.y * (c11 - c10)) - c0)
  }

  /// The gradient of the trilinear interpolant at `p`, from the same eight nodes as its value;
  /// nil outside the tabulated box.
  @inline(__always)
  public func gradient(_ p: SIMD3<Double>) -> SIMD3<Double>? {
    guard let (o, f) = cell(p) else { return nil }
    let (nx, nxy) = (dims.x, dims.x * dims.y)
    let v = values
    let (v000, v100, v010, v110) = (Double(v[o]), Double(v[o + 1]), Double(v[o + nx]), Double(v[o + nx + 1]))
    let (v001, v101, v011, v111) = (Double(v[o + nxy]), Double(v[o + nxy + 1]), Double(v[o + nxy + nx]), Double(v[o + nxy + nx + 1]))
    let (gx, gy, gz) = (1 - f.x, 1 - f.y, 1 - f.z)
    let dx = gz * (gy * (v100 - v000) + f.y * (v110 - v010)) + f.z * (gy * (v101 - v001) + f.y * (v111 - v011))
    let dy = gz * (gx * (v010 - v000) + f.x * (v110 - v100)) + f.z * (gx * (v011 - v001) + f.x * (v111 - v101))
    let dz = gy * (gx * (v001 - v000) + f.x * (v101 - v100)) + f.y * (gx * (v011 - v010) + f.x * (v111 - v110))
    return SIMD3(dx, dy, dz) / spacingMM
  }
}

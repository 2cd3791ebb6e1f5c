import FociCore
import FociFFT

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PhaseCorrelation {
  /// What the two volumes are compared on.
  public enum Feature: String, Sendable, Hashable, Codable, CaseIterable {
    /// The intensities themselves: for images of one contrast.
    case intensity
    /// The gradient magnitude (per mm): edges match whichever side is brighter, so phases
    /// whose contrast inverts between them (vessels dark on native T1, bright in the portal
    /// venous phase) still correlate. The default.
    case gradientMagnitude
  }
}

/// The part of a grid that phase correlation compares, and how it is sampled: a crop of the
/// grid averaged over cells of `factor` voxels (2×2×1 for 1.4×1.4×3.5 mm, which makes the
/// cells nearly isotropic and the transforms four times smaller), then turned into a feature,
/// windowed and zero-padded to an FFT-friendly size.
struct CorrelationRegion {
  let grid: Grid
  /// First voxel of the crop.
  let lower: SIMD3<Int>
  /// Voxels per cell along each axis.
  let factor: SIMD3<Int>
  /// Cells covering the crop (the last may reach past it; sampling clamps at the grid's edge).
  let cells: SIMD3<Int>
  /// The padded transform size.
  let fftSize: SIMD3<Int>

  init(grid: Grid, lower: SIMD3<Int>, crop: SIMD3<Int>, factor requested: SIMD3<Int>) {
    self.grid = grid
    self.lower = lower
    // Keep at least 16 cells along an axis whenever the crop has them.
    var factor = pointwiseMax(requested, SIMD3(1, 1, 1))
    for axis in 0..<3 { while factor[axis] > 1, (crop[axis] + factor[axis] - 1) / factor[axis] < 16 { factor[axis] -= 1 } }
    self.factor = factor
    cells = (crop &+ factor &- 1) / factor
    fftSize = SIMD3(RealFFT3D.goodSize(atLeast: cells.x), RealFFT3D.goodSize(atLeast: cells.y), RealFFT3D.goodSize(atLeast: cells.z))
  }

  /// Cells about as long as the grid's longest voxel side: the in-plane axes of thick-slice
  /// studies are averaged by the whole ratio (2 for 1.4 mm against 3.5 mm), isotropic grids
  /// are left alone. The correlation's low-pass discards most of what the averaging removes.
  static func automaticFactor(_ spacing: SIMD3<Double>) -> SIMD3<Int> {
    let longest = spacing.max()
    return SIMD3((0..<3).map { max(1, Int(longest / spacing[$0] + 1e-6)) })
  }

  /// The cells sampled from `volume` at x + `shift` (trilinear at full resolution, clamped at
  /// the grid's edge, averaged per cell), turned into `feature`, its mean removed, times a
  /// separable Tukey window (flat, with cosine tapers over the outer quarter on each side),
  /// zero-padded to `fftSize`. A flat top weighs shifted content alike in both volumes, which a
  /// Hann window would bias towards zero shift.
  func windowed(_ volume: Volume<Float>, shift: SIMD3<Double>, feature: PhaseCorrelation.Feature) -> FFTBuffer {
    let size = fftSize, cells = cells, factor = factor
    let out = FFTBuffer(floats: size.x * size.y * size.z)
    // Cells with a one-cell border, so every cell has neighbours for the gradient.
    let bordered = cells &+ 2
    let rowLength = bordered.x, planeLength = bordered.x * bordered.y
    let samples = UncheckedSendable(UnsafeMutableBufferPointer<Float>.allocate(capacity: planeLength * bordered.z))
    defer { samples.value.deallocate() }
    let taps = TrilinearShift(grid: grid, first: lower &- factor, count: bordered &* factor, shift: shift)
    let scale = 1 / Float(factor.x * factor.y * factor.z)
    // Each cell plane is summed from its own `factor.z` slices: planes are independent.
    volume.voxels.withUnsafeBufferPointer { source in
      let s = UncheckedSendable(source)
      ParallelSlabs.forEach(count: bordered.z) { c in
        let plane = samples.value.baseAddress! + planeLength * c
        plane.initialize(repeating: 0, count: planeLength)
        let row = UnsafeMutablePointer<Float>.allocate(capacity: bordered.x * factor.x)
        defer { row.deallocate() }
        for k in c * factor.z..<(c + 1) * factor.z {
          var sampler = TrilinearShift.PlaneSampler(taps, source: s.value, k: k)
          defer { sampler.deallocate() }
          for j in 0..<bordered.y * factor.y {
            sampler.sampleRow(j: j, into: row)
            let target = plane + rowLength * (j / factor.y)
            if factor.x == 1 {
              for i in 0..<bordered.x { target[i] += row[i] * scale }
            } else {
              for i in 0..<bordered.x {
                var sum: Float = 0
                for m in i * factor.x..<(i + 1) * factor.x { sum += row[m] }
                target[i] += sum * scale
              }
            }
          }
        }
      }
    }
    let cellMM = grid.spacingMM * SIMD3<Double>(Double(factor.x), Double(factor.y), Double(factor.z))
    let (hx, hy, hz) = (Float(0.5 / cellMM.x), Float(0.5 / cellMM.y), Float(0.5 / cellMM.z))
    // Per-plane sums, added in plane order, so the mean does not depend on the thread count.
    let planeSums = UncheckedSendable(UnsafeMutableBufferPointer<Double>.allocate(capacity: cells.z))
    defer { planeSums.value.deallocate() }
    ParallelSlabs.forEach(count: cells.z) { k in
      var planeSum = 0.0
      for j in 0..<cells.y {
        let centre = samples.value.baseAddress! + 1 + rowLength * (j + 1) + planeLength * (k + 1)
        let target = out.pointer + size.x * (j + size.y * k)
        switch feature {
        case .intensity:
          for i in 0..<cells.x { target[i] = centre[i] }
        case .gradientMagnitude:
          for i in 0..<cells.x {
            let c = centre + i
            let gx = (c[1] - c[-1]) * hx
            let gy = (c[rowLength] - c[-rowLength]) * hy
            let gz = (c[planeLength] - c[-planeLength]) * hz
            target[i] = (gx * gx + gy * gy + gz * gz).squareRoot()
          }
        }
        var rowSum: Float = 0
        for i in 0..<cells.x { rowSum += target[i] }
        planeSum += Double(rowSum)
      }
      planeSums.value[k] = planeSum
    }
    let mean = Float(planeSums.value.reduce(0, +) / Double(cells.x * cells.y * cells.z))
    let (wx, wy, wz) = (Self.tukey(cells.x), Self.tukey(cells.y), Self.tukey(cells.z))
    ParallelSlabs.forEach(count: cells.z) { k in
      for j in 0..<cells.y {
        let w = wz[k] * wy[j]
        let target = out.pointer + size.x * (j + size.y * k)
        for i in 0..<cells.x { target[i] = (target[i] - mean) * w * wx[i] }
      }
    }
    return out
  }

  /// Flat window with cosine tapers over the outer quarter on each side.
  static func tukey(_ n: Int) -> [Float] {
    let taper = Double(n) * 0.25
    guard taper >= 1 else { return [Float](repeating: 1, count: n) }
    return (0..<n).map { (index: Int) -> Float in
      let edge = min(Double(index) + 0.5, Double(n) - Double(index) - 0.5)
      return edge >= taper ? 1 : Float(0.5 - 0.5 * cos(Double.pi * edge / taper))
    }
  }
}

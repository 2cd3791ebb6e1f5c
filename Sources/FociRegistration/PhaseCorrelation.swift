import FociCore
import FociFFT

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Estimates the translation between two volumes on the same grid by 3D phase correlation.
///
/// 1. Both volumes are cropped to the mask's bounding box plus a margin (the whole volume
///    without a mask), their mean is removed and a Hann window applied along each axis so the
///    crop's edges do not correlate with themselves; the crop is zero-padded to an FFT-friendly
///    size.
/// 2. The normalised cross-power spectrum `M·conj(F) / |M·conj(F)|` keeps only the phase
///    difference, whose inverse FFT is a sharp peak at the shift.
/// 3. The integer peak is refined to sub-voxel precision by a parabola through the peak and its
///    two neighbours along each axis.
///
/// References: Kuglin & Hines (1975), "The phase correlation image alignment method";
/// Foroosh, Zerubia & Berthod (2002), doi:10.1109/83.988953.
public enum PhaseCorrelation {
  /// The fixed side of a registration, prepared once: the compared region and the fixed
  /// volume's spectrum. Several moving volumes (the arterial, venous and delayed phases against
  /// the native one) are registered against one reference without recomputing it.
  public struct Reference: Sendable {
    let grid: Grid
    let region: CorrelationRegion
    let fft: RealFFT3D
    let spectrum: FFTBuffer
    let feature: Feature
    let refinements: Int

    /// - Parameters:
    ///   - mask: non-zero voxels define the region (e.g. the liver); nil for the whole volume.
    ///   - marginVoxels: voxels added around the mask's bounding box on every side.
    ///   - refinements: further passes, each on the moving volume resampled by the shift found
    ///     so far; the window's pull towards zero shift grows with the shift, so measuring the
    ///     small residual removes it.
    ///   - feature: what is compared; gradient magnitude unless both volumes share one contrast.
    ///   - decimation: voxels per cell (nil: about as long as the longest voxel side).
    public init(
      fixed: Volume<Float>, mask: Volume<UInt8>? = nil, marginVoxels: Int = 8, refinements: Int = 2,
      feature: Feature = .gradientMagnitude, decimation: SIMD3<Int>? = nil
    ) throws(RegistrationError) {
      let grid = fixed.grid
      var lower = SIMD3<Int>(0, 0, 0)
      var upper = grid.dims &- 1
      if let mask {
        guard mask.grid.occupiesSameSpace(as: grid) else { throw .gridsDiffer("the mask and the volumes") }
        guard let box = mask.nonZeroBounds() else { throw .emptyMask }
        lower = pointwiseMax(box.lower &- marginVoxels, SIMD3(0, 0, 0))
        upper = pointwiseMin(box.upper &+ marginVoxels, grid.dims &- 1)
      }
      self.grid = grid
      region = CorrelationRegion(
        grid: grid, lower: lower, crop: upper &- lower &+ 1,
        factor: decimation ?? CorrelationRegion.automaticFactor(grid.spacingMM))
      fft = RealFFT3D.shared(dims: region.fftSize)
      spectrum = FFTBuffer(floats: fft.complexFloatCount)
      fft.forward(region.windowed(fixed, shift: .zero, feature: feature), into: spectrum)
      self.feature = feature
      self.refinements = refinements
    }

    /// The shift of `moving` against the fixed volume. Each pass samples the moving volume at
    /// x + the shift found so far (trilinear, at full resolution, then averaged into cells) and
    /// measures the residual.
    public func estimate(_ moving: Volume<Float>) throws(RegistrationError) -> TranslationEstimate {
      guard grid.occupiesSameSpace(as: moving.grid) else { throw .gridsDiffer("the fixed and moving volumes") }
      let factor = SIMD3<Double>(Double(region.factor.x), Double(region.factor.y), Double(region.factor.z))
      var total = SIMD3<Double>()
      var peak = 0.0, ratio = 0.0
      for pass in 0...refinements {
        let movingSpectrum = FFTBuffer(floats: fft.complexFloatCount)
        fft.forward(region.windowed(moving, shift: total, feature: feature), into: movingSpectrum)
        let found = PhaseCorrelation.correlate(spectrum, movingSpectrum, size: region.fftSize, fft: fft)
        let step = found.shift * factor
        total += step
        (peak, ratio) = (found.peak, found.ratio)
        if pass > 0, (step * step).sum() < 0.05 * 0.05 { break }
      }
      let world = grid.voxelToWorld.applyLinear(total)
      return TranslationEstimate(
        shiftVoxels: total, shiftMM: world, magnitudeMM: (world * world).sum().squareRoot(), peak: peak, peakToSecond: ratio)
    }
  }

  /// The shift of `moving` against `fixed` (parameters as for `Reference`).
  public static func estimate(
    fixed: Volume<Float>, moving: Volume<Float>, mask: Volume<UInt8>? = nil, marginVoxels: Int = 8,
    refinements: Int = 2, feature: Feature = .gradientMagnitude, decimation: SIMD3<Int>? = nil
  ) throws(RegistrationError) -> TranslationEstimate {
    guard fixed.grid.occupiesSameSpace(as: moving.grid) else { throw .gridsDiffer("the fixed and moving volumes") }
    let reference = try Reference(
      fixed: fixed, mask: mask, marginVoxels: marginVoxels, refinements: refinements, feature: feature, decimation: decimation)
    return try reference.estimate(moving)
  }

  /// The shift of the moving crop against the fixed one from their spectra (the moving
  /// spectrum is overwritten), with the normalised peak height and its ratio to the next peak.
  static func correlate(
    _ fa: FFTBuffer, _ fb: FFTBuffer, size: SIMD3<Int>, fft: RealFFT3D
  ) -> (shift: SIMD3<Double>, peak: Double, ratio: Double) {
    // fb ← w(k) · fb · conj(fa) / |fb · conj(fa)|. The Gaussian low-pass w keeps the
    // whitened spectrum from being ruled by noise at frequencies where anatomy has no energy
    // (every frequency counts alike once whitened), and widens the peak to about a voxel,
    // which the log-parabola then locates to a fraction of one.
    let halfX = size.x / 2 + 1
    let weightX = lowPass(size.x, count: halfX), weightY = lowPass(size.y, count: size.y), weightZ = lowPass(size.z, count: size.z)
    let (a, b) = (UncheckedSendable(fa.pointer), UncheckedSendable(fb.pointer))
    // Planes are independent; each frequency gets the same operations whatever the split.
    ParallelSlabs.forEach(count: size.z) { k in
      weightX.withUnsafeBufferPointer { wx in
        for j in 0..<size.y {
          let wyz = weightY[j] * weightZ[k]
          let row = 2 * halfX * (j + size.y * k)
          let (pa, pb) = (a.value + row, b.value + row)
          for i in 0..<halfX {
            let (ar, ai) = (pa[2 * i], pa[2 * i + 1])
            let (br, bi) = (pb[2 * i], pb[2 * i + 1])
            let re = br * ar + bi * ai
            let im = bi * ar - br * ai
            let magnitude = (re * re + im * im).squareRoot()
            let scale: Float = magnitude > 1e-20 ? Float(wyz * wx[i]) / magnitude : 0
            pb[2 * i] = re * scale
            pb[2 * i + 1] = im * scale
          }
        }
      }
    }
    // The peak of a perfect match is the weights' sum over the full spectrum (separable).
    let weightSum = lowPass(size.x, count: size.x).reduce(0, +) * weightY.reduce(0, +) * weightZ.reduce(0, +)
    let surface = FFTBuffer(floats: fft.realCount)
    fft.inverse(fb, into: surface)

    let r = UncheckedSendable(UnsafePointer(surface.pointer))
    let planeLength = size.x * size.y
    // The first index of the highest value: each plane's first maximum, then the first plane
    // holding the highest of those, so the split cannot change which tie wins.
    let planeBest = UncheckedSendable(UnsafeMutableBufferPointer<Int>.allocate(capacity: size.z))
    defer { planeBest.value.deallocate() }
    ParallelSlabs.forEach(count: size.z) { k in
      let plane = r.value + planeLength * k
      var best = 0
      for n in 1..<planeLength where plane[n] > plane[best] { best = n }
      planeBest.value[k] = planeLength * k + best
    }
    var best = planeBest.value[0]
    for k in 1..<size.z where r.value[planeBest.value[k]] > r.value[best] { best = planeBest.value[k] }
    let peakIndex = SIMD3(best % size.x, (best / size.x) % size.y, best / planeLength)
    // Highest value more than `exclusionRadius` voxels (cyclically) from the peak.
    @Sendable func far(_ p: Int, _ axis: Int) -> Bool {
      let d = abs(p - peakIndex[axis])
      return min(d, size[axis] - d) > exclusionRadius
    }
    let planeSecond = UncheckedSendable(UnsafeMutableBufferPointer<Float>.allocate(capacity: size.z))
    defer { planeSecond.value.deallocate() }
    ParallelSlabs.forEach(count: size.z) { k in
      let farZ = far(k, 2)
      var second: Float = 0
      for j in 0..<size.y {
        let farYZ = farZ || far(j, 1)
        let row = r.value + size.x * (j + size.y * k)
        if farYZ {
          for i in 0..<size.x { second = max(second, row[i]) }
        } else {
          for i in 0..<size.x where far(i, 0) && row[i] > second { second = row[i] }
        }
      }
      planeSecond.value[k] = second
    }
    let second = planeSecond.value.max() ?? 0

    var shift = SIMD3<Double>()
    for axis in 0..<3 {
      func value(_ offset: Int) -> Double {
        var p = peakIndex
        p[axis] = (p[axis] + offset + size[axis]) % size[axis]
        return Double(r.value[p.x + size.x * (p.y + size.y * p.z)])
      }
      var (left, centre, right) = (value(-1), value(0), value(1))
      // The low-pass makes the peak Gaussian, and a parabola through the logarithms of three
      // samples of a Gaussian finds its centre exactly; fall back to the values themselves
      // when a neighbour is not positive.
      if left > 0, right > 0, centre > 0 { (left, centre, right) = (log(left), log(centre), log(right)) }
      let curvature = left - 2 * centre + right
      var fraction = curvature < 0 ? 0.5 * (left - right) / curvature : 0
      fraction = max(-0.5, min(0.5, fraction))
      var integer = peakIndex[axis]
      if integer > size[axis] / 2 { integer -= size[axis] }
      shift[axis] = Double(integer) + fraction
    }
    return (shift, Double(r.value[best]) / weightSum, second > 0 ? Double(r.value[best] / second) : .infinity)
  }

  /// Voxels around the peak that belong to it when looking for the second-highest value.
  static let exclusionRadius = 3

  /// Standard deviation of the frequency weighting, in cycles per voxel.
  static let lowPassSigma = 0.12

  /// Gaussian weights of the first `count` FFT frequencies of an axis of length `n`.
  static func lowPass(_ n: Int, count: Int) -> [Double] {
    (0..<count).map { index in
      let f = Double(index <= n / 2 ? index : index - n) / Double(n)
      return exp(-f * f / (2 * lowPassSigma * lowPassSigma))
    }
  }


}

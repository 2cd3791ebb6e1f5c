import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the scanner adds to the noise-free images: the coil's smooth sensitivity, noise, and
/// integer storage.
///
/// Magnitude images get Rician noise, `|s·b + σ(n₁ + i·n₂)|` with n₁, n₂ standard normal (so
/// the air is Rayleigh noise, not zero, as on a scanner); the ADC map gets Gaussian noise
/// proportional to its value. Noise comes from one stream per (study, image, slice), so it is
/// the same for any thread count.
enum Acquisition {
  /// A magnitude image: bias field, Rician noise of σ `sigma`, rounded to int16.
  static func magnitude(
    _ image: [Float], grid: Grid, bias: BiasField, sigma: Double, seed: UInt64, stream: UInt64
  ) -> [Int16] {
    let factors = separableFactors(bias, grid: grid)
    let s = Float(sigma)
    return perSlice(image, grid: grid, seed: seed, stream: stream) { k, noise, input, output in
      let (nx, ny) = (grid.dims.x, grid.dims.y)
      // A row's noise is drawn first (each voxel's real and imaginary part from one 64-bit
      // number), and the magnitudes follow in loops of their own: the generator's chain and
      // the square root's latency then no longer wait on each other, and the magnitude loop
      // vectorises.
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * nx)
      defer { scratch.deallocate() }
      let (real, imaginary, magnitude) = (scratch, scratch + nx, scratch + 2 * nx)
      factors.x.withUnsafeBufferPointer { fx in
        let fx = fx.baseAddress!
        for j in 0..<ny {
          let row = factors.y[j] * factors.z[k]
          let base = nx * (j + ny * k)
          for i in 0..<nx { (real[i], imaginary[i]) = noise.nextPair() }
          let source = input.baseAddress! + base
          for i in 0..<nx {
            let re = source[i] * fx[i] * row + s * real[i]
            let im = s * imaginary[i]
            magnitude[i] = (re * re + im * im).squareRoot()
          }
          for i in 0..<nx { output[base + i] = quantise(magnitude[i]) }
        }
      }
    }
  }

  /// An ADC map: Gaussian noise of `relative`·value (at least 10), no coil field, ≥ 0.
  static func diffusion(_ image: [Float], grid: Grid, relative: Double, seed: UInt64, stream: UInt64) -> [Int16] {
    let r = Float(relative)
    return perSlice(image, grid: grid, seed: seed, stream: stream) { k, noise, input, output in
      let slice = grid.sliceVoxelCount
      for n in (slice * k)..<(slice * (k + 1)) {
        let v = input[n]
        output[n] = quantise(Swift.max(0, v + Swift.max(10, r * v) * noise.next()))
      }
    }
  }

  /// Runs `body` for every axial slice in parallel, each with its own noise stream, filling
  /// a new int16 image from `image`.
  private static func perSlice(
    _ image: [Float], grid: Grid, seed: UInt64, stream: UInt64,
    _ body: @Sendable (_ k: Int, _ noise: inout GaussianNoise, _ input: UnsafeBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Int16>) -> Void
  ) -> [Int16] {
    image.withUnsafeBufferPointer { source in
      let input = UncheckedSendable(source)
      return [Int16](unsafeUninitializedCapacity: image.count) { out, initialized in
        let target = UncheckedSendable(out)
        ParallelSlabs.forEach(count: grid.dims.z) { k in
          var noise = GaussianNoise(seed: seed, stream: stream, UInt64(k))
          body(k, &noise, input.value, target.value)
        }
        initialized = image.count
      }
    }
  }

  /// Nearest integer of a value ≥ 0 (magnitudes and clamped ADC), saturated to int16.
  @inline(__always)
  static func quantise(_ v: Float) -> Int16 { Int16(Swift.min(32767, Swift.max(0, v) + 0.5)) }

  /// The bias field's factor along each index axis of an axis-aligned grid.
  static func separableFactors(_ bias: BiasField, grid: Grid) -> (x: [Float], y: [Float], z: [Float]) {
    let m = grid.voxelToWorld
    func axis(_ a: Int) -> [Float] {
      (0..<grid.dims[a]).map { index -> Float in
        var v = SIMD3<Double>(0, 0, 0)
        v[a] = Double(index)
        return Float(exp(bias.logFactor(axis: a, coordinateMM: m.apply(v)[a])))
      }
    }
    return (axis(0), axis(1), axis(2))
  }
}

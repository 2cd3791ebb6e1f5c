/// Memory for FFT data, allocated by FFTW so that it has the alignment FFTW's plans assume
/// (which makes any such buffer usable with a shared plan).
public final class FFTBuffer: @unchecked Sendable {
  /// `count` Floats; a complex buffer interleaves real and imaginary parts.
  public let pointer: UnsafeMutablePointer<Float>
  public let count: Int

  public init(floats count: Int) {
    pointer = RealFFT3D.allocateFloats(count)
    pointer.initialize(repeating: 0, count: count)
    self.count = count
  }

  deinit { RealFFT3D.free(pointer) }
}

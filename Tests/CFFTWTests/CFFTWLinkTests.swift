import CFFTW
import Foundation
import Testing

/// The FFTW boundary links and computes: a 1D real FFT of a cosine has its energy in one bin.
@Test("fftwf links and transforms a cosine into a single peak")
func cosinePeak() {
  let n = 64
  let input = fftwf_alloc_real(n)!
  let output = fftwf_alloc_complex(n / 2 + 1)!
  defer {
    fftwf_free(input)
    fftwf_free(output)
  }
  let plan = fftwf_plan_dft_r2c_1d(Int32(n), input, output, UInt32(FFTW_ESTIMATE))
  defer { fftwf_destroy_plan(plan) }
  for k in 0..<n { input[k] = Float(cos(2 * Double.pi * 5 * Double(k) / Double(n))) }
  fftwf_execute(plan)
  let magnitudes = (0...(n / 2)).map { k in
    withUnsafeBytes(of: output[k]) { raw in
      let re = raw.load(fromByteOffset: 0, as: Float.self), im = raw.load(fromByteOffset: 4, as: Float.self)
      return (re * re + im * im).squareRoot()
    }
  }
  #expect(abs(magnitudes[5] - Float(n) / 2) < 1e-3)
  #expect(magnitudes.enumerated().filter { $0.offset != 5 }.allSatisfy { $0.element < 1e-3 })
}

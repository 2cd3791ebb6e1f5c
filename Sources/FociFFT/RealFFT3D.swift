import CFFTW
import Synchronization

/// Forward and inverse 3D FFTs of real single-precision volumes, with FFTW.
///
/// Volumes are x fastest (NIfTI order); the half spectrum has `(nx / 2 + 1) · ny · nz` complex
/// values, interleaved re/im. Plans are made once per size, under a lock (FFTW's planner is not
/// thread-safe), and shared: transforms run through FFTW's new-array execute functions, which
/// are thread-safe, so any number of threads may use one plan on their own buffers.
/// The inverse is unnormalised: forward then inverse multiplies by `nx · ny · nz`.
public final class RealFFT3D: @unchecked Sendable {
  public let dims: SIMD3<Int>
  /// Floats in a real volume of `dims`.
  public var realCount: Int { dims.x * dims.y * dims.z }
  /// Floats (two per complex value) in the half spectrum.
  public var complexFloatCount: Int { 2 * (dims.x / 2 + 1) * dims.y * dims.z }

  private let forwardPlan: fftwf_plan
  private let inversePlan: fftwf_plan

  private static let cache = Mutex<[SIMD3<Int>: RealFFT3D]>([:])

  /// Threads each transform uses. Fixed rather than taken from the machine so that plans, and
  /// so results to the last bit, are the same everywhere.
  public static let threadsPerTransform: Int32 = 2

  private static let threadsReady: Bool = fftwf_init_threads() != 0

  /// The shared transform for `dims`, planned on first use.
  public static func shared(dims: SIMD3<Int>) -> RealFFT3D {
    cache.withLock { plans in
      if let plan = plans[dims] { return plan }
      let plan = RealFFT3D(planning: dims)
      plans[dims] = plan
      return plan
    }
  }

  /// Plans with scratch buffers; called under the cache lock only.
  private init(planning dims: SIMD3<Int>) {
    precondition(dims.x > 0 && dims.y > 0 && dims.z > 0, "FFT dims must be positive")
    self.dims = dims
    let real = FFTBuffer(floats: dims.x * dims.y * dims.z)
    let spectrum = FFTBuffer(floats: 2 * (dims.x / 2 + 1) * dims.y * dims.z)
    let complex = UnsafeMutableRawPointer(spectrum.pointer).assumingMemoryBound(to: fftwf_complex.self)
    // FFTW is row-major with the last index fastest: (nz, ny, nx).
    let (n0, n1, n2) = (Int32(dims.z), Int32(dims.y), Int32(dims.x))
    if RealFFT3D.threadsReady { fftwf_plan_with_nthreads(RealFFT3D.threadsPerTransform) }
    forwardPlan = fftwf_plan_dft_r2c_3d(n0, n1, n2, real.pointer, complex, UInt32(FFTW_ESTIMATE))!
    inversePlan = fftwf_plan_dft_c2r_3d(n0, n1, n2, complex, real.pointer, UInt32(FFTW_ESTIMATE))!
  }

  deinit {
    fftwf_destroy_plan(forwardPlan)
    fftwf_destroy_plan(inversePlan)
  }

  /// `spectrum` ← FFT(`real`). Both must come from `FFTBuffer`s of this size.
  public func forward(_ real: FFTBuffer, into spectrum: FFTBuffer) {
    precondition(real.count >= realCount && spectrum.count >= complexFloatCount, "buffers too small")
    let complex = UnsafeMutableRawPointer(spectrum.pointer).assumingMemoryBound(to: fftwf_complex.self)
    fftwf_execute_dft_r2c(forwardPlan, real.pointer, complex)
  }

  /// `real` ← unnormalised inverse FFT(`spectrum`). Overwrites `spectrum`.
  public func inverse(_ spectrum: FFTBuffer, into real: FFTBuffer) {
    precondition(real.count >= realCount && spectrum.count >= complexFloatCount, "buffers too small")
    let complex = UnsafeMutableRawPointer(spectrum.pointer).assumingMemoryBound(to: fftwf_complex.self)
    fftwf_execute_dft_c2r(inversePlan, complex, real.pointer)
  }

  /// FFTW-aligned memory for `count` Floats (the only allocator `FFTBuffer` uses).
  static func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    guard let raw = fftwf_malloc(Swift.max(1, count) * MemoryLayout<Float>.stride) else {
      fatalError("FFTW could not allocate \(count) floats")
    }
    return raw.bindMemory(to: Float.self, capacity: Swift.max(1, count))
  }

  static func free(_ pointer: UnsafeMutablePointer<Float>) { fftwf_free(pointer) }

  /// The smallest size ≥ `n` whose prime factors are 2, 3, 5 and 7, where FFTW is fastest.
  public static func goodSize(atLeast n: Int) -> Int {
    var m = Swift.max(1, n)
    while true {
      var r = m
      for p in [2, 3, 5, 7] { while r % p == 0 { r /= p } }
      if r == 1 { return m }
      m += 1
    }
  }
}

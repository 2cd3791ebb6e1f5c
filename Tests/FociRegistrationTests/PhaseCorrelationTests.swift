import FociCore
import FociFFT
import Foundation
import Testing
import _FociTestSupport

@testable import FociRegistration

@Suite("Phase correlation")
struct PhaseCorrelationTests {
  /// A smooth analytic scene (Gaussian blobs of 2-7 voxels) sampled at x − shift, so any
  /// fractional shift is exact; plus seeded noise of `noise` standard deviation.
  static func scene(_ dims: SIMD3<Int>, shift: SIMD3<Double>, noise: Float = 0, seed: UInt64 = 1) -> Volume<Float> {
    var rng = SeededGenerator(seed: 99)
    let blobs = (0..<40).map { _ in
      (SIMD3(Double.random(in: 0..<Double(dims.x), using: &rng), Double.random(in: 0..<Double(dims.y), using: &rng),
             Double.random(in: 0..<Double(dims.z), using: &rng)),
       Double.random(in: 2...7, using: &rng), Double.random(in: 50...300, using: &rng))
    }
    var noiseRng = SeededGenerator(seed: seed)
    let grid = Grid(dims: dims, spacingMM: SIMD3(1.4, 1.4, 3.5))
    var voxels = [Float](repeating: 0, count: grid.voxelCount)
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
      let p = SIMD3(Double(i), Double(j), Double(k)) - shift
      var v = 100.0
      for (c, r, a) in blobs { let d = p - c; v += a * exp(-(d * d).sum() / (2 * r * r)) }
      var n: Float = 0
      if noise > 0 { n = Float.random(in: -1...1, using: &noiseRng) * noise * 1.732 }
      voxels[grid.offset(i, j, k)] = Float(v) + n
    } } }
    return Volume(grid: grid, voxels: voxels)
  }

  static let shifts: [SIMD3<Double>] = [
    SIMD3(0, 0, 0), SIMD3(3, -2, 1), SIMD3(-5, 4, -2), SIMD3(1.5, -2.25, 0.4), SIMD3(-0.3, 0.7, -1.6),
  ]

  @Test("recovers integer and fractional shifts within 0.25 voxel per axis", arguments: shifts)
  func recoversShift(shift: SIMD3<Double>) throws {
    let dims = SIMD3(64, 56, 28)
    let fixed = Self.scene(dims, shift: .zero, noise: 4, seed: 1)
    let moving = Self.scene(dims, shift: shift, noise: 4, seed: 2)
    let estimate = try PhaseCorrelation.estimate(fixed: fixed, moving: moving)
    for axis in 0..<3 {
      #expect(abs(estimate.shiftVoxels[axis] - shift[axis]) <= 0.25, "axis \(axis): \(estimate) vs \(shift)")
    }
    #expect(abs(estimate.shiftMM.x - shift.x * 1.4) < 0.25 * 1.4 + 1e-9)
    #expect(estimate.peak > 0.05 && estimate.peakToSecond > 2, "\(estimate)")
  }

  @Test("inside a mask's bounding box")
  func masked() throws {
    let dims = SIMD3(80, 64, 30)
    let shift = SIMD3(2.5, -1.0, 0.5)
    let fixed = Self.scene(dims, shift: .zero)
    let moving = Self.scene(dims, shift: shift)
    var mask = Volume(grid: fixed.grid, repeating: UInt8(0))
    for k in 8..<22 { for j in 15..<50 { for i in 20..<60 { mask[i, j, k] = 1 } } }
    let estimate = try PhaseCorrelation.estimate(fixed: fixed, moving: moving, mask: mask)
    #expect(abs(estimate.shiftVoxels.x - 2.5) <= 0.25 && abs(estimate.shiftVoxels.y + 1) <= 0.25 && abs(estimate.shiftVoxels.z - 0.5) <= 0.25)
  }

  @Test("unrelated volumes give a weak, ambiguous peak")
  func unrelated() throws {
    let grid = Grid(dims: SIMD3(48, 48, 24), spacingMM: SIMD3(1, 1, 1))
    var rng = SeededGenerator(seed: 5)
    let a = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: 0...1, using: &rng) })
    let b = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: 0...1, using: &rng) })
    let estimate = try PhaseCorrelation.estimate(fixed: a, moving: b)
    let related = try PhaseCorrelation.estimate(fixed: a, moving: a)
    #expect(estimate.peak < 0.1 && estimate.peakToSecond < 1.5, "\(estimate)")
    #expect(related.peak > 0.9 && related.shiftVoxels == .zero)
  }

  @Test("resampling by the estimate puts the moving volume back onto the fixed one")
  func correction() throws {
    let dims = SIMD3(64, 56, 28)
    let shift = SIMD3(2.0, -3.0, 1.0)
    let fixed = Self.scene(dims, shift: .zero)
    let moving = Self.scene(dims, shift: shift)
    let estimate = try PhaseCorrelation.estimate(fixed: fixed, moving: moving)
    let corrected = Translation.resample(moving, shiftVoxels: estimate.shiftVoxels)
    // Compare away from the edges, where clamping stands in for missing data.
    var before = 0.0, after = 0.0
    for k in 3..<(dims.z - 3) { for j in 5..<(dims.y - 5) { for i in 5..<(dims.x - 5) {
      let f = Double(fixed[i, j, k])
      before = max(before, abs(Double(moving[i, j, k]) - f))
      after = max(after, abs(Double(corrected[i, j, k]) - f))
    } } }
    #expect(after < before / 10, "max error \(after) after vs \(before) before")
  }

  @Test("integer translation by resampling is an exact shift")
  func exactIntegerShift() {
    let grid = Grid(dims: SIMD3(5, 4, 3), spacingMM: SIMD3(1, 1, 1))
    let v = Volume(grid: grid, voxels: (0..<60).map(Float.init))
    let shifted = Translation.resample(v, shiftVoxels: SIMD3(1, 0, 0))
    #expect(shifted[0, 0, 0] == v[1, 0, 0] && shifted[3, 2, 1] == v[4, 2, 1] && shifted[4, 2, 1] == v[4, 2, 1])
  }

  @Test("grids that differ are refused")
  func differentGrids() {
    let a = Volume(grid: Grid(dims: SIMD3(8, 8, 8), spacingMM: SIMD3(1, 1, 1)), repeating: Float(0))
    let b = Volume(grid: Grid(dims: SIMD3(8, 8, 9), spacingMM: SIMD3(1, 1, 1)), repeating: Float(0))
    #expect(throws: RegistrationError.self) { try PhaseCorrelation.estimate(fixed: a, moving: b) }
  }

  @Test("FFT round trip and good sizes")
  func fft() {
    let fft = RealFFT3D.shared(dims: SIMD3(10, 6, 4))
    let real = FFTBuffer(floats: fft.realCount), spectrum = FFTBuffer(floats: fft.complexFloatCount), back = FFTBuffer(floats: fft.realCount)
    for n in 0..<fft.realCount { real.pointer[n] = Float(n % 7) - 3 }
    fft.forward(real, into: spectrum)
    fft.inverse(spectrum, into: back)
    for n in 0..<fft.realCount { #expect(abs(back.pointer[n] / Float(fft.realCount) - real.pointer[n]) < 1e-4) }
    #expect(RealFFT3D.goodSize(atLeast: 127) == 128 && RealFFT3D.goodSize(atLeast: 11) == 12 && RealFFT3D.goodSize(atLeast: 97) == 98)
    #expect(RealFFT3D.shared(dims: SIMD3(10, 6, 4)) === fft)
  }
}

@Suite("Motion correction policy")
struct MotionCorrectionTests {
  @Test("a plausible shift is applied; too large, weak or negligible ones are reported and not applied")
  func decisions() throws {
    let dims = SIMD3(64, 56, 28)
    let fixed = PhaseCorrelationTests.scene(dims, shift: .zero, noise: 2, seed: 1)
    let moving = PhaseCorrelationTests.scene(dims, shift: SIMD3(3, -2, 1), noise: 2, seed: 2)
    var policy = MotionCorrection()
    let (aligned, outcome) = try policy.correct(moving, against: fixed, mask: nil)
    #expect(outcome.decision == .applied && outcome.applied)
    #expect(aligned.voxels != moving.voxels)

    policy.maximumShiftMM = 2  // the shift is about 6.1 mm
    let (unchanged, tooLarge) = try policy.correct(moving, against: fixed, mask: nil)
    #expect(tooLarge.decision == .shiftTooLarge && unchanged.voxels == moving.voxels)

    var rng = SeededGenerator(seed: 8)
    let noise = Volume(grid: fixed.grid, voxels: (0..<fixed.grid.voxelCount).map { _ in Float.random(in: 0...100, using: &rng) })
    let (_, weak) = try MotionCorrection().correct(noise, against: fixed, mask: nil)
    #expect(weak.decision == .weakPeak || weak.decision == .shiftTooLarge)
    #expect(!weak.applied)

    // The same scene with other noise: a shift of hundredths of a voxel is left alone.
    let again = PhaseCorrelationTests.scene(dims, shift: .zero, noise: 2, seed: 3)
    let (untouched, negligible) = try MotionCorrection().correct(again, against: fixed, mask: nil)
    #expect(negligible.decision == .negligible && untouched.voxels == again.voxels)
  }
}

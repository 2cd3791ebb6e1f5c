import FociCore
import FociPhantom
import Testing

@testable import FociRegistration

/// Registration on rendered phantom studies (default grid, 1.4×1.4×3.5 mm): the post-contrast
/// phases are drawn with chosen shifts, so the truth is exact. The venous and delayed phases
/// invert the contrast of the vessels against the liver (dark on native T1, bright after
/// contrast), which is what intensity correlation gets wrong.
@Suite("Phase correlation on phantom studies")
struct PhantomRegistrationTests {
  struct Case: Sendable, CustomStringConvertible {
    var seed: UInt64
    /// Voxel shift of the arterial, venous and delayed phase.
    var shifts: [SIMD3<Double>]
    var description: String { "seed \(seed): \(shifts)" }
  }

  static let cases = [
    Case(seed: 1, shifts: [SIMD3(2, -1, 1), SIMD3(-3, 0, -1), SIMD3(0, 0, 0)]),
    Case(seed: 8, shifts: [SIMD3(1.5, -0.75, 0.3), SIMD3(-0.4, 2.6, 0.5), SIMD3(4.25, 1.1, -0.8)]),
  ]

  static let phases: [Modality] = [.arterial, .venous, .delayed]

  /// Float copy of a rendered image.
  static func float(_ image: Volume<Int16>) -> Volume<Float> {
    Volume(grid: image.grid, voxels: image.voxels.map { Float($0) })
  }

  @Test("recovers integer and fractional shifts of every phase within 0.25 voxel per axis", arguments: cases)
  func recoversPhantomShifts(_ testCase: Case) throws {
    var settings = PhantomSettings()
    settings.seed = testCase.seed
    var design = StudyDesign.draw(settings: settings, index: 0)
    let grid = PhantomGrids.native(settings)
    for (phase, shift) in zip(Self.phases, testCase.shifts) {
      design.shiftsMM[phase] = grid.voxelToWorld.applyLinear(shift)
    }
    let images = StudyImages.render(design)
    let native = Self.float(images.images[.native]!)
    for (phase, shift) in zip(Self.phases, testCase.shifts) {
      let moving = Self.float(images.images[phase]!)
      let estimate = try PhaseCorrelation.estimate(fixed: native, moving: moving, mask: images.liverMask)
      for axis in 0..<3 {
        #expect(abs(estimate.shiftVoxels[axis] - shift[axis]) <= 0.25, "\(phase) axis \(axis): \(estimate.shiftVoxels) vs \(shift)")
      }
      #expect(estimate.peak > 0.2, "\(phase): \(estimate)")
    }
  }
}

import ArgumentParser
import FociCore
import FociNIfTI
import FociRegistration
import Foundation

struct Register: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Estimate the translation of MOVING against FIXED by 3D phase correlation.",
    discussion: """
      Both volumes must be on the same grid (as the T1 phases of one study are). With --mask, \
      only the mask's bounding box (plus --margin voxels) is compared, e.g. the liver. Prints \
      the shift as a world-space vector in mm and in voxels, and the confidence: the height of \
      the normalised correlation peak (0...1) and its ratio to the next-highest peak. The shift \
      is the displacement of MOVING: sampling MOVING at x + shift puts it onto FIXED.
      """)

  @Argument(help: "Reference volume (e.g. the native T1).", completion: .file())
  var fixed: String

  @Argument(help: "Volume to align (e.g. the arterial T1).", completion: .file())
  var moving: String

  @Option(help: "Region to compare: non-zero voxels (e.g. the liver mask).", completion: .file())
  var mask: String?

  @Option(help: "Voxels added around the mask's bounding box.")
  var margin = 8

  @Option(
    help: """
      What is compared: gradient (gradient magnitude, for phases whose contrast differs, e.g. \
      native against venous) or intensity (for images of one contrast).
      """)
  var compare: ComparedFeature = .gradient

  @Flag(help: "Print JSON.")
  var json = false

  func validate() throws {
    guard margin >= 0 else { throw ValidationError("--margin must be 0 or more.") }
  }

  func run() throws {
    try ExitStatus.mappingInputErrors {
      let a = try NIfTIReader.read(fixed).volume
      let b = try NIfTIReader.read(moving).volume
      let m = try mask.map { path throws(NIfTIError) in try NIfTIReader.readMask(path) }
      let estimate: TranslationEstimate
      do {
        estimate = try PhaseCorrelation.estimate(fixed: a, moving: b, mask: m, marginVoxels: margin, feature: compare.feature)
      } catch {
        ExitStatus.report("\(fixed), \(moving)\(mask.map { ", \($0)" } ?? ""): \(error)")
        throw ExitCode(ExitStatus.dataError)
      }
      if json {
        try printJSON(RegisterReport(fixed: fixed, moving: moving, mask: mask, estimate: estimate))
      } else {
        let v = estimate.shiftVoxels, w = estimate.shiftMM
        print(String(format: "shift %.2f mm: (%.2f, %.2f, %.2f) mm world, (%.3f, %.3f, %.3f) voxels", estimate.magnitudeMM, w.x, w.y, w.z, v.x, v.y, v.z))
        print(String(format: "confidence: peak %.3f, %.1f× the next peak", estimate.peak, estimate.peakToSecond))
      }
    }
  }
}

/// `register --compare`.
enum ComparedFeature: String, ExpressibleByArgument, CaseIterable {
  case gradient, intensity

  var feature: PhaseCorrelation.Feature { self == .gradient ? .gradientMagnitude : .intensity }
}

/// What `register --json` prints.
struct RegisterReport: Encodable {
  var fixed: String
  var moving: String
  var mask: String?
  var shiftMM: [Double]
  var shiftVoxels: [Double]
  var magnitudeMM: Double
  var peak: Double
  var peakToSecond: Double?

  init(fixed: String, moving: String, mask: String?, estimate: TranslationEstimate) {
    self.fixed = fixed
    self.moving = moving
    self.mask = mask
    shiftMM = [estimate.shiftMM.x, estimate.shiftMM.y, estimate.shiftMM.z]
    shiftVoxels = [estimate.shiftVoxels.x, estimate.shiftVoxels.y, estimate.shiftVoxels.z]
    magnitudeMM = estimate.magnitudeMM
    peak = estimate.peak
    peakToSecond = estimate.peakToSecond.isFinite ? estimate.peakToSecond : nil
  }
}

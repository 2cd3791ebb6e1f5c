import ArgumentParser
import FociAnalysis
import FociCore
import FociReport
import FociCohort
import Foundation

struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Detect and measure the arterial-phase foci of one study.",
    discussion: """
      Give a study folder holding the phantom's file names (native, arterial, venous, delayed, \
      t2 and t2_*, adc, liver_mask; .nii.gz or .nii; venous, delayed, T2 and ADC optional), or \
      name each file with --native, --arterial, ... (these override the folder's). Writes \
      lesions.json (schema/lesions.schema.json: every measurement, the settings used and the \
      inputs' SHA-256) and labels.nii.gz (lesion ids in the native geometry) into --out, each \
      written whole or not at all, and prints a short summary.
      """)

  @Argument(help: "Study folder (optional when every file is named).", completion: .directory)
  var study: String?

  @Option(help: "Native (pre-contrast) T1.", completion: .file()) var native: String?
  @Option(help: "Arterial-phase T1.", completion: .file()) var arterial: String?
  @Option(help: "Portal-venous T1.", completion: .file()) var venous: String?
  @Option(help: "Delayed T1.", completion: .file()) var delayed: String?
  @Option(help: "A T2-weighted image, on any grid (repeatable).", completion: .file()) var t2: [String] = []
  @Option(help: "ADC map in 10⁻⁶ mm²/s, on any grid.", completion: .file()) var adc: String?
  @Option(help: "Liver mask (non-zero = liver), on the native grid.", completion: .file()) var liverMask: String?

  @Option(help: "Output folder (created if needed).", completion: .directory) var out: String

  @OptionGroup var analysis: AnalysisOptions

  @Flag(help: "Print the whole lesions.json on standard output instead of the summary.") var json = false
  @Flag(help: "Also draw montage.png and thumbnail.png (see `hepafoci report`).") var report = false
  @Option(
    help: ArgumentHelp(
      "Also write detection's intermediate maps into this folder (created if needed): float32 .nii.gz in the native geometry, and maps.tsv saying what each holds.",
      discussion: "The subtraction and the arterial score, and with a venous phase the hypointense channel's darkness, T2 brightness and scores; a score over 1 is where a channel seeds.",
      valueName: "dir"), completion: .directory)
  var debugMaps: String?

  func validate() throws {
    guard study != nil || (native != nil && arterial != nil && liverMask != nil) else {
      throw ValidationError("Give a study folder, or at least --native, --arterial and --liver-mask.")
    }
  }

  func run() throws {
    try ExitStatus.mappingStudyErrors {
      // Absolute paths in lesions.json, so `hepafoci report` finds the inputs from any folder.
      let absolute = StudyManifest.absolute
      let files = try StudyFiles(
        folder: study.map(absolute), native: native.map(absolute), arterial: arterial.map(absolute), venous: venous.map(absolute),
        delayed: delayed.map(absolute), t2: t2.map(absolute), adc: adc.map(absolute), liverMask: liverMask.map(absolute))
      let outcome = try StudyPipeline.run(files, settings: analysis.settings, diagnostics: debugMaps != nil)
      try ExitStatus.makeOutputFolder(out)
      // Both folders before any file, so a maps folder that cannot be made leaves no output.
      if let debugMaps { try ExitStatus.makeOutputFolder(debugMaps) }
      let data = try StudyPipeline.write(outcome, into: out)
      if report {
        let scene = MontageScene(inputs: outcome.inputs, motion: outcome.report.motion, lesions: outcome.report.lesions, labels: outcome.labels)
        try StudyQualityControl.write(scene, title: Report.name(of: study ?? out), into: out)
      }
      if let debugMaps, let maps = outcome.diagnosticMaps {
        try StudyPipeline.writeDiagnosticMaps(maps, into: debugMaps)
      }
      if json {
        print(String(decoding: data, as: UTF8.self))
      } else {
        print(Self.summary(outcome.report, out: out))
        if let debugMaps, let maps = outcome.diagnosticMaps {
          print("maps: \(maps.map(\.name).joined(separator: ", ")) in \(debugMaps)")
        }
      }
    }
  }

  /// A few lines a reader takes in at a glance.
  static func summary(_ report: StudyReport, out: String) -> String {
    let s = report.summary
    var lines = [
      String(format: "%d lesions, burden %.1f %% of a %.0f ml liver", s.lesionCount, s.burdenPercent, s.liverVolumeML)
    ]
    if let largest = report.lesions.max(by: { $0.geometry.maxDiameterMM < $1.geometry.maxDiameterMM }) {
      let g = largest.geometry
      lines.append(String(
        format: "largest: lesion %d, %.1f mm (axial %.1f × %.1f mm), %.2f ml, %@, arterial %@", largest.id, g.maxDiameterMM,
        g.axialLongDiameterMM, g.axialShortDiameterMM, g.volumeMM3 / 1000, largest.shape.shapeClass.rawValue,
        largest.enhancement["arterial"]?.grade.rawValue ?? "-"))
    }
    let f = s.flagCounts
    lines.append(
      "flags: \(f["small"] ?? 0) small, \(f["arterialOnly"] ?? 0) arterial-only, \(f["shuntLike"] ?? 0) shunt-like, "
        + "\(f["avascular"] ?? 0) with avascular zones, \(f["bloodProducts"] ?? 0) with blood products")
    if let c = s.channelCounts {
      lines.append(
        "found by: \(c["arterial"] ?? 0) the arterial subtraction, \(c["hypointense"] ?? 0) the hypointense channel, "
          + "\(c["both"] ?? 0) both")
    }
    let motion = ["arterial", "venous", "delayed"].compactMap { phase in
      report.motion[phase].map { String(format: "%@ %.1f mm %@", phase, $0.magnitudeMM, $0.decision) }
    }
    lines.append("motion: " + motion.joined(separator: ", "))
    lines.append("written: \(out)/lesions.json, \(out)/labels.nii.gz")
    return lines.joined(separator: "\n")
  }
}


import ArgumentParser
import FociCore
import FociPhantom
import Foundation

struct Phantom: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write synthetic multi-phase liver MRI studies with known lesions (ground truth).",
    discussion: """
      Each study folder holds native, arterial, venous and delayed T1 phases, T2 and ADC (on \
      coarser grids with 6 mm slices and their own affines), the liver mask, the truth label \
      maps (truth_labels.nii.gz: lesion ids; truth_mimics.nii.gz: shunt-like mimics) and \
      truth.json (schema/truth.schema.json); the cohort gets manifest.tsv. Patients are drawn \
      from the clinical reference distributions (lesion count, sizes, shapes, enhancement, \
      necrotic cores, blood products, fluid levels, arterial-only foci, shunt mimics), with \
      partial volume at every edge, Rician noise, a coil bias field and a breath-hold shift of \
      each post-contrast phase. The same seed gives the same files on any machine and for any \
      --jobs. Prints the cohort's statistics in the form of the reference table.
      """)

  @Option(help: "Output folder (created if needed).", completion: .directory)
  var out: String

  @Option(help: "Number of studies.")
  var studies = 1

  @Option(help: "Cohort seed.")
  var seed: UInt64 = 1

  @Option(parsing: .upToNextOption, help: "Native grid dims X Y Z (default 256 208 72).")
  var shape: [Int] = [256, 208, 72]

  @Option(parsing: .upToNextOption, help: "Native voxel size in mm DX DY DZ (default 1.4 1.4 3.5).")
  var spacing: [Double] = [1.4, 1.4, 3.5]

  @Option(help: "Liver signal over noise σ on native T1 (Rician noise).")
  var snr = 25.0

  @Option(help: "Largest breath-hold shift of a post-contrast phase, mm.")
  var maxShift = 4.0

  @Option(help: "Studies written at once (default: all cores). Does not change the files.")
  var jobs: Int?

  @Flag(help: "Write truth.json only (no images): a quick look at a cohort's distributions.")
  var truthOnly = false

  @Flag(help: "Print the cohort statistics as JSON.")
  var json = false

  func validate() throws {
    guard studies >= 1 else { throw ValidationError("--studies must be at least 1.") }
    guard shape.count == 3, shape.allSatisfy({ $0 >= 8 && $0 <= 2048 }) else {
      throw ValidationError("--shape needs three sizes between 8 and 2048.")
    }
    guard spacing.count == 3, spacing.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 20 }) else {
      throw ValidationError("--spacing needs three positive sizes in mm (at most 20).")
    }
    guard snr.isFinite, snr > 0 else { throw ValidationError("--snr must be positive.") }
    guard maxShift.isFinite, maxShift >= 0 else { throw ValidationError("--max-shift must be 0 or more.") }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
  }

  func run() throws {
    var settings = PhantomSettings()
    settings.seed = seed
    settings.dims = SIMD3(shape[0], shape[1], shape[2])
    settings.spacingMM = SIMD3(spacing[0], spacing[1], spacing[2])
    settings.snr = snr
    settings.maxShiftMM = maxShift
    let total = studies
    let interactive = isatty(STDERR_FILENO) != 0
    let start = Date()
    let truths: [PhantomTruth]
    do {
      truths = try PhantomWriter.writeCohort(
        settings: settings, count: studies, into: out, truthOnly: truthOnly, jobs: jobs,
        progress: { done in
          guard interactive || done == total || done % 10 == 0 else { return }
          let line = "hepafoci phantom: \(done)/\(total) studies"
          FileHandle.standardError.write(Data((interactive ? "\r" + line + (done == total ? "\n" : "") : line + "\n").utf8))
        })
    } catch {
      ExitStatus.report(error.description)
      throw ExitCode(ExitStatus.cannotCreate)
    }
    let statistics = CohortTruthStatistics(truths)
    if json {
      try printJSON(statistics)
    } else {
      let seconds = Date().timeIntervalSince(start)
      print("\(truths.count) \(truths.count == 1 ? "study" : "studies") written to \(out) in \(String(format: "%.1f", seconds)) s")
      print(ReferenceTable.text(statistics))
    }
  }
}


import ArgumentParser
import FociCohort
import FociCore
import FociReport
import Foundation

struct Cohort: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Analyse every study of a cohort: in parallel, resumable, sharded.",
    discussion: """
      COHORT is a manifest (tab-separated: study_id, then native, arterial, liver_mask and the \
      optional venous, delayed, t2 or t2_*, adc; paths relative to the manifest; empty cells for \
      missing optional files), a folder holding manifest.tsv, or a folder of study folders named \
      by study id. Each study's lesions.json and labels.nii.gz land in DIR/<study_id>/, written \
      in a hidden folder and renamed into place, so a killed run leaves only whole studies. A \
      study that fails gets DIR/<study_id>/failure.json instead, and the run goes on. \
      With --resume, studies whose outputs match the current inputs' SHA-256 and settings are \
      kept; every other one is redone. Unless --shard or --study picks a part, DIR also gets \
      studies.tsv, lesions.tsv, failures.tsv and cohort.json (SPEC §7's table; \
      schema/cohort.schema.json); for parts, `hepafoci merge` makes them. \
      Exit status: 0 when every study succeeded, 1 when some failed (see failures.tsv), \
      64–66 when the manifest is unusable (nothing is run).
      """)

  @Argument(help: "Manifest, folder with manifest.tsv, or folder of study folders.", completion: .file())
  var cohort: String

  @Option(help: "Output folder (created if needed).", completion: .directory) var out: String
  @Option(help: "Cores to use, and studies analysed at once (default: every core this process may use).") var jobs: Int?
  @Option(help: "Memory the studies in flight may take, GB (default: 80 % of the available memory).") var memory: Double?
  @Option(help: "Run only part I of N (0-based, I/N): every N-th study from the I-th.") var shard: Shard?
  @Option(help: "Run only this study (repeatable).") var study: [String] = []
  @Flag(help: "Keep studies whose outputs are current (same input digests and settings).") var resume = false
  @Flag(help: "Exit 0 even when studies failed (for workflow engines that read failure.json).") var failuresOK = false
  @Flag(help: "No progress on standard error.") var quiet = false
  @Flag(help: "Also draw each study's montage.png and thumbnail.png and, for a whole run, report.html (see `hepafoci report`).")
  var report = false

  @OptionGroup var analysis: AnalysisOptions

  struct Shard: ExpressibleByArgument {
    var index: Int
    var count: Int
    init?(argument: String) {
      let parts = argument.split(separator: "/")
      guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else { return nil }
      index = i
      count = n
    }
  }

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
    if let memory, memory <= 0 { throw ValidationError("--memory must be positive.") }
  }

  func run() throws {
    var jobsToRun: [CohortRun.Job]
    do {
      jobsToRun = try CohortSource.jobs(cohort)
    } catch {
      ExitStatus.report(error.description)
      throw ExitCode(FileManager.default.fileExists(atPath: error.path) ? ExitStatus.dataError : ExitStatus.noInput)
    }
    let whole = shard == nil && study.isEmpty
    if let shard { jobsToRun = CohortSource.shard(jobsToRun, index: shard.index, count: shard.count) }
    if !study.isEmpty {
      let known = Set(jobsToRun.map(\.id))
      if let unknown = study.first(where: { !known.contains($0) }) {
        ExitStatus.report("\(cohort): no study '\(unknown)'\(shard == nil ? "" : " in this shard")")
        throw ExitCode(ExitStatus.dataError)
      }
      let wanted = Set(study)
      jobsToRun = jobsToRun.filter { wanted.contains($0.id) }
    }
    let folder: CohortFolder
    do { folder = try CohortFolder(creating: out) } catch {
      ExitStatus.report(error.message)
      throw ExitCode(ExitStatus.cannotCreate)
    }
    let settings = analysis.settings
    // --jobs N is N cores: the process keeps to N of its allowed cores, so studies and their
    // own parallel loops together never take more.
    if let jobs { ProcessorAffinity.limit(to: jobs) }
    let options = CohortRun.Options(
      jobs: jobs ?? max(1, ProcessorAffinity.count()),
      memoryLimit: memory.map { Int($0 * 1e9) } ?? MemoryBudget.availableBytes() * 8 / 10, resume: resume)
    let progress = CohortProgress(total: jobsToRun.count, style: quiet ? .silent : .automatic)
    var pictures: CohortRun.Extras?
    if report {
      pictures = { @Sendable (id: String, outcome: StudyPipeline.Outcome, partial: String) throws(StudyError) in
        let scene = MontageScene(inputs: outcome.inputs, motion: outcome.report.motion, lesions: outcome.report.lesions, labels: outcome.labels)
        try StudyQualityControl.write(scene, title: id, into: partial)
      }
    }
    let outcomes = CohortRun.run(jobsToRun, settings: settings, into: folder, options: options, progress: progress, extras: pictures)
    // Studies kept by --resume that were analysed without --report get their pictures now.
    if report { _ = Report.cohortPictures(folder, ids: jobsToRun.map(\.id), onlyMissing: true) }
    var table: String?
    if whole {
      let summary = CohortTables.summarize(folder: folder, ids: jobsToRun.map(\.id))
      do { try CohortTables.write(summary.files, into: folder) } catch {
        ExitStatus.report(error.message)
        throw ExitCode(ExitStatus.cannotCreate)
      }
      table = ReferenceTable.text(summary.document.statistics)
      if report {
        do { try CohortReportPage.write(summary, folder: folder) } catch {
          ExitStatus.report(error.message)
          throw ExitCode(ExitStatus.cannotCreate)
        }
      }
    }
    let failed = zip(jobsToRun, outcomes).compactMap { job, outcome -> String? in
      if case .failed(let error) = outcome { return "\(job.id) (\(error.stage.rawValue)): \(error.message)" }
      return nil
    }
    let analysed = outcomes.count { $0 == .analysed }
    let kept = outcomes.count { $0 == .kept }
    var summary = "\(jobsToRun.count) studies: \(analysed) analysed, \(kept) already done, \(failed.count) failed; written: \(out)/"
    if whole { summary += " (studies.tsv, lesions.tsv, failures.tsv, cohort.json\(report ? ", report.html" : ""))" }
    print(summary)
    if let table { print(table) }
    for line in failed.prefix(10) { ExitStatus.report(line) }
    if failed.count > 10 { ExitStatus.report("… and \(failed.count - 10) more: see \(out)/failures.tsv or the failure.json files") }
    if !failed.isEmpty && !failuresOK { throw ExitCode(1) }
  }
}

import FociAnalysis
import FociCore
import Foundation

/// Runs many studies into one `CohortFolder`: several at once under a memory bound, each
/// failure recorded and never stopping the rest, finished studies skipped on resume.
public enum CohortRun {
  /// One study to run: its id and its files, or why its files could not be found.
  public struct Job: Sendable {
    public var id: String
    public var files: Result<StudyFiles, StudyError>

    public init(id: String, files: Result<StudyFiles, StudyError>) {
      self.id = id
      self.files = files
    }
  }

  public struct Options: Sendable {
    /// Studies analysed at once (each also parallel inside, so the last ones use every core).
    public var jobs: Int
    /// Bytes the studies in flight may take together.
    public var memoryLimit: Int
    /// Keep studies whose outputs match the current inputs' digests and settings.
    public var resume: Bool
    /// A study in flight is reckoned at this multiple of its decoded inputs.
    public static let memoryPerInputByte = 4

    public init(jobs: Int, memoryLimit: Int, resume: Bool) {
      self.jobs = jobs
      self.memoryLimit = memoryLimit
      self.resume = resume
    }
  }

  /// What became of each study, in the order of the jobs.
  public enum Outcome: Sendable, Equatable {
    case analysed
    /// Its outputs were current (resume).
    case kept
    case failed(StudyError)
  }

  /// Writes more outputs of an analysed study (id, outcome) into its folder before it is
  /// published, e.g. QC pictures.
  public typealias Extras = @Sendable (String, StudyPipeline.Outcome, String) throws(StudyError) -> Void

  /// Runs `jobs` with `settings` into `folder`. Outputs of a study carry no timing, so they
  /// depend on its inputs and settings only.
  public static func run(
    _ jobs: [Job], settings: AnalysisSettings, into folder: CohortFolder, options: Options, progress: CohortProgress,
    extras: Extras? = nil
  ) -> [Outcome] {
    folder.removePartials(of: Set(jobs.map(\.id)))
    let budget = MemoryBudget(limit: options.memoryLimit)
    let next = Counter()
    let outcomes = UnsafeMutableBufferPointer<Outcome?>.allocate(capacity: jobs.count)
    outcomes.initialize(repeating: nil)
    defer {
      _ = outcomes.deinitialize()
      outcomes.deallocate()
    }
    let slots = UncheckedSendable(outcomes)
    progress.start()
    // Workers pull studies in order; each study's own parallel loops share the cores, so when
    // fewer studies than workers remain, within-study parallelism takes the idle cores.
    DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, jobs.count))) { _ in
      while true {
        let index = next.next() - 1
        guard index < jobs.count else { return }
        let outcome = runOne(jobs[index], settings: settings, folder: folder, options: options, budget: budget, extras: extras)
        switch outcome {
        case .analysed: progress.studyAnalysed()
        case .kept: progress.studySkipped()
        case .failed: progress.studyFailed()
        }
        slots.value[index] = outcome
      }
    }
    progress.finish()
    return outcomes.map { $0! }
  }

  static func runOne(
    _ job: Job, settings: AnalysisSettings, folder: CohortFolder, options: Options, budget: MemoryBudget, extras: Extras?
  ) -> Outcome {
    do {
      let files = try job.files.get()
      if options.resume && isCurrent(job.id, files: files, settings: settings, folder: folder) { return .kept }
      let reserve = (files.decodedBytes() ?? 0) * Options.memoryPerInputByte
      budget.acquire(reserve)
      defer { budget.release(reserve) }
      let outcome = try StudyPipeline.run(files, settings: settings, timings: false)
      try folder.publish(job.id) { (partial: String) throws(StudyError) in
        try StudyPipeline.write(outcome, into: partial)
        try extras?(job.id, outcome, partial)
      }
      return .analysed
    } catch {
      let failure = StudyFailure(studyID: job.id, error: error)
      // Recording the failure can fail too (disk full); the outcome still says what happened.
      try? folder.publish(job.id) { (partial: String) throws(StudyError) in
        let data: Data
        do { data = try OutputJSON.encoder.encode(failure) } catch {
          throw StudyError(stage: .write, kind: .badData, message: "\(error)")
        }
        try StudyPipeline.writeAtomically(data, to: partial + "/failure.json")
      }
      return .failed(error)
    }
  }

  /// True when study `id` finished with these settings from inputs with these digests (role
  /// and SHA-256; the paths may have moved).
  public static func isCurrent(_ id: String, files: StudyFiles, settings: AnalysisSettings, folder: CohortFolder) -> Bool {
    guard case .done(let document) = folder.state(of: id), document.settings == settings else { return false }
    let stored = document.inputs.map { [$0.role, $0.sha256] }
    let expectedRoles = files.roles.map(\.role.key)
    guard stored.map({ $0[0] }) == expectedRoles, let current = files.records() else { return false }
    return stored == current.map { [$0.role, $0.sha256] }
  }
}


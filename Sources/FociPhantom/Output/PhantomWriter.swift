import FociCore
import FociNIfTI
import Foundation

/// Writes phantom studies and cohorts to disk.
///
/// A study folder holds `native.nii.gz`, `arterial.nii.gz`, `venous.nii.gz`,
/// `delayed.nii.gz`, `t2.nii.gz`, `adc.nii.gz` (int16), `liver_mask.nii.gz` (uint8),
/// `truth_labels.nii.gz` and `truth_mimics.nii.gz` (label maps on the native grid) and
/// `truth.json`. It is written under a hidden temporary name and renamed when complete, so a
/// folder named `study-…` is always whole. A cohort adds `manifest.tsv`.
public enum PhantomWriter {
  /// Columns of `manifest.tsv`, paths relative to the manifest; `truth` is the truth label map.
  public static let manifestColumns = ["study_id", "native", "arterial", "venous", "delayed", "t2", "adc", "liver_mask", "truth"]

  /// gzip level of the images: noise compresses poorly, so a fast level loses little size.
  static let compressionLevel: Int32 = 1

  /// Draws, renders and writes study `index` into `folder/<study id>`, and returns its truth.
  /// `truthOnly` writes `truth.json` alone (no images), for checking a cohort's statistics.
  @discardableResult
  public static func writeStudy(
    settings: PhantomSettings, index: Int, into folder: String, truthOnly: Bool = false, parallel: Bool = true
  ) throws(PhantomError) -> PhantomTruth {
    let drawClock = StageClock.start()
    let design = StudyDesign.draw(settings: settings, index: index)
    StageClock.record("phantom.draw", since: drawClock)
    let final = folder + "/" + design.studyID
    let temporary = folder + "/.\(design.studyID).partial-\(getpid())"
    try makeFolder(temporary)
    do {
      var truth: PhantomTruth
      if truthOnly {
        truth = PhantomTruth(design: design)
      } else {
        let images = StudyImages.render(design, parallel: parallel)
        truth = PhantomTruth(
          design: design, lesionLabelCounts: counts(images.lesionLabels, ids: design.lesions.count),
          mimicLabelCounts: counts(images.mimicLabels, ids: design.mimics.count))
        let writeClock = StageClock.start()
        try writeImages(images, to: temporary)
        StageClock.record("phantom.write", since: writeClock)
      }
      try writeJSON(truth, to: temporary + "/truth.json")
      try replace(final, with: temporary)
      return truth
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw error
    }
  }

  /// Writes studies `0..<count` of the cohort into `folder` (created if needed), `jobs`
  /// studies at a time, then `manifest.tsv`. Returns the truths in study order. `progress`
  /// is called after each study with the number done.
  public static func writeCohort(
    settings: PhantomSettings, count: Int, into folder: String, truthOnly: Bool = false, jobs: Int? = nil,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(PhantomError) -> [PhantomTruth] {
    try makeFolder(folder)
    let results = Results(count: count)
    let single = count == 1
    ParallelSlabs.forEach(count: count, maxThreads: jobs) { index in
      let outcome = Result { () throws(PhantomError) in
        try writeStudy(settings: settings, index: index, into: folder, truthOnly: truthOnly, parallel: single)
      }
      let done = results.store(outcome, at: index)
      progress?(done)
    }
    let truths = try results.values()
    if !truthOnly { try writeManifest(truths.map(\.studyId), to: folder + "/manifest.tsv") }
    return truths
  }

  static func writeImages(_ images: StudyImages, to folder: String) throws(PhantomError) {
    var options = NIfTIWriter.Options()
    options.compressionLevel = compressionLevel
    options.description = "HepaFoci phantom"
    do {
      for (modality, volume) in images.images.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        try NIfTIWriter.write(volume, to: folder + "/\(modality.fileStem).nii.gz", options: options)
      }
      try NIfTIWriter.write(images.liverMask, to: folder + "/liver_mask.nii.gz", options: options)
      try NIfTIWriter.write(images.lesionLabels, to: folder + "/truth_labels.nii.gz", options: options)
      try NIfTIWriter.write(images.mimicLabels, to: folder + "/truth_mimics.nii.gz", options: options)
    } catch {
      throw .from(error)
    }
  }

  /// Voxels per id 1...ids.
  static func counts(_ labels: LabelVolume, ids: Int) -> [Int] {
    Array(labels.voxelCounts(upTo: ids).dropFirst())
  }

  static func writeManifest(_ studyIDs: [String], to path: String) throws(PhantomError) {
    var text = manifestColumns.joined(separator: "\t") + "\n"
    for id in studyIDs {
      let files = ["native", "arterial", "venous", "delayed", "t2", "adc", "liver_mask", "truth_labels"].map { "\(id)/\($0).nii.gz" }
      text += ([id] + files).joined(separator: "\t") + "\n"
    }
    do {
      try AtomicFile.write(path, bytes: text.utf8)
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
  }

  /// Sorted keys and fixed formatting, so the same study always gives the same bytes.
  static func writeJSON<T: Encodable>(_ value: T, to path: String) throws(PhantomError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data: Data
    do { data = try encoder.encode(value) } catch {
      throw .writeFailed(path: path, reason: "cannot be encoded: \(error)")
    }
    do {
      try AtomicFile.write(path, bytes: data)
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
  }

  static func makeFolder(_ path: String) throws(PhantomError) {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .cannotCreate(path: path, reason: error.localizedDescription)
    }
  }

  /// Puts the complete folder `temporary` at `final`, replacing an older one.
  static func replace(_ final: String, with temporary: String) throws(PhantomError) {
    let manager = FileManager.default
    var old: String?
    if manager.fileExists(atPath: final) {
      old = final + ".old-\(getpid())"
      do {
        try manager.moveItem(atPath: final, toPath: old!)
      } catch {
        throw .writeFailed(path: final, reason: "cannot move the existing folder aside: \(error.localizedDescription)")
      }
    }
    guard rename(temporary, final) == 0 else {
      let reason = String(cString: strerror(errno))
      if let old { _ = rename(old, final) }
      throw .writeFailed(path: final, reason: reason)
    }
    if let old { try? manager.removeItem(atPath: old) }
  }

  /// Results of parallel studies, collected under a lock.
  final class Results: @unchecked Sendable {
    private var outcomes: [Result<PhantomTruth, PhantomError>?]
    private var done = 0
    private let lock = NSLock()

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func store(_ outcome: Result<PhantomTruth, PhantomError>, at index: Int) -> Int {
      lock.lock()
      defer { lock.unlock() }
      outcomes[index] = outcome
      done += 1
      return done
    }

    func values() throws(PhantomError) -> [PhantomTruth] {
      var truths: [PhantomTruth] = []
      for outcome in outcomes {
        switch outcome {
        case .success(let t): truths.append(t)
        case .failure(let e): throw e
        case nil: preconditionFailure("every study reports")
        }
      }
      return truths
    }
  }
}

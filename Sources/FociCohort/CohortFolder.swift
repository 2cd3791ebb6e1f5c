import FociCore
import Foundation

/// A cohort's output folder: one subfolder per study, named by its study id, each either
/// complete or absent. A study is written into a hidden partial folder that is renamed into
/// place, so a run killed at any moment leaves finished studies whole and nothing else that
/// counts; the cohort files (studies.tsv, lesions.tsv, cohort.json, failures.tsv) sit beside.
public struct CohortFolder: Sendable {
  public let path: String

  /// What a study's folder holds.
  public enum StudyState: Sendable {
    case done(LesionsDocument)
    case failed(StudyFailure)
    /// No folder, or one that cannot be read as either.
    case absent
  }

  static let partialPrefix = ".partial-"

  /// Opens (and makes, with its parents) the folder at `path`.
  public init(creating path: String) throws(StudyError) {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw StudyError(stage: .write, kind: .cannotWrite, message: "\(path): the output folder cannot be made: \(error.localizedDescription)")
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
      throw StudyError(stage: .write, kind: .cannotWrite, message: "\(path): the output folder cannot be made: a file of that name exists")
    }
    self.path = path
  }

  /// Opens an existing folder without checking it.
  public init(existing path: String) {
    self.path = path
  }

  public func studyPath(_ id: String) -> String { path + "/" + id }

  /// Writes study `id`: `fill` writes into a fresh partial folder, which then takes the place of
  /// any earlier `id` folder. Process id and a counter keep concurrent runs sharing the folder
  /// (shards) apart.
  public func publish(_ id: String, _ fill: (String) throws(StudyError) -> Void) throws(StudyError) {
    let fm = FileManager.default
    let unique = "\(getpid())-\(Self.counter.next())"
    let partial = path + "/" + Self.partialPrefix + id + "-" + unique
    do {
      try fm.createDirectory(atPath: partial, withIntermediateDirectories: false)
    } catch {
      throw StudyError(stage: .write, kind: .cannotWrite, message: "\(partial): cannot be made: \(error.localizedDescription)")
    }
    do {
      try fill(partial)
    } catch {
      try? fm.removeItem(atPath: partial)
      throw error
    }
    let final = studyPath(id)
    // rename(2) replaces only an empty folder: move the old one aside first. If killed between
    // the two renames the study is absent, which a resumed run redoes.
    let old = path + "/" + Self.partialPrefix + id + "-" + unique + "-old"
    let hadOld = rename(final, old) == 0
    guard rename(partial, final) == 0 else {
      let reason = String(cString: strerror(errno))
      if hadOld { _ = rename(old, final) }
      try? fm.removeItem(atPath: partial)
      throw StudyError(stage: .write, kind: .cannotWrite, message: "\(final): cannot be put in place: \(reason)")
    }
    if hadOld { try? fm.removeItem(atPath: old) }
  }

  /// Removes partial folders of the given studies, left by a killed run.
  public func removePartials(of ids: Set<String>) {
    let fm = FileManager.default
    for name in (try? fm.contentsOfDirectory(atPath: path)) ?? [] where name.hasPrefix(Self.partialPrefix) {
      let rest = name.dropFirst(Self.partialPrefix.count)
      // "<id>-<pid>-<n>[-old]": the id is what precedes the pid.
      var parts = rest.split(separator: "-", omittingEmptySubsequences: false)
      if parts.last == "old" { parts.removeLast() }
      guard parts.count >= 3 else { continue }
      let id = parts.dropLast(2).joined(separator: "-")
      if ids.contains(id) { try? fm.removeItem(atPath: path + "/" + name) }
    }
  }

  /// The state of study `id`'s folder.
  public func state(of id: String) -> StudyState {
    let folder = studyPath(id)
    if let data = FileManager.default.contents(atPath: folder + "/lesions.json"),
      FileManager.default.fileExists(atPath: folder + "/labels.nii.gz"),
      let document = try? LesionsDocument.decode(data)
    {
      return .done(document)
    }
    if let data = FileManager.default.contents(atPath: folder + "/failure.json"),
      let failure = try? OutputJSON.decoder.decode(StudyFailure.self, from: data)
    {
      return .failed(failure)
    }
    return .absent
  }

  /// Ids of the study folders present (done or failed), in byte order of the id.
  public func studyIDs() -> [String] {
    let fm = FileManager.default
    return ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { name in
      guard !name.hasPrefix("."), StudyManifest.isSafeStudyID(name) else { return false }
      return fm.fileExists(atPath: path + "/" + name + "/lesions.json") || fm.fileExists(atPath: path + "/" + name + "/failure.json")
    }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  private static let counter = Counter()
}

/// failure.json: why a study of a cohort has no results.
public struct StudyFailure: Sendable, Codable, Equatable {
  public var schema = "hepafoci.failure"
  public var schemaVersion = "1.0.0"
  public var studyID: String
  public var stage: StudyError.Stage
  public var kind: StudyError.Kind
  public var message: String

  public init(studyID: String, error: StudyError) {
    self.studyID = studyID
    stage = error.stage
    kind = error.kind
    message = error.message
  }
}

/// A thread-safe increasing counter.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}

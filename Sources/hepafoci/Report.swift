import ArgumentParser
import FociCohort
import FociReport
import Foundation

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw QC pictures of analysed studies and a cohort page.",
    discussion: """
      For an `analyze` output folder (holding lesions.json), writes montage.png: a row per \
      lesion shown (the 6 largest, then every flagged one) with the axial slice through it \
      in the arterial phase, the subtraction and the venous phase, cropped around it and \
      zoomed, and a sweep of 8 evenly spaced slices through the liver; every lesion outlined \
      in its class colour (green lesion, cyan small, orange arterial-only, magenta \
      shunt-like) with its id beside it; intensities windowed between the 1st and 99.5th \
      percentiles of the liver; anterior up, the patient's left on the right. Also \
      thumbnail.png. The images are read again from the paths lesions.json records. \
      For a `cohort` output folder, does so for every analysed study and writes report.html: \
      one self-contained page (inline SVG, embedded thumbnails) with SPEC §7's table beside \
      the clinical figures, histograms of lesion diameter and burden, class shares, the \
      failures and a row per study linking its montage.
      """)

  @Argument(help: "Study or cohort output folders.", completion: .directory) var folders: [String]

  func validate() throws {
    guard !folders.isEmpty else { throw ValidationError("Give at least one output folder.") }
  }

  func run() throws {
    // Each failed study is reported; the exit code is the first failure's (66 for an input
    // that lesions.json records but that is gone, 65 for a damaged one, 73 for output).
    var firstFailure: StudyError?
    for folder in folders {
      if FileManager.default.fileExists(atPath: folder + "/lesions.json") {
        do {
          try Self.studyPictures(folder, title: Self.name(of: folder))
          print("written: \(folder)/\(StudyQualityControl.montageName), \(folder)/\(StudyQualityControl.thumbnailName)")
        } catch {
          ExitStatus.report(error.message)
          firstFailure = firstFailure ?? error
        }
        continue
      }
      let cohort = CohortFolder(existing: folder)
      let ids = cohort.studyIDs()
      guard !ids.isEmpty else {
        ExitStatus.report("\(folder): neither an analyze output (no lesions.json) nor a cohort output (no study folders)")
        throw ExitCode(ExitStatus.noInput)
      }
      if let failed = Self.cohortPictures(cohort, ids: ids, onlyMissing: false).first { firstFailure = firstFailure ?? failed }
      do { try CohortReportPage.write(CohortTables.summarize(folder: cohort, ids: ids), folder: cohort) } catch {
        ExitStatus.report(error.message)
        throw ExitCode(ExitStatus.cannotCreate)
      }
      print("written: \(folder)/\(CohortReportPage.fileName) and the montages of \(ids.count) studies")
    }
    if let firstFailure { throw ExitCode(ExitStatus.code(for: firstFailure)) }
  }

  static func name(of folder: String) -> String {
    URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
  }

  /// The pictures of one study output folder, from its files.
  static func studyPictures(_ folder: String, title: String) throws(StudyError) {
    let (scene, _) = try StudyQualityControl.scene(ofOutput: folder)
    try StudyQualityControl.write(scene, title: title, into: folder)
  }

  /// The pictures of every analysed study of a cohort folder (only those without a montage
  /// when `onlyMissing`), two studies at a time; returns the failures in study order (each
  /// reported).
  @discardableResult
  static func cohortPictures(_ cohort: CohortFolder, ids: [String], onlyMissing: Bool) -> [StudyError] {
    let todo = ids.filter { id in
      FileManager.default.fileExists(atPath: cohort.studyPath(id) + "/lesions.json")
        && !(onlyMissing && FileManager.default.fileExists(atPath: cohort.studyPath(id) + "/" + StudyQualityControl.montageName))
    }
    let results = concurrentResults(count: todo.count) { n in
      Result { () throws(StudyError) in try studyPictures(cohort.studyPath(todo[n]), title: todo[n]) }
    }
    var failures: [StudyError] = []
    for case .failure(let error) in results {
      ExitStatus.report(error.message)
      failures.append(error)
    }
    return failures
  }
}

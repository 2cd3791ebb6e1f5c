import ArgumentParser
import FociCohort
import FociReport
import Foundation

struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Combine the outputs of cohort shards into the files of a single run.",
    discussion: """
      Each DIR is a `cohort` output folder (of a shard, of --study runs, or of a whole run). \
      Study folders of DIRs other than --out are copied into it (a study id found in two DIRs \
      is an error, before anything is copied); then studies.tsv, lesions.tsv, failures.tsv and \
      cohort.json are written for every study folder of --out, exactly as `cohort` writes them. \
      With one DIR, --out defaults to it.
      """)

  @Argument(help: "Cohort output folders.", completion: .directory) var folders: [String]
  @Option(help: "Folder receiving the merged cohort (default: the only DIR).", completion: .directory) var out: String?
  @Flag(help: "Also write report.html (see `hepafoci report`; montages missing are drawn).") var report = false

  func validate() throws {
    guard !folders.isEmpty else { throw ValidationError("Give at least one cohort output folder.") }
    guard out != nil || folders.count == 1 else { throw ValidationError("Give --out when merging several folders.") }
  }

  func run() throws {
    let target = out ?? folders[0]
    let fm = FileManager.default
    var owner: [String: String] = [:]
    for dir in folders {
      var isFolder: ObjCBool = false
      guard fm.fileExists(atPath: dir, isDirectory: &isFolder), isFolder.boolValue else {
        ExitStatus.report("\(dir): no such folder")
        throw ExitCode(ExitStatus.noInput)
      }
      for id in CohortFolder(existing: dir).studyIDs() {
        if let other = owner[id], !Self.same(other, dir) {
          ExitStatus.report("study '\(id)' is in both \(other) and \(dir)")
          throw ExitCode(ExitStatus.dataError)
        }
        owner[id] = dir
      }
    }
    let destination: CohortFolder
    do { destination = try CohortFolder(creating: target) } catch {
      ExitStatus.report(error.message)
      throw ExitCode(ExitStatus.cannotCreate)
    }
    do {
      for (id, dir) in owner.sorted(by: { $0.key < $1.key }) where !Self.same(dir, target) {
        let source = dir + "/" + id
        try destination.publish(id) { (partial: String) throws(StudyError) in
          do {
            for name in try fm.contentsOfDirectory(atPath: source) {
              try fm.copyItem(atPath: source + "/" + name, toPath: partial + "/" + name)
            }
          } catch {
            throw StudyError(stage: .write, kind: .cannotWrite, message: "\(source): cannot be copied: \(error.localizedDescription)")
          }
        }
      }
      let ids = destination.studyIDs()
      let summary = CohortTables.summarize(folder: destination, ids: ids)
      try CohortTables.write(summary.files, into: destination)
      print("\(ids.count) studies merged into \(target)/ (studies.tsv, lesions.tsv, failures.tsv, cohort.json)")
      print(ReferenceTable.text(summary.document.statistics))
      if report {
        _ = Report.cohortPictures(destination, ids: ids, onlyMissing: true)
        try CohortReportPage.write(summary, folder: destination)
        print("written: \(target)/\(CohortReportPage.fileName)")
      }
    } catch {
      ExitStatus.report(error.message)
      throw ExitCode(ExitStatus.code(for: error))
    }
  }

  /// Whether two paths name the same folder.
  static func same(_ a: String, _ b: String) -> Bool {
    URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath() == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath()
  }
}

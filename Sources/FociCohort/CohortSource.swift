import Foundation

/// The studies of a cohort: a manifest (tab-separated, `study_id` and a column per role, as
/// the phantom writes), a folder holding `manifest.tsv`, or a folder of study folders (each
/// holding the phantom's file names; the folder name is the study id).
public enum CohortSource {
  /// Manifest columns every row must fill.
  public static let requiredColumns = ["native", "arterial", "liver_mask"]

  /// Every study of `path`, in manifest order (or by folder name). Rejects, before any work,
  /// a manifest without a required column, with a repeated or unsafe study id, or a folder
  /// without studies.
  public static func jobs(_ path: String) throws(ManifestError) -> [CohortRun.Job] {
    let fm = FileManager.default
    var isFolder: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isFolder) else { throw ManifestError(path: path, line: nil, reason: "no such file or folder") }
    if !isFolder.boolValue || fm.fileExists(atPath: path + "/manifest.tsv") {
      let manifest = try StudyManifest(isFolder.boolValue ? path + "/manifest.tsv" : path, required: requiredColumns)
      return manifest.rows.map { row in
        let files = StudyFiles(row: row, columns: manifest.columns)
        return CohortRun.Job(id: row.studyID, files: files.missingFile().map { .failure($0) } ?? .success(files))
      }
    }
    let names = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    }
    var jobs: [CohortRun.Job] = []
    for name in names {
      let folder = StudyManifest.absolute(path + "/" + name)
      var sub: ObjCBool = false
      guard fm.fileExists(atPath: folder, isDirectory: &sub), sub.boolValue,
        StudyFiles.stems.contains(where: { stem in [".nii.gz", ".nii"].contains { fm.fileExists(atPath: folder + "/" + stem + $0) } })
      else { continue }
      guard StudyManifest.isSafeStudyID(name) else {
        throw ManifestError(path: folder, line: nil, reason: "'\(name)' is not a safe study id (letters, digits, '-', '_', '.')")
      }
      jobs.append(
        CohortRun.Job(
          id: name, files: Result { () throws(StudyError) -> StudyFiles in try StudyFiles(folder: folder) }))
    }
    guard !jobs.isEmpty else {
      throw ManifestError(path: path, line: nil, reason: "no manifest.tsv and no study folders (holding native.nii.gz, arterial.nii.gz...)")
    }
    return jobs
  }

  /// The jobs of shard `index` of `count` (0-based): every `count`-th study from the
  /// `index`-th, so shards get similar mixes of the manifest's order.
  public static func shard(_ jobs: [CohortRun.Job], index: Int, count: Int) -> [CohortRun.Job] {
    jobs.enumerated().filter { $0.offset % count == index }.map(\.element)
  }
}

extension StudyFiles {
  /// The first input that does not exist, as an `inputs` error naming it and its role.
  func missingFile() -> StudyError? {
    for (role, path) in roles where !FileManager.default.fileExists(atPath: path) {
      return StudyError(stage: .inputs, kind: .missingInput, message: "\(path): no such file (\(role))")
    }
    return nil
  }
}

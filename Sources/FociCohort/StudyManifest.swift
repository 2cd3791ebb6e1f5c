import Foundation

/// A cohort manifest: tab-separated, a header row naming the columns, `study_id` first-class,
/// one row per study, paths relative to the manifest's folder (absolute paths kept; both are
/// resolved to absolute paths), empty cells for missing optional files. The phantom writes one;
/// `cohort` and `evaluate` read it.
public struct StudyManifest: Sendable {
  public struct Row: Sendable {
    public var studyID: String
    /// Resolved path per column (non-empty cells only).
    public var paths: [String: String]

    public init(studyID: String, paths: [String: String]) {
      self.studyID = studyID
      self.paths = paths
    }
  }

  public let path: String
  public let columns: [String]
  public let rows: [Row]

  /// Reads and checks the manifest at `path`: `required` columns present, study ids unique
  /// and safe as folder names (letters, digits, '-', '_', '.'; never '.' or '..'), every row
  /// as wide as the header. Errors name the file and the line.
  public init(_ path: String, required: [String]) throws(ManifestError) {
    self.path = path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ManifestError(path: path, line: nil, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw ManifestError(path: path, line: nil, reason: "not UTF-8 text") }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    guard let header = lines.first, !header.isEmpty else { throw ManifestError(path: path, line: 1, reason: "no header row") }
    columns = header.split(separator: "\t", omittingEmptySubsequences: false).map { String($0) }
    for name in ["study_id"] + required where !columns.contains(name) {
      throw ManifestError(path: path, line: 1, reason: "no \(name) column (columns: \(columns.joined(separator: ", ")))")
    }
    // Absolute, so the paths recorded in outputs (lesions.json) stay valid from any folder.
    let folder = Self.absolute((path as NSString).deletingLastPathComponent)
    var seen: [String: Int] = [:]
    var rows: [Row] = []
    for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
      let number = index + 1
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0) }
      guard cells.count == columns.count else {
        throw ManifestError(path: path, line: number, reason: "\(cells.count) cells for \(columns.count) columns")
      }
      var values: [String: String] = [:]
      for (column, cell) in zip(columns, cells) { values[column] = cell.trimmingCharacters(in: .whitespaces) }
      let id = values["study_id"]!
      guard Self.isSafeStudyID(id) else {
        throw ManifestError(
          path: path, line: number, reason: "study_id '\(id)' is not a safe folder name (letters, digits, '-', '_', '.'; not '.' or '..')")
      }
      if let first = seen[id] { throw ManifestError(path: path, line: number, reason: "study_id '\(id)' repeats line \(first)") }
      seen[id] = number
      for column in required where values[column]?.isEmpty ?? true {
        throw ManifestError(path: path, line: number, reason: "study '\(id)' has no \(column)")
      }
      var paths: [String: String] = [:]
      for (column, value) in values where column != "study_id" && !value.isEmpty {
        paths[column] = value.hasPrefix("/") ? value : folder + "/" + value
      }
      rows.append(Row(studyID: id, paths: paths))
    }
    guard !rows.isEmpty else { throw ManifestError(path: path, line: nil, reason: "no studies") }
    self.rows = rows
  }

  /// `path` made absolute against the working directory (and "." dropped).
  public static func absolute(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + (path.isEmpty ? "" : "/" + path)
    return URL(fileURLWithPath: full).standardizedFileURL.path
  }

  public static func isSafeStudyID(_ id: String) -> Bool {
    !id.isEmpty && id != "." && id != ".."
      && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
  }
}

public struct ManifestError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var line: Int?
  public var reason: String

  public init(path: String, line: Int?, reason: String) {
    self.path = path
    self.line = line
    self.reason = reason
  }

  public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

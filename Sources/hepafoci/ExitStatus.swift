import ArgumentParser
import FociCohort
import FociNIfTI
import Foundation

/// Maps library errors to BSD sysexits codes, so cohort scripts can tell a missing file from a
/// damaged one without parsing messages.
enum ExitStatus {
  static let dataError: Int32 = 65
  static let noInput: Int32 = 66
  static let cannotCreate: Int32 = 73

  static func code(for error: NIfTIError) -> Int32 {
    switch error {
    case .missingFile, .unreadable: noInput
    case .writeFailed: cannotCreate
    default: dataError
    }
  }

  /// Runs a command's work; a `NIfTIError` becomes one line on stderr and its exit code.
  static func mappingInputErrors(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as NIfTIError {
      report(error.description)
      throw ExitCode(code(for: error))
    }
  }

  static func code(for error: StudyError) -> Int32 {
    switch error.kind {
    case .missingInput: noInput
    case .badData: dataError
    case .cannotWrite: cannotCreate
    }
  }

  /// Runs one study's work: a `StudyError` (or `NIfTIError`) becomes one line on stderr and
  /// its exit code.
  static func mappingStudyErrors(_ body: () throws -> Void) throws {
    do {
      try mappingInputErrors(body)
    } catch let error as StudyError {
      report(error.message)
      throw ExitCode(code(for: error))
    }
  }

  /// Prints `message` as one line on standard error.
  static func report(_ message: String) {
    FileHandle.standardError.write(Data(("hepafoci: error: " + message + "\n").utf8))
  }

  /// Makes `path` and its missing parents, like `mkdir -p`. A failure is one line naming the
  /// folder and the system's reason (e.g. "Not a directory"), and exit 73.
  static func makeOutputFolder(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o755) != 0, errno != EEXIST {
        report("\(path): the output folder cannot be made: \(String(cString: strerror(errno)))")
        throw ExitCode(cannotCreate)
      }
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
      report("\(path): the output folder cannot be made: a file of that name exists")
      throw ExitCode(cannotCreate)
    }
  }
}

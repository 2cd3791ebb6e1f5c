import ArgumentParser
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

  /// Prints `message` as one line on standard error.
  static func report(_ message: String) {
    FileHandle.standardError.write(Data(("hepafoci: error: " + message + "\n").utf8))
  }
}

import FociAnalysis
import FociNIfTI

/// Why one study could not be analysed: the stage it failed in and one line naming the file
/// at fault. `analyze` turns it into an exit code; `cohort` into a row of failures.tsv.
public struct StudyError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Stage: String, Sendable, Codable, CaseIterable {
    /// Finding the files (a required role missing, no such folder).
    case inputs
    /// Reading and decoding them.
    case read
    /// Analysis (grids differ, empty mask, blank phase...).
    case analyze
    /// Writing the outputs.
    case write
  }

  /// What kind of fault, for the exit code: missing input, bad data, or unwritable output.
  public enum Kind: String, Sendable, Codable {
    case missingInput, badData, cannotWrite
  }

  public var stage: Stage
  public var kind: Kind
  public var message: String

  public init(stage: Stage, kind: Kind, message: String) {
    self.stage = stage
    self.kind = kind
    self.message = message
  }

  /// A reading or writing error of niftilib's side, which names its file itself.
  public init(_ error: NIfTIError, stage: Stage) {
    let kind: Kind =
      switch error {
      case .missingFile, .unreadable: .missingInput
      case .writeFailed: .cannotWrite
      default: .badData
      }
    self.init(stage: stage, kind: kind, message: error.description)
  }

  public var description: String { message }
}

import FociNIfTI

/// Why a phantom could not be written. Each case names the path.
public enum PhantomError: Error, Sendable, Equatable, CustomStringConvertible {
  case cannotCreate(path: String, reason: String)
  case writeFailed(path: String, reason: String)

  public var path: String {
    switch self {
    case .cannotCreate(let p, _), .writeFailed(let p, _): p
    }
  }

  public var description: String {
    switch self {
    case .cannotCreate(let p, let reason): "\(p): cannot create: \(reason)"
    case .writeFailed(let p, let reason): "\(p): could not be written: \(reason)"
    }
  }

  static func from(_ error: NIfTIError) -> PhantomError { .writeFailed(path: error.path, reason: error.description) }
}

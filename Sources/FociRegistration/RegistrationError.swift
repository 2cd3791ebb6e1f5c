/// Why two volumes could not be registered.
public enum RegistrationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The volumes (or the mask) do not sample the same points; resample them first.
  case gridsDiffer(String)
  /// The mask has no voxel inside the volume.
  case emptyMask

  public var description: String {
    switch self {
    case .gridsDiffer(let what): "\(what) do not occupy the same grid; they must be resampled onto one grid first"
    case .emptyMask: "the mask is empty, so there is no region to register"
    }
  }
}

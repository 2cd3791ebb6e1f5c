/// Which header field gave a grid its voxel-to-world map.
///
/// The choice follows niftilib and nibabel: the sform when its code is positive, else the
/// qform when its code is positive, else the voxel spacing on the diagonal.
public enum AffineSource: String, Sendable, Hashable, Codable {
  case sform, qform, pixdim
}

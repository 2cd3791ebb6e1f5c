import FociCore

/// A NIfTI file as read: its header and its voxels as a scaled `Float` volume.
public struct NIfTIImage: Sendable {
  /// The path that was read.
  public var path: String
  public var header: NIfTIHeader
  /// Samples after `scl_slope`/`scl_inter`, on the grid the header describes (lengths in mm).
  public var volume: Volume<Float>
}

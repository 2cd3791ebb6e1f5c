import FociCore

/// What a NIfTI header says, as niftilib interprets it, in Swift types.
public struct NIfTIHeader: Sendable, Hashable {
  /// 1 or 2.
  public var version: Int
  /// The sample type on disk.
  public var scalarType: ScalarType
  /// NIfTI `datatype` code.
  public var datatypeCode: Int
  /// `dim[0...dim[0]]`: the rank followed by each size.
  public var dims: [Int]
  /// `pixdim[0...7]` as niftilib reports them (in the header's spatial unit).
  public var pixdim: [Double]
  /// `scl_slope` and `scl_inter` as stored; see `scaling` for what is applied.
  public var sclSlope: Double
  public var sclInter: Double
  /// `qform_code`, `sform_code`.
  public var qformCode: Int
  public var sformCode: Int
  /// The qform and sform matrices niftilib computed (header units), 4×4 row-major.
  public var qformMatrix: AffineTransform
  public var sformMatrix: AffineTransform
  /// Quaternion b, c, d, offsets and qfac of the qform as stored.
  public var quaternion: SIMD3<Double>
  public var qoffset: SIMD3<Double>
  public var qfac: Double
  /// Spatial and time unit codes (NIfTI `NIFTI_UNITS_*`).
  public var xyzUnits: Int
  public var timeUnits: Int
  public var intentCode: Int
  /// Byte offset of the data in its file.
  public var voxOffset: Int
  /// Whether the file was written big-endian.
  public var isBigEndian: Bool
  /// The header's free-text description.
  public var descrip: String

  /// The (slope, intercept) applied to samples: nil when `scl_slope` is 0 or not finite,
  /// which NIfTI defines as "no scaling".
  public var scaling: (slope: Double, intercept: Double)? {
    guard sclSlope != 0, sclSlope.isFinite else { return nil }
    return (sclSlope, sclInter)
  }

  /// Millimetres per header spatial unit: 1000 for metres, 0.001 for micrometres, 1 for mm
  /// or unknown (which is how every common tool reads an unset unit).
  public var millimetresPerUnit: Double {
    switch xyzUnits {
    case 1: 1000
    case 3: 0.001
    default: 1
    }
  }

  /// The header's choice of voxel-to-world map and its source: sform when `sform_code` > 0,
  /// else qform when `qform_code` > 0, else the spacing diagonal (niftilib's and nibabel's
  /// precedence). In header units.
  public var bestAffine: (AffineTransform, AffineSource) {
    if sformCode > 0 { return (sformMatrix, .sform) }
    if qformCode > 0 { return (qformMatrix, .qform) }
    return (.diagonal(spacing: SIMD3(pixdim[1], pixdim[2], pixdim[3])), .pixdim)
  }

  public static func == (l: NIfTIHeader, r: NIfTIHeader) -> Bool {
    l.version == r.version && l.datatypeCode == r.datatypeCode && l.dims == r.dims
      && l.pixdim == r.pixdim && l.sclSlope.bitPattern == r.sclSlope.bitPattern
      && l.sclInter.bitPattern == r.sclInter.bitPattern && l.qformCode == r.qformCode
      && l.sformCode == r.sformCode && l.qformMatrix == r.qformMatrix
      && l.sformMatrix == r.sformMatrix && l.quaternion == r.quaternion && l.qoffset == r.qoffset
      && l.qfac == r.qfac && l.xyzUnits == r.xyzUnits && l.timeUnits == r.timeUnits
      && l.intentCode == r.intentCode && l.voxOffset == r.voxOffset
      && l.isBigEndian == r.isBigEndian && l.descrip == r.descrip
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(version)
    hasher.combine(dims)
    hasher.combine(datatypeCode)
    hasher.combine(sformMatrix)
  }
}

/// The orientation fields of the header a grid was read from, kept verbatim so that a volume
/// written on this grid (a label map, a subtraction) repeats them bit for bit and opens
/// exactly over its source in any viewer.
///
/// Values are held as `Double`; a NIfTI-1 source stored them as `Float`, which converts back
/// without loss.
public struct HeaderOrientation: Sendable, Hashable {
  /// NIfTI `qform_code` (0 = unknown, 1 = scanner, 2 = aligned, 3 = Talairach, 4 = MNI, 5 = template).
  public var qformCode: Int
  /// NIfTI `sform_code`, same meanings as `qformCode`.
  public var sformCode: Int
  /// Quaternion parameters b, c, d of the qform rotation.
  public var quaternion: SIMD3<Double>
  /// Offsets of the qform, in the header's spatial unit.
  public var qoffset: SIMD3<Double>
  /// `pixdim[0]`: -1 flips the third axis of the qform, anything else means +1.
  public var qfac: Double
  /// Rows `srow_x`, `srow_y`, `srow_z` of the sform, in the header's spatial unit.
  public var sformRows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
  /// Header `pixdim[1...3]` as stored, in the header's spatial unit.
  public var pixdim: SIMD3<Double>
  /// NIfTI `xyzt_units` byte (spatial unit in bits 0-2, time unit in bits 3-5).
  public var xyztUnits: Int

  public init(
    qformCode: Int, sformCode: Int, quaternion: SIMD3<Double>, qoffset: SIMD3<Double>,
    qfac: Double, sformRows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>),
    pixdim: SIMD3<Double>, xyztUnits: Int
  ) {
    self.qformCode = qformCode
    self.sformCode = sformCode
    self.quaternion = quaternion
    self.qoffset = qoffset
    self.qfac = qfac
    self.sformRows = sformRows
    self.pixdim = pixdim
    self.xyztUnits = xyztUnits
  }

  public static func == (l: HeaderOrientation, r: HeaderOrientation) -> Bool {
    l.qformCode == r.qformCode && l.sformCode == r.sformCode && l.quaternion == r.quaternion
      && l.qoffset == r.qoffset && l.qfac == r.qfac && l.sformRows.0 == r.sformRows.0
      && l.sformRows.1 == r.sformRows.1 && l.sformRows.2 == r.sformRows.2
      && l.pixdim == r.pixdim && l.xyztUnits == r.xyztUnits
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(qformCode)
    hasher.combine(sformCode)
    hasher.combine(quaternion)
    hasher.combine(qoffset)
    hasher.combine(sformRows.0)
    hasher.combine(pixdim)
  }
}

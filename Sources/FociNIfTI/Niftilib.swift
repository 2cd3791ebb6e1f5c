import CNIfTI
import FociCore

/// Every call into niftilib, in one file. C pointers and niftilib's structs stay here.
enum Niftilib {
  /// niftilib's name for a datatype code ("COMPLEX64", "RGB24", ...), lower-cased.
  static func datatypeName(code: Int) -> String {
    guard let name = nifti_datatype_to_string(Int32(truncatingIfNeeded: code)) else { return "unknown" }
    var text = String(cString: name).lowercased()
    for prefix in ["nifti_type_", "dt_"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
    return text
  }

  /// Voxels and bytes per voxel of the image at `path` from its header alone (niftilib reads
  /// through zlib, so a .nii.gz is inflated only as far as its header); nil when niftilib
  /// cannot read it.
  static func peekSize(_ path: String) -> (voxels: Int, bytesPerVoxel: Int)? {
    guard let nim = nifti_image_read(path, 0) else { return nil }
    defer { nifti_image_free(nim) }
    return (Int(nim.pointee.nvox), Int(nim.pointee.nbyper))
  }

  /// niftilib's reading of a header that `HeaderPrecheck` accepted.
  /// Returns nil only if niftilib refuses it after all.
  static func describeHeader(_ bytes: UnsafeRawBufferPointer, path: String, precheck: HeaderPrecheck) -> NIfTIHeader? {
    guard let nim = cnifti_image_from_header(bytes.baseAddress, bytes.count, path) else { return nil }
    defer { nifti_image_free(nim) }
    let n = nim.pointee
    var dims = [Int]()
    withUnsafeBytes(of: n.dim) { raw in
      for a in 0..<8 { dims.append(Int(raw.load(fromByteOffset: 8 * a, as: Int64.self))) }
    }
    var pixdim = [Double]()
    withUnsafeBytes(of: n.pixdim) { raw in
      for a in 0..<8 { pixdim.append(raw.load(fromByteOffset: 8 * a, as: Double.self)) }
    }
    let descrip = withUnsafeBytes(of: n.descrip) { raw -> String in
      let bytes = raw.prefix(while: { $0 != 0 })
      return String(decoding: bytes, as: UTF8.self)
    }
    return NIfTIHeader(
      version: precheck.version,
      scalarType: precheck.scalarType,
      datatypeCode: Int(n.datatype),
      dims: Array(dims[0...Swift.max(1, Swift.min(7, dims[0]))]),
      pixdim: pixdim,
      sclSlope: n.scl_slope,
      sclInter: n.scl_inter,
      qformCode: Int(n.qform_code),
      sformCode: Int(n.sform_code),
      qformMatrix: affine(n.qto_xyz),
      sformMatrix: affine(n.sto_xyz),
      quaternion: SIMD3(n.quatern_b, n.quatern_c, n.quatern_d),
      qoffset: SIMD3(n.qoffset_x, n.qoffset_y, n.qoffset_z),
      qfac: n.qfac,
      xyzUnits: Int(n.xyz_units),
      timeUnits: Int(n.time_units),
      intentCode: Int(n.intent_code),
      voxOffset: precheck.voxOffset,
      isBigEndian: n.byteorder == 2,  // niftilib's MSB_FIRST
      descrip: descrip)
  }

  /// Quaternion parameters (b, c, d), offset and qfac of the rigid part of `affine`,
  /// computed the way niftilib writes a qform.
  static func quaternionForm(of affine: AffineTransform) -> (quaternion: SIMD3<Double>, offset: SIMD3<Double>, qfac: Double) {
    var qb = 0.0, qc = 0.0, qd = 0.0, qx = 0.0, qy = 0.0, qz = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
    nifti_dmat44_to_quatern(dmat44(affine), &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
    return (SIMD3(qb, qc, qd), SIMD3(qx, qy, qz), qfac)
  }

  /// The qform matrix niftilib builds from quaternion fields and spacing.
  static func qformMatrix(quaternion q: SIMD3<Double>, offset o: SIMD3<Double>, pixdim p: SIMD3<Double>, qfac: Double) -> AffineTransform {
    affine(nifti_quatern_to_dmat44(q.x, q.y, q.z, o.x, o.y, o.z, p.x, p.y, p.z, qfac))
  }

  /// Header fields to encode. Arrays are indexed like the NIfTI fields.
  struct Fields {
    var dims: [Int64]
    var pixdim: [Double]
    var datatypeCode: Int
    var sclSlope = 1.0
    var sclInter = 0.0
    var calMin = 0.0
    var calMax = 0.0
    var qformCode: Int
    var sformCode: Int
    var quaternion: SIMD3<Double>
    var qoffset: SIMD3<Double>
    var sformRows: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
    var xyztUnits: Int
    var intentCode = 0
    var voxOffset: Int
    var descrip: String
  }

  /// A single-file header of `version` (1 or 2) in native byte order, or nil if niftilib
  /// judges the fields invalid.
  static func encodeHeader(_ fields: Fields, version: Int) -> [UInt8]? {
    var c = cnifti_fields()
    withUnsafeMutableBytes(of: &c.dim) { raw in
      for a in 0..<8 { raw.storeBytes(of: fields.dims[a], toByteOffset: 8 * a, as: Int64.self) }
    }
    withUnsafeMutableBytes(of: &c.pixdim) { raw in
      for a in 0..<8 { raw.storeBytes(of: fields.pixdim[a], toByteOffset: 8 * a, as: Double.self) }
    }
    c.datatype = Int32(fields.datatypeCode)
    c.scl_slope = fields.sclSlope
    c.scl_inter = fields.sclInter
    c.cal_min = fields.calMin
    c.cal_max = fields.calMax
    c.qform_code = Int32(fields.qformCode)
    c.sform_code = Int32(fields.sformCode)
    (c.quatern_b, c.quatern_c, c.quatern_d) = (fields.quaternion.x, fields.quaternion.y, fields.quaternion.z)
    (c.qoffset_x, c.qoffset_y, c.qoffset_z) = (fields.qoffset.x, fields.qoffset.y, fields.qoffset.z)
    let r = fields.sformRows
    c.srow_x = (r.0.x, r.0.y, r.0.z, r.0.w)
    c.srow_y = (r.1.x, r.1.y, r.1.z, r.1.w)
    c.srow_z = (r.2.x, r.2.y, r.2.z, r.2.w)
    c.xyzt_units = Int32(fields.xyztUnits)
    c.intent_code = Int32(fields.intentCode)
    c.vox_offset = Int64(fields.voxOffset)
    withUnsafeMutableBytes(of: &c.descrip) { raw in
      for (n, byte) in fields.descrip.utf8.prefix(79).enumerated() { raw[n] = byte }
    }
    var out = [UInt8](repeating: 0, count: cnifti_header_size(Int32(version)))
    let status = out.withUnsafeMutableBytes { cnifti_encode_header(&c, Int32(version), $0.baseAddress) }
    return status == 0 ? out : nil
  }

  private static func affine(_ m: nifti_dmat44) -> AffineTransform {
    withUnsafeBytes(of: m.m) { raw in
      func row(_ r: Int) -> SIMD4<Double> {
        SIMD4((0..<4).map { raw.load(fromByteOffset: 8 * (4 * r + $0), as: Double.self) })
      }
      return AffineTransform(rows: (row(0), row(1), row(2)))
    }
  }

  private static func dmat44(_ a: AffineTransform) -> nifti_dmat44 {
    var m = nifti_dmat44()
    let full = a.matrix
    withUnsafeMutableBytes(of: &m.m) { raw in
      for r in 0..<4 {
        for c in 0..<4 { raw.storeBytes(of: full[r][c], toByteOffset: 8 * (4 * r + c), as: Double.self) }
      }
    }
    return m
  }
}

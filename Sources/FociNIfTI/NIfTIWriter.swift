import FociCore

/// Writes volumes as single-file NIfTI (`.nii`, or `.nii.gz` compressed with libdeflate, or
/// ISA-L's igzip at level 1; see `Gzip.compressOnce`), in the geometry of their grid.
///
/// A grid read from a file carries its header's orientation fields, and these are written back
/// verbatim (qform and sform with their codes, pixdim, units), so a label map opens exactly over
/// its source in 3D Slicer or ITK-SNAP. A grid without them (or whose map no longer matches
/// them) gets an sform equal to its map and a qform of its rigid part, both coded "scanner".
///
/// Large `.nii.gz` files are compressed in parallel as several gzip members (RFC 1952 allows
/// any number; zlib, niftilib, nibabel, ITK and gzip(1) read them as one stream).
///
/// Output is NIfTI-1 unless the dims exceed 32,767 or a geometry value would lose precision as
/// a 32-bit float, then NIfTI-2. Files are written to a temporary name in the target folder and
/// renamed when complete: a reader never sees half a file, and a failed write leaves none.
public enum NIfTIWriter {
  /// Options that do not change the geometry.
  public struct Options: Sendable {
    /// gzip level for `.nii.gz` (1 fastest ... 12 smallest). Default 1, as nibabel: label
    /// maps are most of what is written, and level 6 made them only 5-30 % smaller for two to
    /// three times the time (libdeflate 1.14).
    public var compressionLevel: Int32 = 1
    /// NIfTI intent code (1002 = label map).
    public var intentCode = 0
    /// Display range written to `cal_min`/`cal_max` (0, 0 = none).
    public var displayRange: (min: Double, max: Double) = (0, 0)
    /// Header description, at most 79 bytes.
    public var description = "HepaFoci"

    public init() {}
  }

  /// Writes `volume` with its own voxel type on disk.
  public static func write<V: NIfTIScalar>(_ volume: Volume<V>, to path: String, options: Options = Options()) throws(NIfTIError) {
    let result = volume.voxels.withUnsafeBytes { raw in
      Result { () throws(NIfTIError) in
        try write(raw, type: V.scalarType, grid: volume.grid, to: path, options: options)
      }
    }
    try result.get()
  }

  /// Writes a label map as uint16 or uint32 (as stored), with the label intent and a display
  /// range of 0...maxLabel.
  public static func write(_ labels: LabelVolume, to path: String, options: Options = Options()) throws(NIfTIError) {
    var o = options
    o.intentCode = 1002
    o.displayRange = (0, Double(labels.maxLabel))
    switch labels.storage {
    case .uint16(let a):
      try write(Volume(grid: labels.grid, voxels: a), to: path, options: o)
    case .uint32(let a):
      try write(Volume(grid: labels.grid, voxels: a), to: path, options: o)
    }
  }

  /// Writes a label map produced piece by piece, as uint16 or uint32, with the label intent
  /// and a display range of 0...`maxLabel`. `fill(range, destination)` writes bytes `range` of
  /// the native-endian samples (raster order, x fastest); it is called from several threads at
  /// once for disjoint ranges. A `.nii.gz` is compressed from buffers reused member by member,
  /// so the whole map never exists in memory; the file equals what writing the materialised map
  /// gives, byte for byte.
  public static func writeLabels(
    grid: Grid, type: ScalarType, maxLabel: UInt32, to path: String, options: Options = Options(),
    fill: @escaping @Sendable (Range<Int>, UnsafeMutableRawPointer) -> Void
  ) throws(NIfTIError) {
    precondition(type == .uint16 || type == .uint32, "label maps are uint16 or uint32")
    var o = options
    o.intentCode = 1002
    o.displayRange = (0, Double(maxLabel))
    try write(.generated(count: grid.voxelCount * type.byteCount, fill: fill), type: type, grid: grid, to: path, options: o)
  }

  /// Writes raw native-endian samples of `type` on `grid`.
  public static func write(
    _ raw: UnsafeRawBufferPointer, type: ScalarType, grid: Grid, to path: String, options: Options = Options()
  ) throws(NIfTIError) {
    precondition(raw.count == grid.voxelCount * type.byteCount, "sample bytes must match grid and type")
    try write(.bytes(raw), type: type, grid: grid, to: path, options: options)
  }

  /// Sample bytes in memory, or made on demand.
  enum Payload {
    case bytes(UnsafeRawBufferPointer)
    case generated(count: Int, fill: @Sendable (Range<Int>, UnsafeMutableRawPointer) -> Void)
  }

  static func write(_ payload: Payload, type: ScalarType, grid: Grid, to path: String, options: Options) throws(NIfTIError) {
    let lower = path.lowercased()
    let compressed = lower.hasSuffix(".nii.gz")
    guard compressed || lower.hasSuffix(".nii") else { throw .unsupportedFileName(path: path) }

    let (fields0, repeatsSource) = headerFields(grid: grid, type: type, options: options)
    var fields = fields0
    let version = needsNIfTI2(fields, keepPrecision: repeatsSource) ? 2 : 1
    // Header, 4 bytes of "no extensions", data at a multiple of 16.
    fields.voxOffset = version == 1 ? 352 : 544
    guard var header = Niftilib.encodeHeader(fields, version: version) else {
      throw .writeFailed(path: path, reason: "niftilib rejected the header fields")
    }
    header += [0, 0, 0, 0]

    if compressed {
      let level = options.compressionLevel
      let compression = header.withUnsafeBytes { h in
        Result { () throws(Gzip.Failure) in
          switch payload {
          case .bytes(let raw): try Gzip.compressInParallel(prefix: h, raw, level: level)
          case .generated(let count, let fill): try Gzip.compressInParallel(prefix: h, dataCount: count, level: level, fill: fill)
          }
        }
      }
      let members: [ByteBuffer]
      do {
        members = try compression.get()
      } catch .outOfMemory {
        throw .writeFailed(path: path, reason: "not enough memory")
      } catch {
        throw .writeFailed(path: path, reason: "compression failed")
      }
      try ByteBuffer.withBytes(of: members) { pieces throws(NIfTIError) in try FileAccess.writeAtomically(path, pieces: pieces) }
      return
    }
    switch payload {
    case .bytes(let raw):
      let result = header.withUnsafeBytes { h in
        Result { () throws(NIfTIError) in try FileAccess.writeAtomically(path, pieces: [h, raw]) }
      }
      try result.get()
    case .generated(let count, let fill):
      guard let data = ByteBuffer(capacity: count) else { throw .writeFailed(path: path, reason: "not enough memory") }
      // Filled in pieces of whole megabytes in parallel, as the compressed path would.
      let pieces = ParallelSlabs.ranges(total: count, pieces: Swift.max(1, Swift.min(64, count >> 20)))
      let target = UncheckedSendable(data.pointer)
      ParallelSlabs.forEach(count: pieces.count) { p in fill(pieces[p], target.value + pieces[p].lowerBound) }
      data.count = count
      let result = data.withBytes { bytes in
        header.withUnsafeBytes { h in
          Result { () throws(NIfTIError) in try FileAccess.writeAtomically(path, pieces: [h, bytes]) }
        }
      }
      try result.get()
    }
  }

  /// Header fields for `grid`, repeating its source header's orientation when that still
  /// describes the grid's map (then `repeatsSource` is true).
  static func headerFields(grid: Grid, type: ScalarType, options: Options) -> (fields: Niftilib.Fields, repeatsSource: Bool) {
    var dims = [Int64](repeating: 1, count: 8)
    dims[0] = 3
    (dims[1], dims[2], dims[3]) = (Int64(grid.dims.x), Int64(grid.dims.y), Int64(grid.dims.z))
    var pixdim = [Double](repeating: 1, count: 8)
    pixdim[0] = 1
    pixdim[4] = 0
    var fields: Niftilib.Fields
    let repeatsSource = grid.headerOrientation.map { orientationMatches($0, grid: grid) } ?? false
    if let o = grid.headerOrientation, repeatsSource {
      (pixdim[1], pixdim[2], pixdim[3]) = (o.pixdim.x, o.pixdim.y, o.pixdim.z)
      pixdim[0] = o.qfac
      fields = Niftilib.Fields(
        dims: dims, pixdim: pixdim, datatypeCode: NIfTIDatatype.code(of: type),
        qformCode: o.qformCode, sformCode: o.sformCode, quaternion: o.quaternion, qoffset: o.qoffset,
        sformRows: o.sformRows, xyztUnits: o.xyztUnits, voxOffset: 352, descrip: options.description)
    } else {
      let q = Niftilib.quaternionForm(of: grid.voxelToWorld)
      (pixdim[1], pixdim[2], pixdim[3]) = (grid.spacingMM.x, grid.spacingMM.y, grid.spacingMM.z)
      pixdim[0] = q.qfac
      fields = Niftilib.Fields(
        dims: dims, pixdim: pixdim, datatypeCode: NIfTIDatatype.code(of: type),
        qformCode: 1, sformCode: 1, quaternion: q.quaternion, qoffset: q.offset,
        sformRows: grid.voxelToWorld.rows, xyztUnits: 2, voxOffset: 352, descrip: options.description)
    }
    fields.intentCode = options.intentCode
    fields.calMin = options.displayRange.min
    fields.calMax = options.displayRange.max
    return (fields, repeatsSource)
  }

  /// Whether the stored orientation still yields the grid's map (a grid built anew from a
  /// read one, e.g. resampled, must not inherit stale header fields).
  static func orientationMatches(_ o: HeaderOrientation, grid: Grid) -> Bool {
    let mm: Double
    switch o.xyztUnits & 7 {
    case 1: mm = 1000
    case 3: mm = 0.001
    default: mm = 1
    }
    let map: AffineTransform
    switch grid.affineSource {
    case .sform: map = AffineTransform(rows: o.sformRows)
    case .qform: map = Niftilib.qformMatrix(quaternion: o.quaternion, offset: o.qoffset, pixdim: o.pixdim, qfac: o.qfac)
    case .pixdim: map = .diagonal(spacing: o.pixdim)
    }
    var rows = map.rows
    rows.0 *= mm
    rows.1 *= mm
    rows.2 *= mm
    let scale = Swift.max(1, grid.voxelToWorld.maxAbsDifference(AffineTransform(rows: (.zero, .zero, .zero))))
    return AffineTransform(rows: rows).maxAbsDifference(grid.voxelToWorld) <= 1e-9 * scale
      && grid.spacingMM == o.pixdim * mm
  }

  /// NIfTI-1 holds dims up to 32,767 and geometry as 32-bit floats. Geometry repeated from a
  /// source header must survive bit for bit, so a NIfTI-2 source whose values need 64 bits
  /// stays NIfTI-2; geometry made afresh is written at NIfTI-1 precision like other tools do.
  static func needsNIfTI2(_ f: Niftilib.Fields, keepPrecision: Bool) -> Bool {
    if f.dims.contains(where: { $0 > Int64(Int16.max) }) { return true }
    guard keepPrecision else { return false }
    var values = f.pixdim
    values += [f.quaternion.x, f.quaternion.y, f.quaternion.z, f.qoffset.x, f.qoffset.y, f.qoffset.z]
    for r in [f.sformRows.0, f.sformRows.1, f.sformRows.2] { values += [r.x, r.y, r.z, r.w] }
    return values.contains { Double(Float($0)) != $0 && $0.isFinite }
  }
}

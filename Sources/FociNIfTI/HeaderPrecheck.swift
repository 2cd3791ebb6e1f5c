import FociCore

/// The checks made on raw header bytes before niftilib sees them.
///
/// niftilib repairs some faults silently (a zero spacing becomes 1) and prints others to
/// stderr deep inside; HepaFoci wants each fault as a typed error naming the file, and wants
/// the data size known before anything large is allocated. So the fields that decide
/// validity are read here directly, in the header's own byte order.
struct HeaderPrecheck: Sendable {
  /// NIfTI version, 1 or 2.
  var version: Int
  /// Whether the header (and so the data) is big-endian on a little-endian machine or vice versa.
  var swapped: Bool
  /// Magic "n+1"/"n+2": data follows the header in the same file.
  var singleFile: Bool
  /// `dim[0...7]`.
  var dims: [Int]
  /// Voxel counts along i, j, k (1 for axes beyond the rank).
  var gridDims: SIMD3<Int>
  var scalarType: ScalarType
  /// Byte offset of the voxel data in its file.
  var voxOffset: Int
  /// Bytes of voxel data the header describes.
  var dataByteCount: Int

  /// Header size of each version in bytes.
  static let headerSize = (n1: 348, n2: 540)

  static func inspect(_ bytes: UnsafeRawBufferPointer, path: String, isPair: Bool) throws(NIfTIError) -> HeaderPrecheck {
    guard bytes.count >= headerSize.n1 else {
      throw .notNIfTI(path: path, reason: "only \(bytes.count) bytes, shorter than any NIfTI header")
    }
    let field = FieldReader(bytes: bytes, swapped: false)
    let sizeofHdr = field.int32(0)
    let version: Int
    let swapped: Bool
    switch sizeofHdr {
    case 348: (version, swapped) = (1, false)
    case Int32(348).byteSwapped: (version, swapped) = (1, true)
    case 540: (version, swapped) = (2, false)
    case Int32(540).byteSwapped: (version, swapped) = (2, true)
    default:
      throw .notNIfTI(path: path, reason: "header size field is \(sizeofHdr), not 348 (NIfTI-1) or 540 (NIfTI-2)")
    }
    let f = FieldReader(bytes: bytes, swapped: swapped)

    let singleFile: Bool
    var dims = [Int](repeating: 0, count: 8)
    var pixdim = [Double](repeating: 0, count: 8)
    let datatypeCode: Int
    let rawOffset: Double
    let slope: Double, inter: Double
    if version == 1 {
      let magic = Array(bytes[344..<348])
      if magic == Array("n+1\0".utf8) {
        singleFile = true
      } else if magic == Array("ni1\0".utf8) {
        singleFile = false
      } else {
        throw .notNIfTI(path: path, reason: "no NIfTI-1 magic (an ANALYZE 7.5 header has no defined orientation)")
      }
      for a in 0..<8 {
        dims[a] = Int(f.int16(40 + 2 * a))
        pixdim[a] = Double(f.float32(76 + 4 * a))
      }
      datatypeCode = Int(f.int16(70))
      rawOffset = Double(f.float32(108))
      (slope, inter) = (Double(f.float32(112)), Double(f.float32(116)))
    } else {
      guard bytes.count >= headerSize.n2 else {
        throw .notNIfTI(path: path, reason: "only \(bytes.count) bytes, shorter than a NIfTI-2 header")
      }
      let magic = Array(bytes[4..<12])
      if magic == Array("n+2\0\r\n\u{1A}\n".utf8) {
        singleFile = true
      } else if magic == Array("ni2\0\r\n\u{1A}\n".utf8) {
        singleFile = false
      } else {
        throw .notNIfTI(path: path, reason: "no NIfTI-2 magic, or its line-ending bytes were altered in transfer")
      }
      for a in 0..<8 {
        dims[a] = Int(f.int64(16 + 8 * a))
        pixdim[a] = f.float64(104 + 8 * a)
      }
      datatypeCode = Int(f.int16(12))
      rawOffset = Double(f.int64(168))
      (slope, inter) = (f.float64(176), f.float64(184))
    }
    if isPair == false, !singleFile {
      throw .notNIfTI(path: path, reason: "the header says its data is in a separate .img file, but this is a single-file name")
    }

    let rank = dims[0]
    guard (1...7).contains(rank) else {
      throw .badDimensions(path: path, dims: dims, reason: "dim[0] must be 1 to 7")
    }
    for a in 1...rank where dims[a] < 1 {
      throw .badDimensions(path: path, dims: dims, reason: "dim[\(a)] is \(dims[a]); every size must be at least 1")
    }
    let used = Array(dims[0...rank])
    if rank > 3, dims[4...rank].contains(where: { $0 > 1 }) {
      throw .notThreeDimensional(path: path, dims: Array(dims[1...rank]))
    }
    guard let scalarType = NIfTIDatatype.scalarType(code: datatypeCode) else {
      throw .unsupportedDatatype(path: path, code: datatypeCode, name: Niftilib.datatypeName(code: datatypeCode))
    }
    // niftilib quietly zeroes a non-finite intercept; nibabel refuses it, and so do we.
    if slope.isFinite, slope != 0, !inter.isFinite {
      throw .badScaling(path: path, slope: slope, intercept: inter)
    }
    let spatialRank = Swift.min(rank, 3)
    let spacing = Array(pixdim[1...3])
    for a in 1...spatialRank where !(pixdim[a].isFinite && pixdim[a] > 0) {
      throw .badSpacing(path: path, spacing: Array(spacing[0..<spatialRank]))
    }
    let grid = SIMD3(dims[1], rank >= 2 ? dims[2] : 1, rank >= 3 ? dims[3] : 1)
    var total = scalarType.byteCount
    for n in [grid.x, grid.y, grid.z] {
      let product = total.multipliedReportingOverflow(by: n)
      guard !product.overflow, product.partialValue < (1 << 48) else {
        throw .badDimensions(path: path, dims: Array(dims[1...rank]), reason: "the volume would exceed 256 TiB")
      }
      total = product.partialValue
    }
    guard rawOffset.isFinite, rawOffset >= 0, rawOffset < Double(1 << 48) else {
      throw .notNIfTI(path: path, reason: "vox_offset \(rawOffset) is not a valid byte offset")
    }
    var voxOffset = Int(rawOffset)
    // The standard reads a single-file offset below the header end as "right after it".
    if singleFile {
      let minimum = version == 1 ? headerSize.n1 + 4 : headerSize.n2 + 4
      voxOffset = Swift.max(voxOffset, minimum)
    }
    return HeaderPrecheck(
      version: version, swapped: swapped, singleFile: singleFile, dims: used, gridDims: grid,
      scalarType: scalarType, voxOffset: voxOffset, dataByteCount: total)
  }
}

/// Reads fixed-offset header fields, swapping bytes when the file's order is not the machine's.
private struct FieldReader {
  let bytes: UnsafeRawBufferPointer
  let swapped: Bool

  func int16(_ o: Int) -> Int16 {
    let v = bytes.loadUnaligned(fromByteOffset: o, as: Int16.self)
    return swapped ? v.byteSwapped : v
  }
  func int32(_ o: Int) -> Int32 {
    let v = bytes.loadUnaligned(fromByteOffset: o, as: Int32.self)
    return swapped ? v.byteSwapped : v
  }
  func int64(_ o: Int) -> Int64 {
    let v = bytes.loadUnaligned(fromByteOffset: o, as: Int64.self)
    return swapped ? v.byteSwapped : v
  }
  func float32(_ o: Int) -> Float {
    let v = bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)
    return Float(bitPattern: swapped ? v.byteSwapped : v)
  }
  func float64(_ o: Int) -> Double {
    let v = bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)
    return Double(bitPattern: swapped ? v.byteSwapped : v)
  }
}

import FociCore

/// Reads NIfTI-1 and NIfTI-2 images (`.nii`, `.nii.gz`, `.hdr`/`.img`, `.img.gz`), any byte
/// order, the ten real scalar datatypes, into `Float` volumes with lengths in mm.
///
/// Division of labour: HepaFoci reads the bytes (plain reads, or one-shot libdeflate for gzip,
/// several times zlib's speed), checks the fields that decide validity itself, then lets
/// niftilib interpret the header (qform and sform matrices, units, byte order), and finally
/// converts the samples in parallel. niftilib never opens a file, so the file read is always
/// exactly the one named.
///
/// ```swift
/// let image = try NIfTIReader.read("study/native.nii.gz")
/// print(image.volume.grid.dims, image.header.scaling as Any)
/// ```
public enum NIfTIReader {
  /// Reads the image at `path`. A 4D file holding a single volume reads as 3D, a 1D or 2D
  /// file as a volume one voxel thick; several volumes are an error.
  public static func read(_ path: String) throws(NIfTIError) -> NIfTIImage {
    let source = try load(path, readData: true)
    guard let data = source.data else { preconditionFailure("data requested") }
    let count = source.grid.voxelCount
    let voxels = data.withBytes { bytes in
      SampleDecoder.decode(
        UnsafeRawBufferPointer(rebasing: bytes[source.dataOffset...]),
        type: source.precheck.scalarType, count: count, swapped: source.precheck.swapped,
        scaling: source.header.scaling)
    }
    let volume = Volume(grid: source.grid, voxels: voxels, sourceType: source.precheck.scalarType)
    return NIfTIImage(path: path, header: source.header, volume: volume)
  }

  /// Reads the image at `path` as a binary mask: 1 where the scaled value is non-zero, else 0.
  /// Faster and 4× smaller than `read` for label and mask files; the same validation applies.
  public static func readMask(_ path: String) throws(NIfTIError) -> Volume<UInt8> {
    let source = try load(path, readData: true)
    guard let data = source.data else { preconditionFailure("data requested") }
    let voxels = data.withBytes { bytes in
      SampleDecoder.decodeMask(
        UnsafeRawBufferPointer(rebasing: bytes[source.dataOffset...]),
        type: source.precheck.scalarType, count: source.grid.voxelCount, swapped: source.precheck.swapped,
        scaling: source.header.scaling)
    }
    return Volume(grid: source.grid, voxels: voxels, sourceType: source.precheck.scalarType)
  }

  /// Reads the image at `path` as a label map: every scaled value must be a whole number from
  /// 0 to 16,777,216 (2²⁴, the largest range a `Float` sample holds exactly).
  public static func readLabels(_ path: String) throws(NIfTIError) -> LabelVolume {
    let volume = try read(path).volume
    let limit: Float = 16_777_216
    var labels = [UInt32](repeating: 0, count: volume.voxels.count)
    var bad: Float?
    volume.voxels.withUnsafeBufferPointer { v in
      labels.withUnsafeMutableBufferPointer { out in
        for n in v.indices {
          let x = v[n]
          guard x >= 0, x <= limit, x == x.rounded() else {
            bad = x
            return
          }
          out[n] = UInt32(x)
        }
      }
    }
    if let bad { throw .notLabels(path: path, reason: "it holds the value \(bad); labels are whole numbers from 0 to 16777216") }
    return LabelVolume(grid: volume.grid, labels: labels)
  }

  /// The number of voxels of the image at `path`, read from its header only (cheap even for
  /// .nii.gz: nothing past the header is inflated), without any check of the data; nil when
  /// the file is missing or its header unreadable. For planning memory, not for reading.
  public static func peekVoxelCount(_ path: String) -> Int? {
    guard FileAccess.exists(path) else { return nil }
    return Niftilib.peekSize(path)?.voxels
  }

  /// Reads and validates the header of the image at `path`, and checks that its data is all
  /// there, without converting the samples. (A gzip file is still inflated to check it.)
  public static func readHeader(_ path: String) throws(NIfTIError) -> (header: NIfTIHeader, grid: Grid) {
    let source = try load(path, readData: false)
    return (source.header, source.grid)
  }

  /// What `load` found: the header, the grid, and the bytes holding the data.
  private struct Source {
    var precheck: HeaderPrecheck
    var header: NIfTIHeader
    var grid: Grid
    /// Buffer holding the data, which starts at `dataOffset` in it.
    var data: ByteBuffer?
    var dataOffset: Int
  }

  private static func load(_ path: String, readData: Bool) throws(NIfTIError) -> Source {
    guard FileAccess.exists(path) else { throw .missingFile(path: path) }
    let layout = try NIfTIFileLayout.resolve(path, exists: FileAccess.exists)
    let isPair = layout.imagePath != nil

    // Header bytes, and for a single file the buffer that also holds the data.
    let headerFile = try FileAccess.OpenFile(path: layout.headerPath)
    var whole: ByteBuffer
    if layout.headerIsCompressed {
      whole = try inflate(headerFile)
    } else if isPair {
      whole = try headerFile.readAll()
    } else {
      guard let head = ByteBuffer(capacity: HeaderPrecheck.headerSize.n2) else {
        throw .unreadable(path: path, reason: "out of memory")
      }
      head.count = try headerFile.read(into: head.pointer, count: HeaderPrecheck.headerSize.n2, at: 0)
      whole = head
    }
    let precheck = try whole.withBytes { bytes throws(NIfTIError) in
      try HeaderPrecheck.inspect(bytes, path: layout.headerPath, isPair: isPair)
    }
    if isPair, precheck.singleFile {
      throw .notNIfTI(path: layout.headerPath, reason: "the header's magic says single-file (.nii) but it is named as a .hdr/.img pair")
    }
    guard let header = whole.withBytes({ Niftilib.describeHeader($0, path: layout.headerPath, precheck: precheck) }) else {
      throw .notNIfTI(path: layout.headerPath, reason: "niftilib rejected the header")
    }
    let grid = try makeGrid(header, precheck: precheck, path: layout.headerPath)

    // The data: its file, and whether it is all there.
    let needed = precheck.dataByteCount
    let offset = precheck.voxOffset
    var dataPath = layout.headerPath
    var available: Int
    var dataBuffer: ByteBuffer? = nil
    if let imagePath = layout.imagePath {
      dataPath = imagePath
      guard FileAccess.exists(imagePath) else { throw .missingFile(path: imagePath) }
      let imageFile = try FileAccess.OpenFile(path: imagePath)
      if layout.imageIsCompressed {
        let inflated = try inflate(imageFile)
        available = inflated.count - offset
        dataBuffer = inflated
      } else {
        available = imageFile.size - offset
        if readData, available >= needed { dataBuffer = try readRegion(imageFile, offset: offset, count: needed) }
      }
    } else if layout.headerIsCompressed {
      available = whole.count - offset
      dataBuffer = whole
    } else {
      available = headerFile.size - offset
      if readData, available >= needed { dataBuffer = try readRegion(headerFile, offset: offset, count: needed) }
    }
    guard available >= needed else {
      throw .truncated(path: dataPath, expectedBytes: needed, actualBytes: Swift.max(0, available))
    }
    // A region read starts at the data itself; an inflated buffer holds the header too.
    let dataOffset = dataBuffer === whole || layout.imageIsCompressed ? offset : 0
    return Source(precheck: precheck, header: header, grid: grid, data: dataBuffer, dataOffset: dataOffset)
  }

  private static func inflate(_ file: FileAccess.OpenFile) throws(NIfTIError) -> ByteBuffer {
    let compressed = try file.readAll()
    do {
      return try compressed.withBytes { bytes throws(Gzip.Failure) in try Gzip.decompress(bytes) }
    } catch {
      switch error {
      case .outOfMemory: throw .unreadable(path: file.path, reason: "not enough memory to inflate it")
      case .damaged(let reason): throw .corruptCompression(path: file.path, reason: reason)
      }
    }
  }

  private static func readRegion(_ file: FileAccess.OpenFile, offset: Int, count: Int) throws(NIfTIError) -> ByteBuffer {
    guard let buffer = ByteBuffer(capacity: count) else {
      throw .unreadable(path: file.path, reason: "not enough memory for \(count) bytes")
    }
    buffer.count = try file.read(into: buffer.pointer, count: count, at: offset)
    guard buffer.count == count else {
      throw .truncated(path: file.path, expectedBytes: count, actualBytes: buffer.count)
    }
    return buffer
  }

  /// The grid in mm: spacing and the best affine scaled from the header's unit, and the
  /// header's orientation fields kept verbatim for writing.
  private static func makeGrid(_ header: NIfTIHeader, precheck: HeaderPrecheck, path: String) throws(NIfTIError) -> Grid {
    let scale = header.millimetresPerUnit
    let rank = precheck.dims[0]
    var pixdim = SIMD3<Double>(1, 1, 1)
    for a in 0..<3 {
      let p = header.pixdim[a + 1]
      pixdim[a] = a < rank || (p.isFinite && p > 0) ? p : 1
    }
    let (affine, source) = header.bestAffine
    var rows = affine.rows
    rows.0 *= scale
    rows.1 *= scale
    rows.2 *= scale
    let worldMap = AffineTransform(rows: rows)
    let finite = [rows.0, rows.1, rows.2].allSatisfy { r in (0..<4).allSatisfy { r[$0].isFinite } }
    guard finite, worldMap.determinant != 0 else { throw .badAffine(path: path, source: source.rawValue) }
    let orientation = HeaderOrientation(
      qformCode: header.qformCode, sformCode: header.sformCode, quaternion: header.quaternion,
      qoffset: header.qoffset, qfac: header.qfac, sformRows: header.sformMatrix.rows,
      pixdim: pixdim, xyztUnits: header.xyzUnits | header.timeUnits)
    return Grid(
      dims: precheck.gridDims, spacingMM: pixdim * scale, voxelToWorld: worldMap,
      affineSource: source, headerOrientation: orientation)
  }
}

/// Why a NIfTI file could not be read or written. Every case names the file; `description`
/// is one sentence for a person.
public enum NIfTIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No file exists at the path.
  case missingFile(path: String)
  /// The path exists but cannot be read as a regular file (a folder, a device, no permission).
  case unreadable(path: String, reason: String)
  /// The bytes are not a NIfTI-1 or NIfTI-2 header.
  case notNIfTI(path: String, reason: String)
  /// A gzip stream that is cut short or damaged.
  case corruptCompression(path: String, reason: String)
  /// The file holds fewer bytes than the header's dims and datatype need.
  case truncated(path: String, expectedBytes: Int, actualBytes: Int)
  /// The header's datatype is valid NIfTI but not a real scalar type HepaFoci reads.
  case unsupportedDatatype(path: String, code: Int, name: String)
  /// `dim` is malformed: rank outside 1...7, a non-positive size, or a size too large;
  /// `dims` is the header's `dim` array (rank first) or the sizes once the rank is valid.
  case badDimensions(path: String, dims: [Int], reason: String)
  /// A voxel spacing is zero, negative, NaN or infinite.
  case badSpacing(path: String, spacing: [Double])
  /// The file holds several volumes (a time series) where one 3D volume is needed;
  /// `dims` are the sizes along every axis.
  case notThreeDimensional(path: String, dims: [Int])
  /// The chosen voxel-to-world map (sform, qform or pixdim) is singular or not finite.
  case badAffine(path: String, source: String)
  /// `scl_slope` is usable but `scl_inter` is not finite.
  case badScaling(path: String, slope: Double, intercept: Double)
  /// The file name does not end in a NIfTI extension this reader or writer knows.
  case unsupportedFileName(path: String)
  /// Writing failed; nothing was left at the path.
  case writeFailed(path: String, reason: String)
  /// A label map holds a value that is not a label (negative, fractional, or too large).
  case notLabels(path: String, reason: String)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .missingFile(let p), .unreadable(let p, _), .notNIfTI(let p, _),
      .corruptCompression(let p, _), .truncated(let p, _, _), .unsupportedDatatype(let p, _, _),
      .badDimensions(let p, _, _), .badSpacing(let p, _), .notThreeDimensional(let p, _),
      .badAffine(let p, _),
      .badScaling(let p, _, _), .unsupportedFileName(let p), .writeFailed(let p, _), .notLabels(let p, _):
      p
    }
  }

  public var description: String {
    switch self {
    case .missingFile(let p):
      "\(p): no such file"
    case .unreadable(let p, let reason):
      "\(p): cannot be read: \(reason)"
    case .notNIfTI(let p, let reason):
      "\(p): not a NIfTI file: \(reason)"
    case .corruptCompression(let p, let reason):
      "\(p): damaged gzip data: \(reason)"
    case .truncated(let p, let expected, let actual):
      "\(p): truncated: the header needs \(expected) bytes of data but the file holds \(actual)"
    case .unsupportedDatatype(let p, let code, let name):
      "\(p): unsupported datatype \(name) (code \(code)); HepaFoci reads 8- to 64-bit integers and 32- or 64-bit floats"
    case .badDimensions(let p, let dims, let reason):
      "\(p): bad dimensions \(dims): \(reason)"
    case .badSpacing(let p, let spacing):
      "\(p): voxel spacing \(spacing) must be positive and finite on every axis"
    case .notThreeDimensional(let p, let dims):
      "\(p): holds \(dims.dropFirst(3).reduce(1, *)) volumes (dims \(dims.map(String.init).joined(separator: "×"))); a single 3D volume is needed"
    case .badAffine(let p, let source):
      "\(p): the \(source) voxel-to-world matrix is singular or not finite, so voxels have no place in space"
    case .badScaling(let p, let slope, let intercept):
      "\(p): scl_slope \(slope) is set but scl_inter \(intercept) is not a finite number"
    case .unsupportedFileName(let p):
      "\(p): unknown file type; use .nii, .nii.gz, .hdr/.img or .img.gz"
    case .writeFailed(let p, let reason):
      "\(p): could not be written: \(reason)"
    case .notLabels(let p, let reason):
      "\(p): not a label map: \(reason)"
    }
  }
}

/// Where a NIfTI image's header and voxel data live, derived from the file name alone.
///
/// The path given is the path read: a `.nii.gz` is never swapped for a `.nii` beside it (which
/// niftilib does when both exist). For a pair, the header `x.hdr` takes its data from `x.img`,
/// or from `x.img.gz` when there is no `x.img`; naming the `.img` or `.img.gz` finds `x.hdr`.
struct NIfTIFileLayout: Sendable, Equatable {
  /// The file holding the header.
  var headerPath: String
  /// The file holding the voxels for a two-file pair, or nil for a single `.nii` file.
  var imagePath: String?
  /// Whether the header file is gzip-compressed.
  var headerIsCompressed: Bool
  /// Whether the image file of a pair is gzip-compressed.
  var imageIsCompressed: Bool

  enum Kind { case single, pair }

  /// Resolves `path` (case-insensitive extensions). `exists` is injected for tests.
  static func resolve(
    _ path: String, exists: (String) -> Bool
  ) throws(NIfTIError) -> NIfTIFileLayout {
    let lower = path.lowercased()
    func stem(_ suffix: String) -> String { String(path.dropLast(suffix.count)) }
    if lower.hasSuffix(".nii.gz") {
      return NIfTIFileLayout(headerPath: path, imagePath: nil, headerIsCompressed: true, imageIsCompressed: false)
    }
    if lower.hasSuffix(".nii") {
      return NIfTIFileLayout(headerPath: path, imagePath: nil, headerIsCompressed: false, imageIsCompressed: false)
    }
    if lower.hasSuffix(".hdr.gz") || lower.hasSuffix(".img.gz") {
      let base = stem(".hdr.gz")
      let header = base + matchCase(".hdr.gz", of: path)
      let image = base + matchCase(".img.gz", of: path)
      return NIfTIFileLayout(headerPath: header, imagePath: image, headerIsCompressed: true, imageIsCompressed: true)
    }
    if lower.hasSuffix(".hdr") || lower.hasSuffix(".img") {
      let base = stem(".hdr")
      let header = base + matchCase(".hdr", of: path)
      let plainImage = base + matchCase(".img", of: path)
      let gzImage = plainImage + matchCase(".gz", of: path)
      if lower.hasSuffix(".img") {
        return NIfTIFileLayout(headerPath: header, imagePath: path, headerIsCompressed: false, imageIsCompressed: false)
      }
      let useGz = !exists(plainImage) && exists(gzImage)
      return NIfTIFileLayout(
        headerPath: header, imagePath: useGz ? gzImage : plainImage,
        headerIsCompressed: false, imageIsCompressed: useGz)
    }
    throw .unsupportedFileName(path: path)
  }

  /// `suffix` in upper case when `path` ends in upper case (X.HDR pairs with X.IMG).
  private static func matchCase(_ suffix: String, of path: String) -> String {
    path.last?.isUppercase == true ? suffix.uppercased() : suffix
  }
}

import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

/// Each kind of bad input gives its own typed error, whose message names the file.
@Suite("Rejecting bad input")
struct BadInputTests {
  let folder = TemporaryFolder()

  /// A valid little-endian NIfTI-1 int16 file (6×5×4) to corrupt.
  var good: [UInt8] { fileBytes(NIfTIFixtures.path("dtype_int16.nii")) }

  func expectError(_ path: String, _ matches: (NIfTIError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try NIfTIReader.read(path)
      Issue.record("read \(path) without error", sourceLocation: sourceLocation)
    } catch {
      #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
      #expect(error.description.contains(path), "message must name the file: \(error)", sourceLocation: sourceLocation)
      #expect(error.path == path || error.description.contains(error.path), sourceLocation: sourceLocation)
    }
  }

  func patched(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
    var bytes = good
    edit(&bytes)
    return bytes
  }

  func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { for (n, b) in $0.enumerated() { bytes[offset + n] = b } }
  }

  func putFloat(_ value: Float, at offset: Int, in bytes: inout [UInt8]) {
    put(value.bitPattern, at: offset, in: &bytes)
  }

  @Test func missingFile() {
    expectError(folder.file("absent.nii.gz")) { if case .missingFile = $0 { true } else { false } }
  }

  @Test func folderInsteadOfFile() throws {
    let path = folder.file("study.nii")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    expectError(path) { if case .unreadable = $0 { true } else { false } }
  }

  @Test("a FIFO is refused at once instead of blocking")
  func fifo() {
    let path = folder.file("pipe.nii")
    #expect(mkfifo(path, 0o600) == 0)
    expectError(path) { if case .unreadable = $0 { true } else { false } }
  }

  @Test func textFileNamedNii() {
    let path = folder.write("notes.nii", Array(String(repeating: "not an image\n", count: 40).utf8))
    expectError(path) { if case .notNIfTI = $0 { true } else { false } }
  }

  @Test func tooShortForAHeader() {
    let path = folder.write("short.nii", Array(good.prefix(100)))
    expectError(path) { if case .notNIfTI = $0 { true } else { false } }
  }

  @Test("ANALYZE 7.5 (no NIfTI magic) is refused: its orientation is undefined")
  func analyzeWithoutMagic() {
    let path = folder.write("analyze.nii", patched { b in for n in 344..<348 { b[n] = 0 } })
    expectError(path) { if case .notNIfTI = $0 { true } else { false } }
  }

  @Test func truncatedData() {
    let path = folder.write("cut.nii", Array(good.dropLast(10)))
    expectError(path) {
      if case .truncated(_, let expected, let actual) = $0 { expected == 240 && actual == 230 } else { false }
    }
  }

  @Test func truncatedGzip() throws {
    let gz = fileBytes(NIfTIFixtures.path("uint8_scaled.nii.gz"))
    let path = folder.write("cut.nii.gz", Array(gz.prefix(gz.count / 2)))
    expectError(path) { if case .corruptCompression = $0 { true } else { false } }
  }

  @Test("damaged gzip data fails its CRC")
  func corruptGzip() throws {
    var gz = fileBytes(NIfTIFixtures.path("uint8_scaled.nii.gz"))
    gz[gz.count - 8] ^= 0xFF  // CRC-32 in the trailer
    let path = folder.write("crc.nii.gz", gz)
    expectError(path) { if case .corruptCompression = $0 { true } else { false } }
  }

  @Test("unsupported datatypes are named", arguments: [(32, "complex64"), (128, "rgb24"), (1, "binary"), (1536, "float128")])
  func unsupportedDatatype(code: Int, name: String) {
    let path = folder.write("dt\(code).nii", patched { put(Int16(code), at: 70, in: &$0) })
    expectError(path) {
      if case .unsupportedDatatype(_, let c, let n) = $0 { c == code && n == name } else { false }
    }
  }

  @Test("malformed dims", arguments: [(0, Int16(0)), (0, Int16(8)), (2, Int16(0)), (1, Int16(-6))])
  func badDimensions(index: Int, value: Int16) {
    let path = folder.write("dim\(index)_\(value).nii", patched { put(value, at: 40 + 2 * index, in: &$0) })
    expectError(path) { if case .badDimensions = $0 { true } else { false } }
  }

  @Test("zero, negative and non-finite spacing", arguments: [Float(0), -1.4, .nan, .infinity])
  func badSpacing(value: Float) {
    let path = folder.write("spacing\(value).nii", patched { putFloat(value, at: 76 + 4 * 2, in: &$0) })
    expectError(path) { if case .badSpacing = $0 { true } else { false } }
  }

  @Test func timeSeries() {
    let path = folder.copy(NIfTIFixtures.path("time_series_4d.nii"), as: "bold.nii")
    expectError(path) {
      if case .notThreeDimensional(_, let dims) = $0 { dims == [6, 5, 4, 3] } else { false }
    }
  }

  @Test("dims × datatype larger than the file: refused before any allocation")
  func dimsLargerThanFile() {
    let path = folder.write("huge.nii", patched { b in
      put(Int16(30000), at: 42, in: &b)
      put(Int16(30000), at: 44, in: &b)
      put(Int16(30000), at: 46, in: &b)
    })
    expectError(path) {
      if case .truncated(_, let expected, _) = $0 { expected == 30000 * 30000 * 30000 * 2 } else { false }
    }
  }

  @Test("a valid slope with a non-finite intercept")
  func badScaling() {
    let path = folder.write("scale.nii", patched { b in
      putFloat(2, at: 112, in: &b)
      putFloat(.nan, at: 116, in: &b)
    })
    expectError(path) { if case .badScaling = $0 { true } else { false } }
  }

  @Test("a singular sform gives voxels no place in space")
  func singularAffine() {
    let path = folder.write("flat.nii", patched { b in
      for n in 0..<12 { putFloat(0, at: 280 + 4 * n, in: &b) }
      put(Int16(1), at: 254, in: &b)
    })
    expectError(path) { if case .badAffine(_, let source) = $0 { source == "sform" } else { false } }
  }

  @Test("a .hdr whose .img is missing names the .img")
  func pairWithoutImage() {
    _ = folder.copy(NIfTIFixtures.path("pair_int32.hdr"), as: "lonely.hdr")
    do {
      _ = try NIfTIReader.read(folder.file("lonely.hdr"))
      Issue.record("read a pair without its image")
    } catch {
      #expect(error == .missingFile(path: folder.file("lonely.img")))
    }
  }

  @Test func unknownExtension() {
    let path = folder.write("image.txt", good)
    expectError(path) { if case .unsupportedFileName = $0 { true } else { false } }
  }

  @Test("single-file magic in a .nii that claims a separate .img")
  func pairMagicInSingleFile() {
    let path = folder.write("pairmagic.nii", patched { b in b[345] = UInt8(ascii: "i") })
    expectError(path) { if case .notNIfTI = $0 { true } else { false } }
  }
}

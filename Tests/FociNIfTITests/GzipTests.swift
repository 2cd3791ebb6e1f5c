import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

@Suite("gzip with libdeflate")
struct GzipTests {
  let plain = fileBytes(NIfTIFixtures.path("dtype_float64.nii"))

  func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    let buffer = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.compress(raw, level: level) }
    return Array(buffer.bytes)
  }

  func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let buffer = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.decompress(raw) }
    return Array(buffer.bytes)
  }

  @Test("round trip at every level", arguments: [Int32(1), 6, 12])
  func roundTrip(level: Int32) throws {
    #expect(try gunzip(try gzip(plain, level: level)) == plain)
  }

  @Test("several members inflate to their concatenation, as gzip(1) does")
  func multiMember() throws {
    let cut = plain.count / 3
    let members = try gzip(Array(plain[..<cut])) + gzip(Array(plain[cut...])) + gzip([])
    #expect(try gunzip(members) == plain)
    // And the reader accepts such a file.
    let folder = TemporaryFolder()
    let path = folder.write("multi.nii.gz", members)
    let direct = try NIfTIReader.read(NIfTIFixtures.path("dtype_float64.nii"))
    #expect(try NIfTIReader.read(path).volume.voxels == direct.volume.voxels)
  }

  @Test("a member larger than the last one's ISIZE grows the buffer")
  func firstMemberLargerThanTrailer() throws {
    let small: [UInt8] = [1, 2, 3]
    let stream = try gzip(plain) + gzip(small)
    #expect(try gunzip(stream) == plain + small)
  }

  @Test("zero padding after the last member is accepted")
  func trailingZeros() throws {
    #expect(try gunzip(try gzip(plain) + [UInt8](repeating: 0, count: 512)) == plain)
  }

  @Test("junk after the last member is an error")
  func trailingJunk() throws {
    #expect(throws: Gzip.Failure.self) { try gunzip(try gzip(plain) + [0x1f, 0x8b, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]) }
  }

  @Test("a lying ISIZE cannot make the buffer wrong: output is what the stream holds")
  func lyingTrailer() throws {
    var gz = try gzip(plain)
    // ISIZE is not covered by the CRC; libdeflate checks it, so a wrong one is refused.
    gz[gz.count - 1] ^= 0x40
    #expect(throws: Gzip.Failure.self) { try gunzip(gz) }
  }

  @Test("not gzip at all")
  func noSignature() {
    #expect(throws: Gzip.Failure.damaged("no gzip signature")) { try gunzip(plain) }
  }
}

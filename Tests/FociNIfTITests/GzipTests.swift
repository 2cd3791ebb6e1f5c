import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

@Suite("gzip with libdeflate and igzip")
struct GzipTests {
  let plain = fileBytes(NIfTIFixtures.path("dtype_float64.nii"))

  func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    let buffer = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.compress(raw, level: level) }
    return buffer.array
  }

  func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let buffer = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.decompress(raw) }
    return buffer.array
  }

  @Test("round trip at every level", arguments: [Int32(1), 6, 12])
  func roundTrip(level: Int32) throws {
    #expect(try gunzip(try gzip(plain, level: level)) == plain)
  }

  /// A label-map-like buffer: zeros with a few short runs of ids.
  static func sparse(count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    for _ in 0..<(count / 200) {
      let at = Int.random(in: 0..<(count - 8), using: &rng)
      for i in 0..<Int.random(in: 1...8, using: &rng) { bytes[at + i] = UInt8.random(in: 1...255, using: &rng) }
    }
    return bytes
  }

  @Test("level 1 goes through igzip and comes back exactly: sparse, image-like, random, empty")
  func levelOneThroughIgzip() throws {
    var rng = SeededGenerator(seed: 11)
    let random = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    // int16 samples around 300 with noise, as the phantom's images.
    var image: [UInt8] = []
    for _ in 0..<150_000 {
      let v = UInt16(300 + Int.random(in: -40...40, using: &rng))
      image += [UInt8(v & 0xff), UInt8(v >> 8)]
    }
    for bytes in [Self.sparse(count: 300_000, seed: 3), image, random, plain, []] {
      let member = try gzip(bytes, level: 1)
      #expect(Array(member.prefix(3)) == [0x1f, 0x8b, 8])
      #expect(try gunzip(member) == bytes)
      let viaIgzip = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.isalCompress(raw, level: Gzip.fastestIsalLevel)?.array }
      #expect(viaIgzip == member, "level 1 is igzip's output")
    }
    #expect(try gzip(image, level: 1).count < image.count * 3 / 4)
  }

  @Test("igzip without the room it needs gives way to libdeflate")
  func igzipOverflow() throws {
    let bytes = Self.sparse(count: 100_000, seed: 5)
    let cramped = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.isalCompress(raw, level: Gzip.fastestIsalLevel, room: 64) }
    #expect(cramped == nil)
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

  @Test("members made from a prefix and data, in place or produced piece by piece, equal compressing the concatenation")
  func prefixAndProducedData() throws {
    let prefix = Array(plain[..<352])
    let data = Array(plain[352...])
    // Small members, so the prefix, a member straddling it and many data members all occur.
    for memberBytes in [100, 351, 353, 4096, 1 << 20] {
      let joined = try (prefix + data).withUnsafeBytes { all in
        try Gzip.compressInParallel(prefix: UnsafeRawBufferPointer(start: nil, count: 0), all, level: 6, memberBytes: memberBytes)
      }
      let inPlace = try prefix.withUnsafeBytes { p in
        try data.withUnsafeBytes { d in try Gzip.compressInParallel(prefix: p, d, level: 6, memberBytes: memberBytes) }
      }
      let source = data
      let produced = try prefix.withUnsafeBytes { p in
        try Gzip.compressInParallel(prefix: p, dataCount: source.count, level: 6, memberBytes: memberBytes) { range, destination in
          source.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + range.lowerBound, byteCount: range.count) }
        }
      }
      let bytes = { (members: [ByteBuffer]) in members.flatMap { $0.array } }
      #expect(bytes(inPlace) == bytes(joined), "member size \(memberBytes)")
      #expect(bytes(produced) == bytes(joined), "member size \(memberBytes)")
      #expect(inPlace.count == max(1, min(Gzip.maximumMembers, plain.count / memberBytes)))
      #expect(try gunzip(bytes(produced)) == plain)
    }
  }

  @Test("members of zeros only come from the cache with the bytes libdeflate gives, between members that are not")
  func zeroMembers() throws {
    let member = Gzip.zeroMemberMinimum
    // Zeros, one non-zero byte in the second member, zeros, and a short zero tail.
    var data = [UInt8](repeating: 0, count: 3 * member + 1000)
    data[member + 17] = 9
    #expect(data.withUnsafeBytes { Gzip.isAllZero(UnsafeRawBufferPointer(rebasing: $0[0..<member])) })
    #expect(!data.withUnsafeBytes { Gzip.isAllZero(UnsafeRawBufferPointer(rebasing: $0[member..<(2 * member)])) })
    #expect(!data.withUnsafeBytes { Gzip.isAllZero(UnsafeRawBufferPointer(rebasing: $0[(member + 17)..<(member + 18)])) })
    let empty = UnsafeRawBufferPointer(start: nil, count: 0)
    // Twice: the first run fills the cache, the second copies from it.
    let runs = try (0..<2).map { _ in
      try data.withUnsafeBytes { d in try Gzip.compressInParallel(prefix: empty, d, level: 1, memberBytes: member) }
    }
    let bytes = { (members: [ByteBuffer]) in members.flatMap { $0.array } }
    #expect(runs[0].count == 3)
    #expect(bytes(runs[0]) == bytes(runs[1]))
    #expect(try gunzip(bytes(runs[1])) == data)
    // Each member equals one libdeflate call on its bytes, cached or not; the non-zero byte
    // lies in the first, the other two are zeros only.
    let ranges = ParallelSlabs.ranges(total: data.count, pieces: 3)
    #expect(ranges[0].contains(member + 17))
    for (m, range) in ranges.enumerated() {
      let direct = try data.withUnsafeBytes { d in try Gzip.compressOnce(UnsafeRawBufferPointer(rebasing: d[range]), level: 1) }
      #expect(runs[1][m].array == direct.array, "member \(m)")
    }
  }
}

import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

/// No damaged file may crash or hang the reader: every seeded mutation of valid files must end
/// in either a volume or a typed error.
@Suite("Seeded corruption of valid files")
struct CorruptionFuzzTests {
  @Test("random header bytes, random truncation, plain and gzip", arguments: [
    "dtype_int16.nii", "float64_nifti2_bigendian.nii.gz", "uint8_scaled.nii.gz", "float32_nifti2.nii",
  ])
  func mutations(name: String) throws {
    let folder = TemporaryFolder()
    let original = fileBytes(NIfTIFixtures.path(name))
    let isGzip = name.hasSuffix(".gz")
    let plain = isGzip ? try original.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.decompress(raw).array } : original
    var rng = SeededGenerator(seed: 0xC0FFEE)
    var outcomes = (read: 0, rejected: 0)
    for trial in 0..<400 {
      var bytes = plain
      if trial % 4 == 3 {
        bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
      } else {
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          // Mostly the header, where the fields that steer the read live.
          let limit = trial % 4 == 2 ? bytes.count : min(bytes.count, 560)
          bytes[Int.random(in: 0..<limit, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
      }
      if isGzip {
        bytes = try bytes.withUnsafeBytes { raw throws(Gzip.Failure) in try Gzip.compress(raw, level: 1).array }
        if trial % 8 == 5, bytes.count > 30 {
          bytes[Int.random(in: 10..<bytes.count, using: &rng)] ^= 0x5A  // damage the stream itself
        }
      }
      let path = folder.write(isGzip ? "m.nii.gz" : "m.nii", bytes)
      do {
        let image = try NIfTIReader.read(path)
        #expect(image.volume.voxels.count == image.volume.grid.voxelCount)
        outcomes.read += 1
      } catch {
        #expect(error.description.contains(path))
        outcomes.rejected += 1
      }
    }
    #expect(outcomes.read + outcomes.rejected == 400)
    #expect(outcomes.rejected > 0)
  }
}

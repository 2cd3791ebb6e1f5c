import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

@Suite("Reading files written by nibabel")
struct NIfTIReaderTests {
  @Test("dims, affine and every value agree with nibabel", arguments: NIfTIFixtures.names)
  func agreesWithNibabel(name: String) throws {
    let expected = try #require(NIfTIFixtures.expected[name])
    let image = try NIfTIReader.read(NIfTIFixtures.path(name))
    let grid = image.volume.grid
    #expect([grid.dims.x, grid.dims.y, grid.dims.z] == expected.dims)
    let mm = expected.millimetresPerUnit
    let matrix = grid.voxelToWorld.matrix
    for r in 0..<3 {
      for c in 0..<4 {
        #expect(abs(matrix[r][c] - expected.affine[r][c] * mm) <= 1e-4 * mm, "affine[\(r)][\(c)]")
      }
    }
    #expect(image.header.version == expected.niftiVersion)
    #expect(image.header.isBigEndian == expected.bigEndian)
    #expect(image.header.scalarType.rawValue == expected.datatype)
    #expect(image.volume.sourceType?.rawValue == expected.datatype)
    #expect(image.header.qformCode == expected.qformCode)
    #expect(image.header.sformCode == expected.sformCode)
    #expect((image.header.scaling?.slope ?? 1) == expected.slope)
    #expect((image.header.scaling?.intercept ?? 0) == expected.inter)
    // nibabel scales in float64; HepaFoci rounds that same value once to float32.
    #expect(image.volume.voxels.count == expected.values.count)
    let mismatches = zip(image.volume.voxels, expected.values).filter { $0 != Float($1) }
    #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(3))")
  }

  @Test("value statistics agree with nibabel within 1e-5 relative", arguments: NIfTIFixtures.names)
  func statisticsAgree(name: String) throws {
    let expected = try #require(NIfTIFixtures.expected[name])
    let stats = IntensitySummary(of: try NIfTIReader.read(NIfTIFixtures.path(name)).volume)
    // Samples are float32 by design: integers beyond 2^24 (the int32/int64 fixtures hold their
    // types' extremes) round by up to |x|·2^-24 each, which adds to the relative tolerance.
    let largest = max(abs(expected.min), abs(expected.max))
    let rounding = largest * 0x1p-24
    let count = Double(expected.values.count)
    let cases: [(String, Double, Double, Double)] = [
      ("min", stats.min, expected.min, rounding), ("max", stats.max, expected.max, rounding),
      ("mean", stats.mean, expected.mean, rounding), ("sum", stats.sum, expected.sum, rounding * count),
    ]
    for (label, ours, theirs, slack) in cases {
      #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)) + slack, "\(label): \(ours) vs \(theirs)")
    }
  }

  @Test("values equal niftilib's own read bit for bit", arguments: NIfTIFixtures.names)
  func equalsNiftilib(name: String) throws {
    let path = NIfTIFixtures.path(name)
    let reference = try #require(NiftilibOracle.read(path))
    let ours = try NIfTIReader.read(path).volume.voxels
    #expect(ours.count == reference.values.count)
    #expect(zip(ours, reference.values).allSatisfy { $0.bitPattern == $1.bitPattern })
  }

  @Test("a 4D file with one volume reads as 3D, a 2D image as one slice")
  func lowerAndHigherRank() throws {
    let fourD = try NIfTIReader.read(NIfTIFixtures.path("single_volume_4d.nii"))
    #expect(fourD.volume.grid.dims == SIMD3(6, 5, 4))
    let flat = try NIfTIReader.read(NIfTIFixtures.path("image_2d.nii"))
    #expect(flat.volume.grid.dims == SIMD3(6, 5, 1))
    #expect(flat.volume.grid.spacingMM.z == 1)
  }

  @Test("lengths in metres are converted to mm")
  func metresBecomeMillimetres() throws {
    let grid = try NIfTIReader.read(NIfTIFixtures.path("units_meter.nii")).volume.grid
    #expect(abs(grid.spacingMM.x - 1.4) < 1e-4)
    #expect(abs(grid.spacingMM.z - 3.5) < 1e-4)
  }

  @Test("the affine source follows sform, then qform, then pixdim")
  func affinePrecedence() throws {
    #expect(try NIfTIReader.read(NIfTIFixtures.path("sform_only.nii")).volume.grid.affineSource == .sform)
    #expect(try NIfTIReader.read(NIfTIFixtures.path("qform_only.nii")).volume.grid.affineSource == .qform)
    #expect(try NIfTIReader.read(NIfTIFixtures.path("dtype_int16.nii")).volume.grid.affineSource == .sform)
    // No codes at all: the spacing diagonal, as niftilib builds it.
    let folder = TemporaryFolder()
    var bytes = fileBytes(NIfTIFixtures.path("sform_only.nii"))
    bytes[252] = 0; bytes[253] = 0; bytes[254] = 0; bytes[255] = 0  // qform_code, sform_code
    let grid = try NIfTIReader.read(folder.write("nocodes.nii", bytes)).volume.grid
    #expect(grid.affineSource == .pixdim)
    #expect(grid.voxelToWorld == .diagonal(spacing: grid.spacingMM))
  }

  @Test("readHeader validates without converting")
  func headerOnly() throws {
    let (header, grid) = try NIfTIReader.readHeader(NIfTIFixtures.path("dtype_float64.nii"))
    #expect(header.scalarType == .float64)
    #expect(grid.dims == SIMD3(6, 5, 4))
  }
}

@Suite("Reading masks")
struct MaskReadingTests {
  @Test("readMask is read() != 0, voxel for voxel", arguments: NIfTIFixtures.names)
  func maskEqualsThresholdedRead(name: String) throws {
    let path = NIfTIFixtures.path(name)
    let mask = try NIfTIReader.readMask(path)
    let image = try NIfTIReader.read(path)
    #expect(mask.grid == image.volume.grid)
    #expect(mask.voxels == image.volume.voxels.map { $0 != 0 ? 1 : 0 })
  }

  /// A slope without an intercept lets the stored integers decide; an intercept makes some
  /// non-zero integers zero (here the 1s), which only the scaled values show.
  @Test("readMask of scaled integers, with and without an intercept", arguments: [(Float(2), Float(0)), (1, -1), (-0.5, 0)])
  func scaledIntegers(slope: Float, intercept: Float) throws {
    var bytes = fileBytes(NIfTIFixtures.path("dtype_int16.nii"))
    // scl_slope and scl_inter of a little-endian NIfTI-1 header, bytes 112 and 116.
    withUnsafeBytes(of: slope.bitPattern.littleEndian) { for i in 0..<4 { bytes[112 + i] = $0[i] } }
    withUnsafeBytes(of: intercept.bitPattern.littleEndian) { for i in 0..<4 { bytes[116 + i] = $0[i] } }
    // Some voxels 0, and some 1 for the intercept −1 to zero.
    let dataStart = 352
    for n in stride(from: 0, to: 40, by: 3) {
      bytes[dataStart + 2 * n] = 1
      bytes[dataStart + 2 * n + 1] = 0
      bytes[dataStart + 2 * n + 2] = 0
      bytes[dataStart + 2 * n + 3] = 0
    }
    let folder = TemporaryFolder()
    let path = folder.write("scaled.nii", bytes)
    let mask = try NIfTIReader.readMask(path)
    let image = try NIfTIReader.read(path)
    #expect(mask.voxels == image.volume.voxels.map { $0 != 0 ? 1 : 0 })
    #expect(mask.voxels.contains(0) && mask.voxels.contains(1))
  }
}

import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

@Suite("Which file is read")
struct FileLayoutTests {
  @Test("x.nii.gz is read even when x.nii sits beside it (niftilib would open x.nii)")
  func exactNameWhenBothExist() throws {
    let folder = TemporaryFolder()
    folder.copy(NIfTIFixtures.path("dtype_int16.nii"), as: "x.nii")
    folder.copy(NIfTIFixtures.path("uint8_scaled.nii.gz"), as: "x.nii.gz")
    #expect(try NIfTIReader.read(folder.file("x.nii.gz")).header.scalarType == .uint8)
    #expect(try NIfTIReader.read(folder.file("x.nii")).header.scalarType == .int16)
  }

  @Test("x.nii.gz missing is an error even when x.nii exists")
  func noFallbackToUncompressed() {
    let folder = TemporaryFolder()
    folder.copy(NIfTIFixtures.path("dtype_int16.nii"), as: "x.nii")
    #expect(throws: NIfTIError.missingFile(path: folder.file("x.nii.gz"))) {
      try NIfTIReader.read(folder.file("x.nii.gz"))
    }
  }

  @Test("pairs: .hdr finds .img, else .img.gz; naming the .img finds the .hdr")
  func pairs() throws {
    let exists: (String) -> Bool = { ["a.img.gz", "b.img", "b.img.gz"].contains($0) }
    let a = try NIfTIFileLayout.resolve("a.hdr", exists: exists)
    #expect(a.imagePath == "a.img.gz" && a.imageIsCompressed)
    let b = try NIfTIFileLayout.resolve("b.hdr", exists: exists)
    #expect(b.imagePath == "b.img" && !b.imageIsCompressed)
    let c = try NIfTIFileLayout.resolve("c.img", exists: exists)
    #expect(c.headerPath == "c.hdr" && c.imagePath == "c.img")
    let d = try NIfTIFileLayout.resolve("D.HDR", exists: { _ in true })
    #expect(d.imagePath == "D.IMG")
    let e = try NIfTIFileLayout.resolve("e.img.gz", exists: exists)
    #expect(e.headerPath == "e.hdr.gz" && e.headerIsCompressed && e.imageIsCompressed)
  }

  @Test("naming the .img of a pair reads the same image as naming the .hdr")
  func readThroughImageName() throws {
    let viaHeader = try NIfTIReader.read(NIfTIFixtures.path("pair_int32.hdr"))
    let viaImage = try NIfTIReader.read(NIfTIFixtures.path("pair_int32.img"))
    #expect(viaHeader.volume.voxels == viaImage.volume.voxels)
    #expect(viaHeader.header == viaImage.header)
  }
}

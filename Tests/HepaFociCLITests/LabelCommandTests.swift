import FociCore
import FociNIfTI
import Foundation
import Testing
import _FociTestSupport

@Suite("hepafoci label")
struct LabelCommandTests {
  let folder = TemporaryFolder()

  /// A random mask on the oblique grid of a nibabel fixture, written as uint8 .nii.gz.
  func writeMask(density: Double, seed: UInt64) throws -> (path: String, mask: [Bool], grid: Grid) {
    let grid = try NIfTIReader.read(NIfTIFixtures.path("dtype_int16.nii")).volume.grid
    var rng = SeededGenerator(seed: seed)
    let mask = (0..<grid.voxelCount).map { _ in Double.random(in: 0..<1, using: &rng) < density }
    let path = folder.file("mask.nii.gz")
    try NIfTIWriter.write(Volume(grid: grid, voxels: mask.map { $0 ? UInt8(1) : 0 }), to: path)
    return (path, mask, grid)
  }

  @Test("labels equal the flood fill and keep the mask's geometry", arguments: [6, 18, 26])
  func matchesOracle(connectivity: Int) throws {
    let (path, mask, grid) = try writeMask(density: 0.35, seed: UInt64(connectivity))
    let out = folder.file("labels.nii.gz")
    let result = try CLI.run(["label", path, "--connectivity", "\(connectivity)", "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    let c = Connectivity(rawValue: connectivity)!
    let oracle = FloodFillOracle.label(mask, dims: grid.dims, connectivity: c)
    #expect(result.stdout.hasPrefix("\(oracle.sizes.count) component"))
    let labels = try NIfTIReader.read(out)
    #expect(labels.volume.voxels == oracle.labels.map { Float($0) })
    #expect(labels.volume.grid == grid)
    #expect(labels.header.intentCode == 1002)
  }

  @Test("--min-voxels, --threads and --json")
  func options() throws {
    let (path, mask, grid) = try writeMask(density: 0.25, seed: 4)
    let oracle = FloodFillOracle.label(mask, dims: grid.dims, connectivity: .faces6, minimumVoxels: 3)
    var outputs: [[Float]] = []
    for threads in ["1", "2"] {
      let out = folder.file("l\(threads).nii")
      let result = try CLI.run(["label", path, "--connectivity", "6", "--min-voxels", "3", "--threads", threads, "--json", "--out", out])
      #expect(result.status == 0)
      struct Summary: Decodable { var count: Int; var voxelCounts: [Int] }
      let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
      #expect(summary.count == oracle.sizes.count && summary.voxelCounts == oracle.sizes)
      outputs.append(try NIfTIReader.read(out).volume.voxels)
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0] == oracle.labels.map { Float($0) })
  }

  @Test("--fill-holes fills a hollow ball")
  func fillHoles() throws {
    let grid = Grid(dims: SIMD3(20, 20, 20), spacingMM: SIMD3(1, 1, 2))
    var shell = Volume(grid: grid, repeating: UInt8(0))
    var solid = 0
    for z in 0..<20 { for y in 0..<20 { for x in 0..<20 {
      let r = (SIMD3(Double(x), Double(y), Double(z)) - 10).squaredLength()
      if r <= 49 { solid += 1; if r > 16 { shell[x, y, z] = 1 } }
    } } }
    let path = folder.file("shell.nii")
    try NIfTIWriter.write(shell, to: path)
    let out = folder.file("filled.nii")
    #expect(try CLI.run(["label", path, "--fill-holes", "--out", out]).status == 0)
    let filled = try NIfTIReader.read(out).volume.voxels
    #expect(filled.filter { $0 == 1 }.count == solid)
  }

  @Test("bad input or options: an error naming the problem and no output file")
  func badInput() throws {
    let missing = try CLI.run(["label", folder.file("absent.nii.gz"), "--out", folder.file("l.nii.gz")])
    #expect(missing.status == 66 && missing.stderr.contains("absent.nii.gz"))
    let series = folder.copy(NIfTIFixtures.path("time_series_4d.nii"), as: "bold.nii")
    let fourD = try CLI.run(["label", series, "--out", folder.file("l.nii.gz")])
    #expect(fourD.status == 65 && fourD.stderr.contains("bold.nii"))
    let badOut = try CLI.run(["label", series, "--out", folder.file("l.png")])
    #expect(badOut.status == 64)
    let badConnectivity = try CLI.run(["label", series, "--connectivity", "8", "--out", folder.file("l.nii")])
    #expect(badConnectivity.status == 64)
    #expect(folder.contents() == ["bold.nii"])
  }
}

extension SIMD3 where Scalar == Double {
  func squaredLength() -> Double { (self * self).sum() }
}

@Suite("hepafoci register")
struct RegisterCommandTests {
  @Test("a shifted copy: the shift in mm and a confident peak; mismatched grids: an error")
  func shiftedCopy() throws {
    let folder = TemporaryFolder()
    let grid = Grid(dims: SIMD3(48, 40, 20), spacingMM: SIMD3(1.5, 1.5, 3))
    func scene(_ shift: SIMD3<Double>) -> Volume<Float> {
      var v = Volume(grid: grid, repeating: Float(0))
      for k in 0..<20 { for j in 0..<40 { for i in 0..<48 {
        let p = SIMD3(Double(i), Double(j), Double(k)) - shift
        let a = SIMD3(20.0, 18, 9), b = SIMD3(30.0, 25, 11), c = SIMD3(12.0, 28, 8)
        v[i, j, k] = Float(100 * exp(-(p - a).squaredLength() / 18) + 80 * exp(-(p - b).squaredLength() / 8) + 60 * exp(-(p - c).squaredLength() / 30))
      } } }
      return v
    }
    try NIfTIWriter.write(scene(.zero), to: folder.file("fixed.nii.gz"))
    try NIfTIWriter.write(scene(SIMD3(2, -1, 1)), to: folder.file("moving.nii.gz"))
    let result = try CLI.run(["register", folder.file("fixed.nii.gz"), folder.file("moving.nii.gz"), "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    struct Report: Decodable { var shiftMM: [Double]; var peak: Double }
    let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
    #expect(abs(report.shiftMM[0] - 3) < 0.4 && abs(report.shiftMM[1] + 1.5) < 0.4 && abs(report.shiftMM[2] - 3) < 0.75)
    #expect(report.peak > 0.3)

    try NIfTIWriter.write(Volume(grid: Grid(dims: SIMD3(48, 40, 21), spacingMM: SIMD3(1.5, 1.5, 3)), repeating: Float(1)), to: folder.file("other.nii"))
    let mismatch = try CLI.run(["register", folder.file("fixed.nii.gz"), folder.file("other.nii")])
    #expect(mismatch.status == 65 && mismatch.stderr.contains("other.nii") && mismatch.stderr.contains("same grid"))
  }
}

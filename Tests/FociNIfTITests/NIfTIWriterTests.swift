import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociNIfTI

@Suite("Writing NIfTI")
struct NIfTIWriterTests {
  let folder = TemporaryFolder()

  /// A grid read from a nibabel file: oblique, anisotropic, qform and sform both coded.
  var sourceGrid: Grid { get throws { try NIfTIReader.read(NIfTIFixtures.path("dtype_int16.nii")).volume.grid } }

  func samples<T: NIfTIScalar & FixedWidthInteger>(_: T.Type, count: Int) -> [T] {
    var rng = SeededGenerator(seed: 7)
    var values = (0..<count).map { _ in T.random(in: T.min...T.max, using: &rng) }
    values[0] = T.min
    values[count - 1] = T.max
    return values
  }

  func roundTrip<T: NIfTIScalar>(_ voxels: [T], ext: String, toFloat: (T) -> Float) throws {
    let grid = try sourceGrid
    let path = folder.file("rt_\(T.scalarType.rawValue)\(ext)")
    try NIfTIWriter.write(Volume(grid: grid, voxels: voxels), to: path)
    let back = try NIfTIReader.read(path)
    #expect(back.header.scalarType == T.scalarType)
    #expect(back.volume.voxels == voxels.map(toFloat))
    #expect(back.volume.grid == grid, "geometry must come back bit for bit")
  }

  @Test("every datatype round-trips through .nii and .nii.gz", arguments: [".nii", ".nii.gz"])
  func everyDatatype(ext: String) throws {
    let n = try sourceGrid.voxelCount
    try roundTrip(samples(UInt8.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(Int8.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(Int16.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(UInt16.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(Int32.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(UInt32.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(Int64.self, count: n), ext: ext) { Float($0) }
    try roundTrip(samples(UInt64.self, count: n), ext: ext) { Float($0) }
    var rng = SeededGenerator(seed: 11)
    let floats = (0..<n).map { _ in Float.random(in: -1e6...1e6, using: &rng) }
    try roundTrip(floats, ext: ext) { $0 }
    let doubles = (0..<n).map { _ in Double.random(in: -1e6...1e6, using: &rng) }
    try roundTrip(doubles, ext: ext) { Float($0) }
  }

  @Test("the source header's orientation fields are written back verbatim", arguments: NIfTIFixtures.names)
  func geometryBitForBit(name: String) throws {
    let source = try NIfTIReader.read(NIfTIFixtures.path(name))
    let path = folder.file("copy.nii.gz")
    try NIfTIWriter.write(source.volume, to: path)
    let copy = try NIfTIReader.read(path)
    #expect(copy.volume.grid == source.volume.grid)
    #expect(copy.volume.voxels == source.volume.voxels)
    let (a, b) = (copy.header, source.header)
    #expect(a.qformCode == b.qformCode && a.sformCode == b.sformCode)
    #expect(a.quaternion == b.quaternion && a.qoffset == b.qoffset && a.qfac == b.qfac)
    #expect(a.sformMatrix == b.sformMatrix && a.qformMatrix == b.qformMatrix)
    #expect(a.xyzUnits == b.xyzUnits)
    #expect(Array(a.pixdim[1...3]) == Array(b.pixdim[1...3]) || b.dims[0] < 3)
    #expect(a.version == (b.version == 2 ? copy.header.version : 1))
  }

  @Test("a grid without a source header gets an sform and a qform that describe it")
  func freshGeometry() throws {
    let spacing = SIMD3(1.4, 1.4, 3.5)
    let affine = AffineTransform(rows: (SIMD4(-1.4, 0, 0, 90), SIMD4(0, 1.4, 0, -126), SIMD4(0, 0, 3.5, -72)))
    let grid = Grid(dims: SIMD3(4, 3, 2), spacingMM: spacing, voxelToWorld: affine, affineSource: .sform)
    let path = folder.file("fresh.nii")
    try NIfTIWriter.write(Volume(grid: grid, repeating: Float(1)), to: path)
    let back = try NIfTIReader.read(path)
    #expect(back.header.version == 1)
    #expect(back.header.sformCode == 1 && back.header.qformCode == 1)
    #expect(back.volume.grid.voxelToWorld.maxAbsDifference(affine) < 1e-5)
    #expect(back.header.qformMatrix.maxAbsDifference(affine) < 1e-4)
  }

  @Test("a grid whose map no longer matches its header fields is described afresh")
  func staleOrientationIsNotRepeated() throws {
    var grid = try sourceGrid
    var rows = grid.voxelToWorld.rows
    rows.0.w += 10  // moved 10 mm along x
    grid.voxelToWorld = AffineTransform(rows: rows)
    let path = folder.file("moved.nii")
    try NIfTIWriter.write(Volume(grid: grid, repeating: Float(0)), to: path)
    let back = try NIfTIReader.read(path).volume.grid
    #expect(back.voxelToWorld.maxAbsDifference(grid.voxelToWorld) < 1e-4)
  }

  @Test("labels are uint16 while they fit, uint32 beyond 65,535, with the label intent")
  func labelWidth() throws {
    let grid = Grid(dims: SIMD3(3, 2, 2), spacingMM: SIMD3(1, 1, 1))
    let few = LabelVolume(grid: grid, labels: [UInt32](repeating: 0, count: 11) + [5])
    let many = LabelVolume(grid: grid, labels: [UInt32](repeating: 0, count: 11) + [70_000])
    #expect(few.bytesPerLabel == 2 && many.bytesPerLabel == 4)
    try NIfTIWriter.write(few, to: folder.file("few.nii.gz"))
    try NIfTIWriter.write(many, to: folder.file("many.nii.gz"))
    let a = try NIfTIReader.read(folder.file("few.nii.gz"))
    let b = try NIfTIReader.read(folder.file("many.nii.gz"))
    #expect(a.header.scalarType == .uint16 && a.header.intentCode == 1002)
    #expect(b.header.scalarType == .uint32 && b.volume.voxels.last == 70_000)
  }

  @Test("a label map produced piece by piece gives the same file as the map in memory", arguments: [".nii", ".nii.gz"])
  func producedLabels(ext: String) throws {
    // 4.3 M uint32 labels (17 MB): two gzip members.
    let grid = Grid(dims: SIMD3(160, 150, 180), spacingMM: SIMD3(0.8, 0.8, 2))
    var rng = SeededGenerator(seed: 4)
    let labels = (0..<grid.voxelCount).map { _ in UInt32.random(in: 0...3, using: &rng) == 0 ? UInt32.random(in: 65_536...70_000, using: &rng) : 0 }
    let map = LabelVolume(grid: grid, labels: labels, maxLabel: labels.max()!)
    try NIfTIWriter.write(map, to: folder.file("whole" + ext))
    try NIfTIWriter.writeLabels(grid: grid, type: .uint32, maxLabel: map.maxLabel, to: folder.file("produced" + ext)) { range, destination in
      labels.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + range.lowerBound, byteCount: range.count) }
    }
    #expect(fileBytes(folder.file("produced" + ext)) == fileBytes(folder.file("whole" + ext)))
    let read = try NIfTIReader.read(folder.file("produced" + ext))
    #expect(read.header.scalarType == .uint32 && read.header.intentCode == 1002)
  }

  @Test("dims beyond NIfTI-1's 32,767 are written as NIfTI-2")
  func largeDimsNeedNIfTI2() throws {
    let grid = Grid(dims: SIMD3(40_000, 1, 1), spacingMM: SIMD3(0.5, 1, 1))
    let path = folder.file("long.nii")
    try NIfTIWriter.write(Volume(grid: grid, repeating: UInt8(3)), to: path)
    let back = try NIfTIReader.read(path)
    #expect(back.header.version == 2)
    #expect(back.volume.grid.dims == grid.dims)
  }

  @Test("writing leaves only the finished file, and replaces an old one")
  func atomicWrite() throws {
    let grid = try sourceGrid
    let path = folder.file("out.nii.gz")
    try NIfTIWriter.write(Volume(grid: grid, repeating: Float(1)), to: path)
    try NIfTIWriter.write(Volume(grid: grid, repeating: Float(2)), to: path)
    #expect(folder.contents() == ["out.nii.gz"])
    #expect(try NIfTIReader.read(path).volume.voxels.allSatisfy { $0 == 2 })
  }

  @Test("a failed write names the file and leaves nothing")
  func failedWrite() throws {
    let grid = try sourceGrid
    let path = folder.file("no/such/folder/out.nii")
    #expect(throws: NIfTIError.self) { try NIfTIWriter.write(Volume(grid: grid, repeating: Float(1)), to: path) }
    do {
      try NIfTIWriter.write(Volume(grid: grid, repeating: Float(1)), to: path)
    } catch {
      guard case .writeFailed(let p, _) = error else { Issue.record("\(error)"); return }
      #expect(p == path)
    }
    #expect(folder.contents().isEmpty)
  }

  @Test("an output name that is not .nii or .nii.gz is refused before writing")
  func badOutputName() throws {
    let grid = try sourceGrid
    #expect(throws: NIfTIError.unsupportedFileName(path: folder.file("out.img"))) {
      try NIfTIWriter.write(Volume(grid: grid, repeating: Float(1)), to: folder.file("out.img"))
    }
    #expect(folder.contents().isEmpty)
  }
}

@Suite("Parallel gzip members")
struct ParallelGzipTests {
  @Test("a large .nii.gz is written as several members that niftilib (zlib) reads back exactly")
  func membersReadByNiftilib() throws {
    let folder = TemporaryFolder()
    let grid = Grid(dims: SIMD3(256, 256, 80), spacingMM: SIMD3(1, 1, 2))  // 21 MB of float32
    var rng = SeededGenerator(seed: 21)
    let voxels = (0..<grid.voxelCount).map { _ in Float(Int.random(in: 0...4000, using: &rng)) }
    let path = folder.file("big.nii.gz")
    try NIfTIWriter.write(Volume(grid: grid, voxels: voxels), to: path)
    let bytes = fileBytes(path)
    // More than one gzip header in the file: the members were compressed in parallel.
    var headers = 0
    for i in 0..<(bytes.count - 3) where bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 8 && bytes[i + 3] == 0 { headers += 1 }
    #expect(headers >= 2)
    let reference = try #require(NiftilibOracle.read(path))
    #expect(reference.values == voxels)
    #expect(try NIfTIReader.read(path).volume.voxels == voxels)
  }
}

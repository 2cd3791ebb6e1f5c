import FociCore
import FociNIfTI
import Foundation
import Testing
import _FociTestSupport

@testable import FociPhantom

/// A small study grid (the field of view of the default one at about 2.7× coarser voxels),
/// fast enough for tests.
func smallSettings(seed: UInt64 = 11) -> PhantomSettings {
  var s = PhantomSettings()
  s.seed = seed
  s.dims = SIMD3(96, 78, 28)
  s.spacingMM = SIMD3(3.73, 3.73, 9.0)
  return s
}

@Suite("Phantom studies on disk")
struct PhantomStudyTests {
  static let files = [
    "native.nii.gz", "arterial.nii.gz", "venous.nii.gz", "delayed.nii.gz", "t2.nii.gz", "adc.nii.gz",
    "liver_mask.nii.gz", "truth_labels.nii.gz", "truth_mimics.nii.gz", "truth.json",
  ]

  @Test("the same seed gives byte-identical files, whatever the number of jobs")
  func determinism() throws {
    let a = TemporaryFolder(), b = TemporaryFolder()
    let settings = smallSettings()
    _ = try PhantomWriter.writeCohort(settings: settings, count: 2, into: a.path, jobs: 1)
    _ = try PhantomWriter.writeCohort(settings: settings, count: 2, into: b.path, jobs: 2)
    for study in ["study-0001", "study-0002"] {
      for name in Self.files {
        let x = try Data(contentsOf: URL(fileURLWithPath: a.path + "/\(study)/\(name)"))
        let y = try Data(contentsOf: URL(fileURLWithPath: b.path + "/\(study)/\(name)"))
        #expect(x == y, "\(study)/\(name) differs")
      }
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: a.file("manifest.tsv"))) == Data(contentsOf: URL(fileURLWithPath: b.file("manifest.tsv"))))
    // Only whole study folders are left, no temporary ones.
    #expect(a.contents() == ["manifest.tsv", "study-0001", "study-0002"])
  }

  @Test("manifest rows name existing files, relative to the manifest")
  func manifest() throws {
    let folder = TemporaryFolder()
    _ = try PhantomWriter.writeCohort(settings: smallSettings(), count: 2, into: folder.path)
    let lines = try String(contentsOfFile: folder.file("manifest.tsv"), encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "study_id\tnative\tarterial\tvenous\tdelayed\tt2\tadc\tliver_mask\ttruth")
    #expect(lines.count == 3)
    for line in lines.dropFirst() {
      let cells = line.split(separator: "\t").map(String.init)
      #expect(cells.count == 9)
      for path in cells.dropFirst() { #expect(FileManager.default.fileExists(atPath: folder.file(path)), "\(path)") }
    }
  }

  @Test("truth labels agree with the continuous lesions and truth.json")
  func labelsAgreeWithTruth() throws {
    let folder = TemporaryFolder()
    let settings = smallSettings(seed: 4)
    let truth = try PhantomWriter.writeStudy(settings: settings, index: 0, into: folder.path)
    let study = folder.path + "/study-0001"
    let decoded = try JSONDecoder().decode(PhantomTruth.self, from: Data(contentsOf: URL(fileURLWithPath: study + "/truth.json")))
    #expect(decoded == truth)
    let labels = try NIfTIReader.read(study + "/truth_labels.nii.gz").volume
    let mask = try NIfTIReader.readMask(study + "/liver_mask.nii.gz")
    let native = try NIfTIReader.read(study + "/native.nii.gz").volume
    let grid = native.grid
    #expect(labels.grid.occupiesSameSpace(as: grid) && mask.grid.occupiesSameSpace(as: grid))
    #expect(grid.voxelToWorld.maxAbsDifference(PhantomGrids.native(settings).voxelToWorld) < 1e-4)

    // Counts per id equal truth.json's, and every lesion has voxels.
    var counts = [Int](repeating: 0, count: truth.lesions.count + 1)
    for v in labels.voxels { counts[Int(v)] += 1 }
    #expect(Array(counts.dropFirst()) == truth.lesions.map(\.labelVoxelCount))
    #expect(truth.lesions.allSatisfy { $0.labelVoxelCount > 0 })

    // Lesions of many voxels: labelled volume within partial-volume error of the truth (the
    // voxels here are 3.7 × 3.7 × 9 mm, so a lesion of 100 voxels is still only a few slices).
    let voxel = grid.voxelVolumeMM3
    var checked = 0
    for l in truth.lesions where l.volumeMM3 > 100 * voxel {
      let labelled = Double(l.labelVoxelCount) * voxel
      #expect(abs(labelled - l.volumeMM3) < 0.15 * l.volumeMM3, "lesion \(l.id): \(labelled) vs \(l.volumeMM3) mm³")
      checked += 1
    }
    #expect(checked > 0)
    // Liver mask volume against the integrated liver volume.
    let maskML = Double(mask.voxels.reduce(0) { $0 + Int($1) }) * voxel / 1000
    #expect(abs(maskML - truth.summary.liverVolumeML) < 0.03 * truth.summary.liverVolumeML)

    // Voxel by voxel against the continuous shapes: a voxel whose centre lies deeper than half
    // a voxel diagonal inside a lesion carries its id; one as far outside does not.
    let design = StudyDesign.draw(settings: settings, index: 0)
    let half = 0.5 * length(grid.spacingMM)
    for lesion in design.lesions {
      let solid = CompiledSolid(lesion.solid)
      let box = lesion.solid.bounds.expanded(by: 2 * half)
      let inverse = grid.voxelToWorld.inverted()!
      let a = inverse.apply(box.lower), b = inverse.apply(box.upper)
      let lo = pointwiseMax(SIMD3<Int>(Int(min(a.x, b.x).rounded(.down)), Int(min(a.y, b.y).rounded(.down)), Int(min(a.z, b.z).rounded(.down))), .zero)
      let hi = pointwiseMin(SIMD3<Int>(Int(max(a.x, b.x).rounded(.up)), Int(max(a.y, b.y).rounded(.up)), Int(max(a.z, b.z).rounded(.up))), grid.dims &- 1)
      guard all(lo .<= hi) else { continue }
      for k in lo.z...hi.z {
        for j in lo.y...hi.y {
          for i in lo.x...hi.x {
            let d = solid.distance(grid.world(i, j, k))
            let label = Int(labels[i, j, k])
            if d < -(half + lesion.edgeWidthMM) { #expect(label == lesion.id, "voxel \(i),\(j),\(k) inside lesion \(lesion.id)") }
            if d > half + lesion.edgeWidthMM { #expect(label != lesion.id, "voxel \(i),\(j),\(k) outside lesion \(lesion.id)") }
          }
        }
      }
    }
  }

  @Test("T2 and ADC carry their own coarser grids with 6 mm slices")
  func ownGrids() throws {
    let folder = TemporaryFolder()
    _ = try PhantomWriter.writeStudy(settings: smallSettings(), index: 0, into: folder.path)
    let native = try NIfTIReader.readHeader(folder.path + "/study-0001/native.nii.gz").grid
    for name in ["t2", "adc"] {
      let grid = try NIfTIReader.readHeader(folder.path + "/study-0001/\(name).nii.gz").grid
      #expect(grid.spacingMM.z == 6)
      #expect(!grid.occupiesSameSpace(as: native))
      #expect(grid.voxelToWorld.maxAbsDifference(native.voxelToWorld) > 0.5)
    }
  }

  @Test("post-contrast phases are shifted as truth.json says, within the set bound")
  func shifts() {
    var settings = smallSettings()
    settings.maxShiftMM = 3
    for index in 0..<20 {
      let truth = PhantomTruth(design: StudyDesign.draw(settings: settings, index: index))
      #expect(Set(truth.motion.keys) == ["arterial", "venous", "delayed"])
      for shift in truth.motion.values {
        #expect(shift.magnitudeMM <= 3 + 1e-9)
        #expect(abs(shift.shiftVoxels[2] * 9.0 - shift.shiftMM[2]) < 1e-9)
      }
    }
  }
}

@Suite("truth.json against schema/truth.schema.json")
struct TruthSchemaTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  @Test("the demo study's truth.json and freshly drawn truths are valid")
  func valid() throws {
    let validator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/truth.schema.json")
    #expect(try validator.errors(inFile: Self.root + "/Volumes/demo/truth.json") == [])
    let folder = TemporaryFolder()
    for index in 0..<6 {
      let truth = try PhantomWriter.writeStudy(settings: smallSettings(seed: 3), index: index, into: folder.path, truthOnly: true)
      #expect(try validator.errors(inFile: folder.path + "/\(truth.studyId)/truth.json") == [])
    }
  }

  @Test("the validator rejects damaged truth files")
  func invalid() throws {
    let validator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/truth.schema.json")
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/Volumes/demo/truth.json"))
    func damaged(_ change: (inout [String: Any]) -> Void) throws -> [String] {
      var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      change(&object)
      return validator.errors(in: object)
    }
    #expect(try !damaged { $0["lesions"] = nil }.isEmpty)
    #expect(try !damaged { $0["schema"] = "something else" }.isEmpty)
    #expect(try !damaged { $0["extra"] = 1 }.isEmpty)
    #expect(try !damaged {
      var lesions = $0["lesions"] as! [[String: Any]]
      lesions[0]["shapeClass"] = "square"
      $0["lesions"] = lesions
    }.isEmpty)
    #expect(try !damaged {
      var summary = $0["summary"] as! [String: Any]
      summary["burdenPercent"] = 120
      $0["summary"] = summary
    }.isEmpty)
  }
}

import FociAnalysis
import FociCore
import FociPhantom
import FociReport
import Foundation
import Testing
import _FociTestSupport

@Suite("PNG and montages")
struct StudyMontageTests {
  let temporary = TemporaryFolder()

  @Test("a PNG written by libpng reads back pixel for pixel, from a file and from memory")
  func pngRoundTrip() throws {
    var image = RGBImage(width: 37, height: 23)
    // Fixed-seed pattern: every channel differs across the image.
    for y in 0..<23 { for x in 0..<37 { image[x, y] = RGB(UInt8((x * 7) % 256), UInt8((y * 11) % 256), UInt8((x * y * 13) % 256)) } }
    let path = temporary.file("a.png")
    try PNGCodec.write(image, to: path)
    #expect(try PNGCodec.read(path) == image)
    let bytes = PNGCodec.encode(image)
    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let other = temporary.write("b.png", bytes)
    #expect(try PNGCodec.read(other) == image)
    // Not a PNG: an error naming the file, nothing returned.
    let bad = temporary.write("bad.png", Array("not a png".utf8))
    #expect(throws: PNGCodec.Failure.self) { try PNGCodec.read(bad) }
  }

  /// The synthetic study analysed, as a montage scene.
  static func scene() throws -> (MontageScene, SyntheticStudy) {
    let study = SyntheticStudy()
    let inputs = StudyInputs(native: study.native, arterial: study.arterial, venous: study.venous, liverMask: study.liverMask)
    let result = try StudyAnalysis.analyze(inputs)
    return (MontageScene(inputs: inputs, motion: result.report.motion, lesions: result.report.lesions, labels: result.labels), study)
  }

  @Test("each true lesion is outlined in its row's panels where its boundary truly lies")
  func outlinesAtTrueBoundaries() throws {
    let (scene, study) = try Self.scene()
    let montage = StudyMontage(scene, title: "synthetic")
    let path = temporary.file("montage.png")
    try PNGCodec.write(montage.image, to: path)
    let image = try PNGCodec.read(path)
    #expect(image.width == montage.image.width && image.height == montage.image.height)
    let outline = Set(OutlineClass.allCases.map(\.colour))
    let spacing = study.grid.spacingMM
    let truths: [(centre: SIMD3<Double>, radius: Double)] = [
      (SyntheticStudy.cored.centre, SyntheticStudy.cored.radius), (SyntheticStudy.arterialOnly.centre, SyntheticStudy.arterialOnly.radius),
      (SyntheticStudy.bloody.centre, SyntheticStudy.bloody.radius),
    ]
    for truth in truths {
      let centre = truth.centre / spacing
      // The detected lesion nearest the true centre has a row.
      let lesion = try #require(scene.lesions.min { (($0.centroid - centre) * spacing).squaredLength < (($1.centroid - centre) * spacing).squaredLength })
      #expect(montage.rowLesions.contains(lesion.id))
      let panels = montage.panels.filter { $0.lesion == lesion.id }
      #expect(panels.count == 3)
      for panel in panels {
        let dz = Double(panel.slice) * spacing.z - truth.centre.z
        let inPlane = (truth.radius * truth.radius - dz * dz).squareRoot()
        try #require(inPlane > 2 * spacing.x)
        // Along the row through the centre, outward both ways: an outline pixel within one
        // voxel of the true boundary.
        let j = Int(centre.y.rounded())
        for direction in [-1, 1] {
          let boundary = Int((centre.x + Double(direction) * inPlane / spacing.x).rounded())
          let found = (boundary - 1...boundary + 1).contains { i in
            guard let square = panel.pixels(ofVoxel: i, j) else { return false }
            return (0..<square.side).contains { dx in
              (0..<square.side).contains { dy in outline.contains(image[square.x + dx, square.y + dy]) }
            }
          }
          #expect(found, "lesion \(lesion.id), \(panel.image) panel, boundary voxel \(boundary) row \(j)")
        }
        // The true centre itself is not outline (the lesions are wider than two voxels).
        let middle = try #require(panel.pixels(ofVoxel: Int(centre.x.rounded()), j))
        #expect(!outline.contains(image[middle.x + middle.side / 2, middle.y + middle.side / 2]))
      }
    }
  }

  @Test("screen orientation: anterior up and the patient's left on the right, whatever the voxel order")
  func orientation() throws {
    let (scene, _) = try Self.scene()
    let montage = StudyMontage(scene, title: "t")
    // A diagonal affine with positive y: voxel y grows towards anterior, so rows are flipped.
    let panel = try #require(montage.panels.first { $0.lesion == nil })
    #expect(panel.flipY && !panel.flipX)
    let top = try #require(panel.pixels(ofVoxel: 0, panel.voxelsY.upperBound - 1))
    #expect(top.y == panel.originY && top.x == panel.originX)
  }

  @Test("the sweep covers the liver's extent in evenly spaced slices, one per liver slab")
  func sweep() throws {
    let (scene, _) = try Self.scene()
    let montage = StudyMontage(scene, title: "t")
    let slices = montage.panels.filter { $0.lesion == nil }.map(\.slice)
    let bounds = try #require(scene.liverMask.nonZeroBounds())
    #expect(slices.count == 8 && slices == slices.sorted())
    #expect(slices.allSatisfy { (bounds.lower.z...bounds.upper.z).contains($0) })
    let steps = zip(slices.dropFirst(), slices).map { $0 - $1 }
    #expect(steps.max()! - steps.min()! <= 1)
  }
}

extension SIMD3 where Scalar == Double {
  var squaredLength: Double { (self * self).sum() }
}

@Suite("Montage of a phantom study")
struct PhantomMontageTests {
  @Test("outlines lie on the phantom's true lesion boundaries: along the row through each shown lesion, within a voxel of where the truth label changes")
  func outlinesOnTruth() throws {
    var settings = PhantomSettings()
    settings.seed = 6
    settings.dims = SIMD3(128, 104, 36)
    settings.spacingMM = SIMD3(2.8, 2.8, 7)
    let images = StudyImages.render(StudyDesign.draw(settings: settings, index: 0))
    func float(_ modality: Modality) -> Volume<Float> { images.floatImage(modality)! }
    let inputs = StudyInputs(
      native: float(.native), arterial: float(.arterial), venous: float(.venous), liverMask: images.liverMask)
    let result = try StudyAnalysis.analyze(inputs)
    let scene = MontageScene(inputs: inputs, motion: result.report.motion, lesions: result.report.lesions, labels: result.labels)
    let montage = StudyMontage(scene, title: "phantom")
    // Through the file, as a reader gets it.
    let folder = TemporaryFolder()
    try PNGCodec.write(montage.image, to: folder.file("montage.png"))
    let image = try PNGCodec.read(folder.file("montage.png"))
    let truth = images.lesionLabels
    let grid = truth.grid
    let outline = Set(OutlineClass.allCases.map(\.colour))
    var crossings = 0, outlined = 0
    for panel in montage.panels where panel.lesion != nil {
      let lesion = try #require(scene.lesions.first { $0.id == panel.lesion })
      let (ci, cj) = (Int(lesion.centroid.x.rounded()), Int(lesion.centroid.y.rounded()))
      let t = truth[ci, cj, panel.slice]
      guard t != 0 else { continue }
      // True boundary voxels along row cj: inside T with a neighbour along x outside T.
      for i in panel.voxelsX where truth[i, cj, panel.slice] == t {
        let left = i > 0 ? truth[i - 1, cj, panel.slice] : 0, right = i + 1 < grid.dims.x ? truth[i + 1, cj, panel.slice] : 0
        guard left != t || right != t else { continue }
        crossings += 1
        let near = (i - 1...i + 1).contains { x in
          guard let square = panel.pixels(ofVoxel: x, cj) else { return false }
          return (0..<square.side).contains { dx in (0..<square.side).contains { dy in outline.contains(image[square.x + dx, square.y + dy]) } }
        }
        if near { outlined += 1 }
      }
    }
    #expect(crossings >= 12)
    #expect(Double(outlined) >= 0.8 * Double(crossings), "\(outlined) of \(crossings) true boundary crossings outlined")
  }
}

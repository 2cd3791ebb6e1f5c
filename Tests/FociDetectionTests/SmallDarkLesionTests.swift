import FociCore
import FociDetection
import FociPhantom
import Testing

@Suite("Detection of a small lesion that smoothing leaves near the seed level")
struct SmallDarkLesionTests {
  @Test("a 7 mm lesion 31 % darker natively, whose 8 seeded voxels score 1.2 on average, is kept on its unsmoothed darkness (phantom seed 1, study 71, lesion 48)")
  func keptOnItsUnsmoothedDarkness() throws {
    var phantom = PhantomSettings()
    phantom.seed = 1
    let images = StudyImages.render(StudyDesign.draw(settings: phantom, index: 70))
    func float(_ modality: Modality) -> Volume<Float> { images.floatImage(modality)! }
    let truth = images.lesionLabels.labels32
    /// The share of lesion 48's voxels that foci cover, with the given raw-contrast level.
    func covered(rawContrast: Double) throws -> Double {
      var settings = DetectionSettings()
      settings.hypointense?.smallRegionRawContrast = rawContrast
      let result = try FocusDetection.detect(
        native: float(.native), arterial: float(.arterial), liverMask: images.liverMask, venous: float(.venous), t2: float(.t2),
        adc: float(.adc), settings: settings)
      let foci = result.foci.labels.labels32
      var inside = 0, found = 0
      for n in truth.indices where truth[n] == 48 {
        inside += 1
        if foci[n] != 0 { found += 1 }
      }
      return inside > 0 ? Double(found) / Double(inside) : 0
    }
    // Under the 10 voxels kept by size and the mean score of 1.4 kept by score: lost.
    #expect(try covered(rawContrast: 0) == 0)
    // Kept: 8 of its 18 voxels (the rest is partial volume the seed level does not reach).
    #expect(try covered(rawContrast: HypointenseChannel().smallRegionRawContrast) >= 0.4)
  }
}

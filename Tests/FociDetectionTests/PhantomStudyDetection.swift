import FociCore
import FociDetection
import FociPhantom

/// A default-grid phantom study rendered in memory, for detection tests on realistic images
/// (the benchmark cohort's studies, by seed and index).
struct PhantomStudyDetection {
  let images: StudyImages
  /// The true lesion labels.
  let truth: [UInt32]

  /// Study `index` (0-based: study-0029 is 28) of the cohort of `seed`.
  init(seed: UInt64 = 1, index: Int) {
    var phantom = PhantomSettings()
    phantom.seed = seed
    images = StudyImages.render(StudyDesign.draw(settings: phantom, index: index))
    truth = images.lesionLabels.labels32
  }

  func image(_ modality: Modality) -> Volume<Float> { images.floatImage(modality)! }

  /// Detection on native, arterial, venous and T2 (and the ADC map with `adc`).
  func detect(_ settings: DetectionSettings = DetectionSettings(), adc: Bool = true) throws -> FocusDetection.Result {
    try FocusDetection.detect(
      native: image(.native), arterial: image(.arterial), liverMask: images.liverMask, venous: image(.venous), t2: image(.t2),
      adc: adc ? image(.adc) : nil, settings: settings)
  }

  /// True lesion `id`'s coverage (as `coverage(of:by:)`) by the foci detected with the default
  /// settings, the second channel's changed by `adjust`.
  func coverage(
    of id: UInt32, adjusting adjust: (inout HypointenseChannel) -> Void
  ) throws -> (inside: Int, covered: Int, pieces: Set<UInt32>) {
    var settings = DetectionSettings()
    adjust(&settings.hypointense!)
    return coverage(of: id, by: try detect(settings).foci.labels.labels32)
  }

  /// The share of true lesion `id`'s voxels those foci cover (0 for an empty lesion).
  func coveredShare(of id: UInt32, adjusting adjust: (inout HypointenseChannel) -> Void) throws -> Double {
    let (inside, covered, _) = try coverage(of: id, adjusting: adjust)
    return inside > 0 ? Double(covered) / Double(inside) : 0
  }

  /// True lesion `id`'s voxel count, how many of them `foci` cover, and the foci covering them.
  func coverage(of id: UInt32, by foci: [UInt32]) -> (inside: Int, covered: Int, pieces: Set<UInt32>) {
    var inside = 0, covered = 0
    var pieces = Set<UInt32>()
    for n in truth.indices where truth[n] == id {
      inside += 1
      if foci[n] != 0 {
        covered += 1
        pieces.insert(foci[n])
      }
    }
    return (inside, covered, pieces)
  }
}

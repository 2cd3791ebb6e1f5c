import FociCore
import FociDetection
import FociEvaluation
import Testing
import _FociTestSupport

@Suite struct FROCTests {
  /// The synthetic study's lesions as truth: the spheres, painted from their analytic form.
  static func truth(_ study: SyntheticStudy) -> StudyTruth {
    let g = study.grid
    var labels = [UInt32](repeating: 0, count: g.voxelCount)
    let spheres = [
      (SyntheticStudy.cored.centre, SyntheticStudy.cored.radius), (SyntheticStudy.arterialOnly.centre, SyntheticStudy.arterialOnly.radius),
      (SyntheticStudy.bloody.centre, SyntheticStudy.bloody.radius),
    ]
    for k in 0..<g.dims.z { for j in 0..<g.dims.y { for i in 0..<g.dims.x {
      let p = SIMD3(Double(i), Double(j), Double(k)) * g.spacingMM
      for (id, s) in spheres.enumerated() where ((p - s.0) * (p - s.0)).sum() <= s.1 * s.1 { labels[g.offset(i, j, k)] = UInt32(id + 1) }
    } } }
    return StudyTruth(studyID: "synthetic", labels: LabelVolume(grid: g, labels: labels))
  }

  @Test func sweepAtTheDetectionThresholdEqualsDetection() throws {
    let study = SyntheticStudy()
    let truth = Self.truth(study)
    let settings = DetectionSettings()
    let prepared = try FocusDetection.prepare(native: study.native, arterial: study.arterial, liverMask: study.liverMask, settings: settings)
    let detected = try FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liverMask, settings: settings)
    let counts = FROC.Counts.sweep(prepared, thresholds: [3], truth: truth, criteria: .init())
    let direct = FROC.Counts(LesionMatching(LabelOverlap(truth: truth.labels, predicted: detected.foci.labels)), truth: truth)
    #expect(counts[3] == direct)
    #expect(direct.detectedByBin.reduce(0, +) == 3)
  }

  @Test func sensitivityFallsAndReadingsFollowTheCurve() throws {
    let study = SyntheticStudy()
    let truth = Self.truth(study)
    let prepared = try FocusDetection.prepare(native: study.native, arterial: study.arterial, liverMask: study.liverMask)
    // From k = 4 no noise voxel passes (the noise is bounded), so lesions never merge through
    // noise and sensitivity can only fall as k rises; k spans past the lesions' contrast.
    let ks = stride(from: 4.0, through: 130, by: 7).map { $0 }
    let froc = FROC(counts: FROC.Counts.sweep(prepared, thresholds: ks, truth: truth, criteria: .init()))
    let sensitivities = froc.points.map { $0.sensitivity.value! }
    #expect(froc.points.map(\.k) == ks)
    #expect(zip(sensitivities, sensitivities.dropFirst()).allSatisfy { $0 >= $1 })
    #expect(sensitivities.first == 1 && sensitivities.last! < 1)
    for reading in froc.readings {
      let allowed = froc.points.filter { $0.falsePositivesPerStudy <= reading.falsePositivesPerStudy }
      #expect(reading.sensitivity == allowed.map { $0.sensitivity.value! }.max() ?? 0)
    }
    #expect(abs(froc.cpm - froc.readings.map(\.sensitivity).reduce(0, +) / 5) < 1e-12)
  }

  @Test func fociOfAHigherThresholdLieInsideThoseOfALowerOne() throws {
    let study = SyntheticStudy()
    // Without the peak split: the voxel it cuts between two peaks' foci lies where their
    // saddle is at that threshold, so a focus at a higher k (split elsewhere, or not at all)
    // may hold a voxel cut at a lower one.
    var settings = DetectionSettings()
    settings.peakSplitRatio = 0
    let prepared = try FocusDetection.prepare(native: study.native, arterial: study.arterial, liverMask: study.liverMask, settings: settings)
    var previous: [UInt32]?
    for k in [0.5, 1, 2, 3, 5, 8, 20, 60] {
      let labels = prepared.foci(threshold: .robust(k: k)).labels.labels32
      if let previous { #expect(zip(labels, previous).allSatisfy { $0 == 0 || $1 != 0 }, "k = \(k)") }
      previous = labels
    }
  }

  @Test func countsAddUp() {
    var a = FROC.Counts(), b = FROC.Counts()
    a.studies = 1
    a.truthByBin = [1, 2, 3, 4]
    a.detectedByBin = [0, 1, 2, 3]
    a.falsePositives = 2
    b.studies = 2
    b.truthByBin = [1, 1, 1, 1]
    b.detectedByBin = [1, 1, 1, 1]
    b.mimicDetections = 1
    let s = a + b
    #expect(s.studies == 3 && s.truthByBin == [2, 3, 4, 5] && s.detectedByBin == [1, 2, 3, 4])
    #expect(s.falsePositives == 2 && s.mimicDetections == 1)
    let froc = FROC(counts: [3: s])
    #expect(abs(froc.points[0].falsePositivesPerStudy - 2.0 / 3) < 1e-12)
    let expected: [Double] = [0, 0, 10.0 / 14, 10.0 / 14, 10.0 / 14]
    #expect(froc.readings.map(\.sensitivity) == expected)
  }
}

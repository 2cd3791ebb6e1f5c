import FociCore
import FociEvaluation
import Testing

/// Label maps painted box by box on a 1 mm grid.
struct Painter {
  let grid = Grid(dims: SIMD3(40, 30, 12), spacingMM: SIMD3(1, 1, 1))
  var labels: [UInt32]
  init() { labels = [UInt32](repeating: 0, count: grid.voxelCount) }

  mutating func box(_ id: UInt32, _ x: ClosedRange<Int>, _ y: ClosedRange<Int>, _ z: ClosedRange<Int>) {
    for k in z { for j in y { for i in x { labels[grid.offset(i, j, k)] = id } } }
  }
  var volume: LabelVolume { LabelVolume(grid: grid, labels: labels) }
}

/// The hand-made scene every case of the rule appears in once.
func scene() -> (truth: LabelVolume, mimics: LabelVolume, predicted: LabelVolume) {
  var t = Painter(), m = Painter(), p = Painter()
  t.box(1, 2...5, 2...5, 2...4)  // hit exactly by prediction 1
  p.box(1, 2...5, 2...5, 2...4)
  t.box(2, 10...13, 2...5, 2...4)  // missed
  t.box(3, 20...31, 2...5, 2...4)  // split: predictions 2 (larger) and 3
  p.box(2, 20...27, 2...5, 2...4)
  p.box(3, 28...31, 2...5, 2...4)
  t.box(4, 2...5, 10...13, 2...4)  // 4 and 5 merged in prediction 4
  t.box(5, 6...7, 10...13, 2...4)
  p.box(4, 2...7, 10...13, 2...4)
  p.box(5, 30...33, 20...23, 8...10)  // false positive
  m.box(1, 10...15, 20...25, 6...9)  // mimic hit by prediction 6
  p.box(6, 11...15, 20...25, 6...9)
  t.box(6, 20...20, 15...15, 6...6)  // one-voxel lesion inside a 3×3×2 focus: IoU 1/18, found by coverage
  p.box(7, 19...21, 14...16, 6...7)
  return (t.volume, m.volume, p.volume)
}

@Suite struct LesionMatchingTests {
  @Test func everyCaseOfTheOverlapRule() {
    let (truth, mimics, predicted) = scene()
    let m = LesionMatching(LabelOverlap(truth: truth, predicted: predicted), mimics: LabelOverlap(truth: mimics, predicted: predicted))
    let truthStatus: [LesionMatching.TruthStatus?] = [nil, .detected, .missed, .detected, .detected, .merged, .detected]
    let predictedStatus: [LesionMatching.PredictedStatus?] = [nil, .matched, .matched, .split, .matched, .falsePositive, .mimic, .matched]
    #expect(m.truthStatus == truthStatus)
    #expect(m.predictedStatus == predictedStatus)
    #expect(m.truthPartner == [0, 1, 0, 2, 4, 0, 7])
    #expect(m.containedIn == [5: 4])
    #expect(m.predictedContainedIn == [3: 3, 6: 1])
    #expect(m.overlap.iou(.init(truth: 1, predicted: 1)) == 1)
    #expect(abs(m.overlap.iou(.init(truth: 6, predicted: 7)) - 1.0 / 18) < 1e-12)
  }

  @Test func diceEqualsBruteForce() throws {
    let (truth, _, predicted) = scene()
    let t = truth.labels32, p = predicted.labels32
    let both = zip(t, p).filter { $0 != 0 && $1 != 0 }.count
    let expected = 2 * Double(both) / Double(t.filter { $0 != 0 }.count + p.filter { $0 != 0 }.count)
    let dice = try #require(LesionMatching(LabelOverlap(truth: truth, predicted: predicted)).dice)
    #expect(abs(dice - expected) < 1e-12)
  }

  @Test func withoutMimicMapLookAlikesAreFalsePositives() {
    let (truth, _, predicted) = scene()
    let m = LesionMatching(LabelOverlap(truth: truth, predicted: predicted))
    #expect(m.predictedStatus[6] == .falsePositive)
    #expect(m.count(.falsePositive) == 2)
  }

  @Test func centroidRuleIgnoresCrescentsThatOverlapRuleAccepts() {
    var t = Painter(), p = Painter()
    t.box(1, 10...19, 10...19, 4...6)
    // A detection hanging off the lesion's edge: IoU 120/540, centroid outside the lesion.
    p.box(1, 16...27, 10...19, 4...6)
    let overlap = LabelOverlap(truth: t.volume, predicted: p.volume)
    #expect(overlap.truthAtPredictedCentroid[1] == 0)
    #expect(LesionMatching(overlap, criteria: .init(rule: .overlap)).truthStatus[1] == .detected)
    #expect(LesionMatching(overlap, criteria: .init(rule: .centroid)).truthStatus[1] == .missed)
    // A compact prediction inside the lesion matches under both rules.
    var q = Painter()
    q.box(1, 12...17, 12...17, 4...6)
    let inside = LabelOverlap(truth: t.volume, predicted: q.volume)
    #expect(LesionMatching(inside, criteria: .init(rule: .centroid)).truthStatus[1] == .detected)
  }

  @Test func aFocusInsideALargeLesionFindsIt() {
    // 2×2×1 voxels inside a 12×12×6 lesion: IoU 4/864, but the focus lies wholly inside it.
    var t = Painter(), p = Painter()
    t.box(1, 10...21, 10...21, 3...8)
    p.box(1, 14...15, 14...15, 5...5)
    p.box(2, 18...19, 18...19, 6...6)
    let m = LesionMatching(LabelOverlap(truth: t.volume, predicted: p.volume))
    #expect(m.truthStatus[1] == .detected)
    #expect(m.predictedStatus[1] == .matched && m.predictedStatus[2] == .split)
    let strict = LesionMatching(LabelOverlap(truth: t.volume, predicted: p.volume), criteria: .init(minimumCoverage: 1.01))
    #expect(strict.truthStatus[1] == .missed && strict.count(.falsePositive) == 2)
  }

  @Test func assignmentPrefersHigherIoUWhateverTheIds() {
    // Truth 1 is covered by prediction 2 better than by prediction 1.
    var t = Painter(), p = Painter()
    t.box(1, 0...9, 0...9, 0...3)
    p.box(1, 0...2, 0...9, 0...3)
    p.box(2, 3...9, 0...9, 0...3)
    let m = LesionMatching(LabelOverlap(truth: t.volume, predicted: p.volume))
    #expect(m.truthPartner[1] == 2)
    #expect(m.predictedStatus[1] == .split)
  }

  @Test func studyEvaluationCarriesSizesAndStatuses() {
    let (truth, mimics, predicted) = scene()
    let sizes = [1: LesionSize(diameterMM: 4, volumeMM3: 30), 2: LesionSize(diameterMM: 7, volumeMM3: 60)]
    let e = StudyEvaluation(
      truth: StudyTruth(studyID: "s", labels: truth, mimics: mimics, sizes: sizes, burdenPercent: 2),
      prediction: StudyPrediction(labels: predicted, shuntLike: [6: true], burdenPercent: 3))
    #expect(e.truth.count == 6 && e.predicted.count == 7)
    #expect(e.truth[0].sizeBin == .under5 && e.truth[1].sizeBin == .from5to10)
    // Sizes without a given figure are measured: box 3 is 12×4×3 voxels of 1 mm.
    #expect(abs(e.truth[2].volumeMM3 - 144) < 1e-9)
    // Its sampled max diameter: the centres' Feret, √(11² + 3² + 2²), plus √(2V/d) (V = 1 mm³).
    let centres = (121.0 + 9 + 4).squareRoot()
    #expect(abs(e.truth[2].diameterMM - (centres + (2 / centres).squareRoot())) < 1e-9)
    #expect(e.predicted[5].status == .mimic && e.predicted[5].mimicID == 1 && e.predicted[5].shuntLike == true)
    #expect(e.mimicCount == 1 && e.mimicsDetected == 1)

    let cohort = CohortEvaluation([e, e])
    #expect(cohort.counts.truePositives == 8 && cohort.counts.falseNegatives == 4 && cohort.counts.merged == 2)
    #expect(cohort.falsePositivesPerStudy == 1)
    #expect(cohort.precision.successes == 8 && cohort.precision.trials == 10)
    #expect(cohort.mimics.flaggedShuntLike.value == 1)
    #expect(cohort.errors.burdenPercentPoints?.bias == 1)
  }
}

@Suite struct StatisticsTests {
  @Test func wilsonIntervalsMatchClosedFormsAndPublishedValues() throws {
    // 0 of n: upper bound z²/(n + z²); n of n: lower bound n/(n + z²).
    let z2 = Proportion.z95 * Proportion.z95
    let none = Proportion(0, of: 10), all = Proportion(10, of: 10)
    #expect(none.lower95 == 0 && abs(none.upper95! - z2 / (10 + z2)) < 1e-12)
    #expect(abs(all.lower95! - 10 / (10 + z2)) < 1e-12 && abs(all.upper95! - 1) < 1e-12)
    // statsmodels proportion_confint(method="wilson"): 81/263 → 0.255288519878–0.366209576983,
    // 8/10 → 0.490162471537–0.943317848546.
    let p = Proportion(81, of: 263), q = Proportion(8, of: 10)
    #expect(abs(p.lower95! - 0.255288519878) < 1e-11 && abs(p.upper95! - 0.366209576983) < 1e-11)
    #expect(abs(q.lower95! - 0.490162471537) < 1e-11 && abs(q.upper95! - 0.943317848546) < 1e-11)
    #expect(Proportion(0, of: 0).value == nil)
  }

  @Test func agreementQuantilesAndLimits() throws {
    let a = try #require(Agreement(measured: [11, 12, 13, 14, 20], truth: [10, 10, 10, 10, 10]))
    // Differences 1, 2, 3, 4, 10: numpy percentile 25/50/75 = 2, 3, 4.
    #expect(a.lowerQuartile == 2 && a.median == 3 && a.upperQuartile == 4)
    #expect(a.bias == 4)
    let sd = ((9.0 + 4 + 1 + 0 + 36) / 4).squareRoot()
    #expect(abs(a.standardDeviation - sd) < 1e-12)
    #expect(abs(a.upperLimit - (4 + 1.96 * sd)) < 1e-12)
    #expect(Agreement(measured: [.nan], truth: [1]) == nil)
  }

  @Test func sizeBinsIncludeTheirLowerBound() {
    #expect(SizeBin(diameterMM: 4.99) == .under5)
    #expect(SizeBin(diameterMM: 5) == .from5to10)
    #expect(SizeBin(diameterMM: 10) == .from10to20)
    #expect(SizeBin(diameterMM: 20) == .atLeast20)
  }
}

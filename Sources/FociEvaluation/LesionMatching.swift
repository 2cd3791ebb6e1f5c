/// One-to-one matching of predicted lesions to true ones in one study.
///
/// The rule, in full:
/// 1. **Candidates.** With `overlap`, a true lesion T and a prediction P are candidates when
///    they share voxels and their IoU is at least `minimumIoU` (default 0.1), or when either
///    holds at least `minimumCoverage` (default half) of the other: a 2 mm lesion labelled by
///    one voxel is found by the slightly larger focus around it, and a large lesion by a focus
///    lying inside it (a mark inside the lesion, as FROC readings count hits). With
///    `centroid`, they are candidates when the voxel nearest P's centroid belongs to T.
/// 2. **Assignment.** Candidate pairs are taken in order of decreasing IoU (then more shared
///    voxels, then smaller true id, then smaller predicted id); a pair is matched when neither
///    side is matched yet. Each match is a true positive.
/// 3. **Merges.** An unmatched true lesion with at least half of its voxels inside one matched
///    prediction was merged into another lesion's detection: it counts as missed (one
///    detection cannot report two lesions' sizes), under its own status.
/// 4. **Splits.** An unmatched prediction with at least half of its voxels inside one matched
///    true lesion is a fragment of a found lesion: not a false positive.
/// 5. **Mimics.** An unmatched prediction that is a candidate of a mimic (by the same rule,
///    against the mimic label map) detects a lesion look-alike: counted apart from false
///    positives.
/// 6. Every other unmatched prediction is a false positive; every other unmatched true lesion
///    is missed.
public struct LesionMatching: Sendable {
  public enum Rule: String, Sendable, Codable, CaseIterable {
    case overlap, centroid
  }

  public struct Criteria: Sendable, Hashable, Codable {
    public var rule: Rule
    /// Overlap rule: smallest IoU of a candidate pair (default 0.1).
    public var minimumIoU: Double
    /// Overlap rule: a pair is also a candidate when either side holds this share of the
    /// other's voxels (default 0.5).
    public var minimumCoverage: Double
    /// Share of a lesion inside one matched partner that makes it a merge or a split (0.5).
    public var fragmentShare: Double

    public init(rule: Rule = .overlap, minimumIoU: Double = 0.1, minimumCoverage: Double = 0.5, fragmentShare: Double = 0.5) {
      self.rule = rule
      self.minimumIoU = minimumIoU
      self.minimumCoverage = minimumCoverage
      self.fragmentShare = fragmentShare
    }
  }

  public enum TruthStatus: String, Sendable, Codable, CaseIterable {
    case detected, merged, missed
  }

  public enum PredictedStatus: String, Sendable, Codable, CaseIterable {
    case matched, split, mimic, falsePositive
  }

  /// `truthStatus[id]` for true ids present in the map (absent ids: nil).
  public let truthStatus: [TruthStatus?]
  public let predictedStatus: [PredictedStatus?]
  /// The prediction matched to each true lesion (0: none), and the reverse.
  public let truthPartner: [Int]
  public let predictedPartner: [Int]
  /// For merged lesions and split fragments: the matched lesion on the other side that holds
  /// them; for mimics: the mimic id.
  public let containedIn: [Int: Int]
  public let predictedContainedIn: [Int: Int]
  public let overlap: LabelOverlap

  /// Matches the labels of `overlap` under `criteria`; `mimics` (the mimic map against the
  /// same predictions) decides which false positives are look-alikes.
  public init(_ overlap: LabelOverlap, mimics: LabelOverlap? = nil, criteria: Criteria = Criteria()) {
    self.overlap = overlap
    let truthCount = overlap.truthVoxels.count, predictedCount = overlap.predictedVoxels.count
    let candidates = Self.candidates(overlap, criteria).sorted { a, b in
      let (ia, ib) = (overlap.iou(a), overlap.iou(b))
      if ia != ib { return ia > ib }
      let (sa, sb) = (overlap.shared[a] ?? 0, overlap.shared[b] ?? 0)
      if sa != sb { return sa > sb }
      return a < b
    }
    var truthPartner = [Int](repeating: 0, count: truthCount)
    var predictedPartner = [Int](repeating: 0, count: predictedCount)
    for pair in candidates where truthPartner[pair.truth] == 0 && predictedPartner[pair.predicted] == 0 {
      truthPartner[pair.truth] = pair.predicted
      predictedPartner[pair.predicted] = pair.truth
    }

    var truthStatus = [TruthStatus?](repeating: nil, count: truthCount)
    var predictedStatus = [PredictedStatus?](repeating: nil, count: predictedCount)
    var containedIn: [Int: Int] = [:], predictedContainedIn: [Int: Int] = [:]
    for id in 1..<max(1, truthCount) where overlap.truthVoxels[id] > 0 {
      truthStatus[id] = truthPartner[id] != 0 ? .detected : .missed
    }
    for id in 1..<max(1, predictedCount) where overlap.predictedVoxels[id] > 0 {
      predictedStatus[id] = predictedPartner[id] != 0 ? .matched : .falsePositive
    }
    // Merges and splits, in pair order so the result does not depend on dictionary order.
    for (pair, voxels) in overlap.shared.sorted(by: { $0.key < $1.key }) {
      let (t, p) = (pair.truth, pair.predicted)
      if truthPartner[t] == 0, predictedPartner[p] != 0, containedIn[t] == nil,
        Double(voxels) >= criteria.fragmentShare * Double(overlap.truthVoxels[t])
      {
        truthStatus[t] = .merged
        containedIn[t] = p
      }
      if predictedPartner[p] == 0, truthPartner[t] != 0, predictedContainedIn[p] == nil,
        Double(voxels) >= criteria.fragmentShare * Double(overlap.predictedVoxels[p])
      {
        predictedStatus[p] = .split
        predictedContainedIn[p] = t
      }
    }
    if let mimics {
      precondition(mimics.predictedVoxels == overlap.predictedVoxels, "mimics must be measured against the same predictions")
      let mimicCandidates = Self.candidates(mimics, criteria).sorted {
        let (ia, ib) = (mimics.iou($0), mimics.iou($1))
        return ia != ib ? ia > ib : $0 < $1
      }
      for pair in mimicCandidates where predictedStatus[pair.predicted] == .falsePositive {
        predictedStatus[pair.predicted] = .mimic
        predictedContainedIn[pair.predicted] = pair.truth
      }
    }
    self.truthStatus = truthStatus
    self.predictedStatus = predictedStatus
    self.truthPartner = truthPartner
    self.predictedPartner = predictedPartner
    self.containedIn = containedIn
    self.predictedContainedIn = predictedContainedIn
  }

  static func candidates(_ overlap: LabelOverlap, _ criteria: Criteria) -> [LabelOverlap.Pair] {
    switch criteria.rule {
    case .overlap:
      return overlap.shared.compactMap { pair, voxels in
        let smaller = min(overlap.truthVoxels[pair.truth], overlap.predictedVoxels[pair.predicted])
        return overlap.iou(pair) >= criteria.minimumIoU || Double(voxels) >= criteria.minimumCoverage * Double(smaller) ? pair : nil
      }
    case .centroid:
      return overlap.truthAtPredictedCentroid.enumerated().compactMap { p, t in
        t != 0 && overlap.truthVoxels[t] > 0 ? LabelOverlap.Pair(truth: t, predicted: p) : nil
      }
    }
  }

  /// Counts of each status.
  public func count(_ status: TruthStatus) -> Int { truthStatus.filter { $0 == status }.count }
  public func count(_ status: PredictedStatus) -> Int { predictedStatus.filter { $0 == status }.count }

  /// Dice of the two foregrounds, whatever the ids: 2|T ∩ P| / (|T| + |P|); nil when both are empty.
  public var dice: Double? {
    let total = overlap.truthForeground + overlap.predictedForeground
    return total > 0 ? 2 * Double(overlap.sharedVoxels) / Double(total) : nil
  }
}

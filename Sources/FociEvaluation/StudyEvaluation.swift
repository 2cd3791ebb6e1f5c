import FociDetection
import FociCore
import FociMeasurement

/// Size of a lesion as evaluation compares it.
public struct LesionSize: Sendable, Hashable, Codable {
  /// Max 3D diameter, mm.
  public var diameterMM: Double
  public var volumeMM3: Double

  public init(diameterMM: Double, volumeMM3: Double) {
    self.diameterMM = diameterMM
    self.volumeMM3 = volumeMM3
  }

  /// Sizes of every label of `labels` measured from its voxels: the max diameter of the
  /// sampled lesion (`LesionGeometry.maxDiameterMM`) and the voxel volume. Used where no better figure is given (a
  /// user's annotation without truth.json, a label map without lesions.json).
  public static func measure(_ labels: LabelVolume) -> [Int: LesionSize] {
    let runs = LesionRuns(labels, count: Int(labels.maxLabel))
    var sizes: [Int: LesionSize] = [:]
    for (index, lesion) in runs.lesions.enumerated() where !lesion.isEmpty {
      let g = LesionGeometry(runs: lesion, grid: labels.grid)
      sizes[index + 1] = LesionSize(diameterMM: g.maxDiameterMM, volumeMM3: g.volumeMM3)
    }
    return sizes
  }

  /// `sizes` with every label of `labels` it lacks measured from the map.
  static func completing(_ sizes: [Int: LesionSize], from labels: LabelVolume) -> [Int: LesionSize] {
    guard labels.maxLabel > 0, (1...Int(labels.maxLabel)).contains(where: { sizes[$0] == nil }) else { return sizes }
    var all = sizes
    for (id, size) in measure(labels) where all[id] == nil { all[id] = size }
    return all
  }
}

/// The true lesions of one study.
public struct StudyTruth: Sendable {
  public var studyID: String
  /// Lesion ids on the study's grid.
  public var labels: LabelVolume
  /// Lesion look-alikes (the phantom's shunt-like wedges), if known.
  public var mimics: LabelVolume?
  /// Sizes by id; ids of `labels` without one are measured from the map.
  public var sizes: [Int: LesionSize]
  /// True lesion burden, % of the liver, if known.
  public var burdenPercent: Double?

  public init(studyID: String, labels: LabelVolume, mimics: LabelVolume? = nil, sizes: [Int: LesionSize] = [:], burdenPercent: Double? = nil) {
    self.studyID = studyID
    self.labels = labels
    self.mimics = mimics
    self.burdenPercent = burdenPercent
    self.sizes = LesionSize.completing(sizes, from: labels)
  }

  /// Size bin of true lesion `id`.
  public func bin(_ id: Int) -> SizeBin { SizeBin(diameterMM: sizes[id]?.diameterMM ?? 0) }
}

/// The predicted lesions of one study.
public struct StudyPrediction: Sendable {
  public var labels: LabelVolume
  public var sizes: [Int: LesionSize]
  /// The `shuntLike` flag per id, where the prediction has one.
  public var shuntLike: [Int: Bool]
  /// The detection channel per id (`FocusChannels.channel`), where the prediction says.
  public var channels: [Int: FocusChannels.Channel]
  public var burdenPercent: Double?

  public init(
    labels: LabelVolume, sizes: [Int: LesionSize] = [:], shuntLike: [Int: Bool] = [:], channels: [Int: FocusChannels.Channel] = [:],
    burdenPercent: Double? = nil
  ) {
    self.labels = labels
    self.sizes = LesionSize.completing(sizes, from: labels)
    self.shuntLike = shuntLike
    self.channels = channels
    self.burdenPercent = burdenPercent
  }
}

/// Truth against prediction in one study, lesion by lesion.
public struct StudyEvaluation: Sendable, Codable {
  public struct TruthRow: Sendable, Codable, Hashable {
    public var id: Int
    public var diameterMM: Double
    public var volumeMM3: Double
    public var sizeBin: SizeBin
    public var voxels: Int
    public var status: LesionMatching.TruthStatus
    /// The matched prediction, or for a merged lesion the prediction holding it.
    public var predictedID: Int?
    public var iou: Double?
    public var predictedDiameterMM: Double?
    public var predictedVolumeMM3: Double?
    /// The detection channel of the prediction in `predictedID`, where it says.
    public var predictedChannel: FocusChannels.Channel?
  }

  public struct PredictedRow: Sendable, Codable, Hashable {
    public var id: Int
    public var diameterMM: Double
    public var volumeMM3: Double
    public var voxels: Int
    public var status: LesionMatching.PredictedStatus
    /// The matched true lesion, or for a split fragment the true lesion holding it.
    public var truthID: Int?
    /// The mimic a `mimic` detection hit.
    public var mimicID: Int?
    public var iou: Double?
    public var shuntLike: Bool?
    /// The channel that found it, where the prediction says.
    public var channel: FocusChannels.Channel?
  }

  public var studyID: String
  public var truth: [TruthRow]
  public var predicted: [PredictedRow]
  /// Dice of the lesion foregrounds (nil when both are empty).
  public var dice: Double?
  public var sharedVoxels: Int
  public var truthVoxels: Int
  public var predictedVoxels: Int
  public var truthBurdenPercent: Double?
  public var predictedBurdenPercent: Double?
  /// Distinct mimics of the study, and those hit by a `mimic` detection.
  public var mimicCount: Int
  public var mimicsDetected: Int

  /// Evaluates `prediction` against `truth`; both on one grid.
  public init(truth: StudyTruth, prediction: StudyPrediction, criteria: LesionMatching.Criteria = .init()) {
    let overlap = LabelOverlap(truth: truth.labels, predicted: prediction.labels)
    let mimicOverlap = truth.mimics.map { LabelOverlap(truth: $0, predicted: prediction.labels) }
    let m = LesionMatching(overlap, mimics: mimicOverlap, criteria: criteria)
    studyID = truth.studyID
    self.truth = m.truthStatus.enumerated().compactMap { id, status in
      guard let status else { return nil }
      let size = truth.sizes[id] ?? LesionSize(diameterMM: 0, volumeMM3: 0)
      let partner = m.truthPartner[id] != 0 ? m.truthPartner[id] : m.containedIn[id]
      let matched = m.truthPartner[id] != 0 ? prediction.sizes[m.truthPartner[id]] : nil
      return TruthRow(
        id: id, diameterMM: size.diameterMM, volumeMM3: size.volumeMM3, sizeBin: SizeBin(diameterMM: size.diameterMM),
        voxels: overlap.truthVoxels[id], status: status, predictedID: partner,
        iou: partner.map { overlap.iou(.init(truth: id, predicted: $0)) },
        predictedDiameterMM: matched?.diameterMM, predictedVolumeMM3: matched?.volumeMM3,
        predictedChannel: partner.flatMap { prediction.channels[$0] })
    }
    predicted = m.predictedStatus.enumerated().compactMap { id, status in
      guard let status else { return nil }
      let size = prediction.sizes[id] ?? LesionSize(diameterMM: 0, volumeMM3: 0)
      let truthID: Int? = m.predictedPartner[id] != 0 ? m.predictedPartner[id] : status == .split ? m.predictedContainedIn[id] : nil
      let mimicID = status == .mimic ? m.predictedContainedIn[id] : nil
      let iou: Double? =
        if let truthID { overlap.iou(.init(truth: truthID, predicted: id)) } else if let mimicID, let mimicOverlap {
          mimicOverlap.iou(.init(truth: mimicID, predicted: id))
        } else { nil }
      return PredictedRow(
        id: id, diameterMM: size.diameterMM, volumeMM3: size.volumeMM3, voxels: overlap.predictedVoxels[id], status: status,
        truthID: truthID, mimicID: mimicID, iou: iou, shuntLike: prediction.shuntLike[id], channel: prediction.channels[id])
    }
    dice = m.dice
    sharedVoxels = overlap.sharedVoxels
    truthVoxels = overlap.truthForeground
    predictedVoxels = overlap.predictedForeground
    truthBurdenPercent = truth.burdenPercent
    predictedBurdenPercent = prediction.burdenPercent
    mimicCount = mimicOverlap.map { $0.truthVoxels.filter { $0 > 0 }.count } ?? 0
    mimicsDetected = Set(predicted.compactMap(\.mimicID)).count
  }
}

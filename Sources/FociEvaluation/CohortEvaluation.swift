import FociDetection

/// Lesion-wise detection figures over a set of studies (SPEC §8).
public struct CohortEvaluation: Sendable, Codable {
  public struct BinFigures: Sendable, Codable, Hashable {
    public var bin: SizeBin
    /// Detected over all true lesions of the bin (merged ones count as missed).
    public var sensitivity: Proportion
    public var merged: Int
  }

  public struct Counts: Sendable, Codable, Hashable {
    public var studies: Int
    public var trueLesions: Int
    public var predictedLesions: Int
    public var truePositives: Int
    /// Missed plus merged.
    public var falseNegatives: Int
    public var merged: Int
    public var splitFragments: Int
    public var mimicDetections: Int
    public var falsePositives: Int

    /// The counts over `studies` (one study for its own line).
    public init(_ studies: [StudyEvaluation]) {
      let truth = studies.flatMap(\.truth), predicted = studies.flatMap(\.predicted)
      func count(_ s: LesionMatching.TruthStatus) -> Int { truth.count { $0.status == s } }
      func count(_ s: LesionMatching.PredictedStatus) -> Int { predicted.count { $0.status == s } }
      self.studies = studies.count
      (trueLesions, predictedLesions) = (truth.count, predicted.count)
      truePositives = count(.detected)
      falseNegatives = truth.count - truePositives
      (merged, splitFragments, mimicDetections, falsePositives) = (count(.merged), count(.split), count(.mimic), count(.falsePositive))
    }
  }

  public struct Mimics: Sendable, Codable, Hashable {
    /// True mimics over all studies and those hit by at least one detection.
    public var total: Int
    public var detected: Int
    /// Detections of mimics carrying the `shuntLike` flag (of those that report the flag).
    public var flaggedShuntLike: Proportion
  }

  public struct DiceFigures: Sendable, Codable, Hashable {
    /// 2 Σ|T∩P| / (Σ|T| + Σ|P|) over all studies' voxels.
    public var global: Double?
    /// Per-study Dice values (studies where both sides are empty are left out).
    public var perStudy: Agreement.Distribution?
  }

  public struct Errors: Sendable, Codable, Hashable {
    /// Predicted − true max 3D diameter of matched lesions, mm.
    public var maxDiameterMM: Agreement?
    /// Predicted − true volume of matched lesions, mm³.
    public var volumeMM3: Agreement?
    /// (Predicted − true) / true volume × 100 of matched lesions.
    public var volumePercent: Agreement?
    /// Predicted − true burden per study, percentage points.
    public var burdenPercentPoints: Agreement?
  }

  public var counts: Counts
  public var sensitivity: Proportion
  public var sensitivityBySize: [BinFigures]
  public var falsePositivesPerStudy: Double
  /// True positives over true positives plus false positives (fragments and mimics left out).
  public var precision: Proportion
  public var f1: Double?
  public var mimics: Mimics
  public var dice: DiceFigures
  public var errors: Errors
  /// Detections by the channel that found them (nil when no prediction says).
  public var byChannel: [ChannelFigures]?

  /// The detections one channel made (`FocusChannels.channel` of each prediction).
  public struct ChannelFigures: Sendable, Codable, Hashable {
    public var channel: FocusChannels.Channel
    public var truePositives: Int
    public var falsePositives: Int
    public var splitFragments: Int
    public var mimicDetections: Int
  }

  public init(_ studies: [StudyEvaluation]) {
    let truth = studies.flatMap(\.truth), predicted = studies.flatMap(\.predicted)
    counts = Counts(studies)
    let tp = counts.truePositives, fp = counts.falsePositives
    sensitivity = Proportion(tp, of: truth.count)
    sensitivityBySize = SizeBin.allCases.map { bin in
      let rows = truth.filter { $0.sizeBin == bin }
      return BinFigures(
        bin: bin, sensitivity: Proportion(rows.filter { $0.status == .detected }.count, of: rows.count),
        merged: rows.filter { $0.status == .merged }.count)
    }
    falsePositivesPerStudy = studies.isEmpty ? 0 : Double(fp) / Double(studies.count)
    precision = Proportion(tp, of: tp + fp)
    if let p = precision.value, let r = sensitivity.value, p + r > 0 { f1 = 2 * p * r / (p + r) } else { f1 = nil }

    let mimicRows = predicted.filter { $0.status == .mimic }
    let flagged = mimicRows.compactMap(\.shuntLike)
    mimics = Mimics(
      total: studies.reduce(0) { $0 + $1.mimicCount }, detected: studies.reduce(0) { $0 + $1.mimicsDetected },
      flaggedShuntLike: Proportion(flagged.filter { $0 }.count, of: flagged.count))

    let shared = studies.reduce(0) { $0 + $1.sharedVoxels }
    let total = studies.reduce(0) { $0 + $1.truthVoxels + $1.predictedVoxels }
    dice = DiceFigures(
      global: total > 0 ? 2 * Double(shared) / Double(total) : nil,
      perStudy: Agreement.Distribution(studies.compactMap(\.dice)))

    let matched = truth.filter { $0.status == .detected }
    let measuredDiameters = matched.map { $0.predictedDiameterMM ?? .nan }
    let measuredVolumes = matched.map { $0.predictedVolumeMM3 ?? .nan }
    errors = Errors(
      maxDiameterMM: Agreement(measured: measuredDiameters, truth: matched.map(\.diameterMM)),
      volumeMM3: Agreement(measured: measuredVolumes, truth: matched.map(\.volumeMM3)),
      volumePercent: Agreement(
        differences: matched.compactMap { row in
          guard let v = row.predictedVolumeMM3, row.volumeMM3 > 0 else { return nil }
          return 100 * (v - row.volumeMM3) / row.volumeMM3
        }),
      burdenPercentPoints: Agreement(
        measured: studies.map { $0.predictedBurdenPercent ?? .nan }, truth: studies.map { $0.truthBurdenPercent ?? .nan }))

    // A true positive counts once, under its matched prediction's channel.
    byChannel =
      predicted.contains { $0.channel != nil }
      ? FocusChannels.Channel.allCases.map { c in
        func count(_ s: LesionMatching.PredictedStatus) -> Int { predicted.count { $0.channel == c && $0.status == s } }
        return ChannelFigures(
          channel: c, truePositives: count(.matched), falsePositives: count(.falsePositive), splitFragments: count(.split),
          mimicDetections: count(.mimic))
      } : nil
  }
}

extension Agreement {
  /// Median, quartiles and range of one sample.
  public struct Distribution: Sendable, Codable, Hashable {
    public var count: Int
    public var median: Double
    public var lowerQuartile: Double
    public var upperQuartile: Double
    public var min: Double
    public var max: Double

    public init?(_ values: [Double]) {
      let v = values.filter(\.isFinite).sorted()
      guard let first = v.first, let last = v.last else { return nil }
      count = v.count
      median = Agreement.quantile(v, 0.5)
      lowerQuartile = Agreement.quantile(v, 0.25)
      upperQuartile = Agreement.quantile(v, 0.75)
      min = first
      max = last
    }
  }
}

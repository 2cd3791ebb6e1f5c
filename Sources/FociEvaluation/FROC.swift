import FociDetection

/// Free-response ROC over the detection threshold: for each k of the MAD rule, lesion-wise
/// sensitivity against false positives per study, and sensitivity read at fixed rates.
public struct FROC: Sendable, Codable {
  /// What one threshold gave in one study (or summed over studies).
  public struct Counts: Sendable, Codable, Hashable {
    public var studies = 0
    /// True lesions and detected ones per size bin, in `SizeBin.allCases` order.
    public var truthByBin = [Int](repeating: 0, count: SizeBin.allCases.count)
    public var detectedByBin = [Int](repeating: 0, count: SizeBin.allCases.count)
    public var mergedByBin = [Int](repeating: 0, count: SizeBin.allCases.count)
    public var falsePositives = 0
    public var mimicDetections = 0
    public var splitFragments = 0

    public init() {}

    /// The counts of one study's matching; `truth` gives the true lesions' bins.
    public init(_ matching: LesionMatching, truth: StudyTruth) {
      studies = 1
      for (id, status) in matching.truthStatus.enumerated() {
        guard let status else { continue }
        let b = SizeBin.allCases.firstIndex(of: truth.bin(id))!
        truthByBin[b] += 1
        if status == .detected { detectedByBin[b] += 1 }
        if status == .merged { mergedByBin[b] += 1 }
      }
      falsePositives = matching.count(.falsePositive)
      mimicDetections = matching.count(.mimic)
      splitFragments = matching.count(.split)
    }

    public static func + (a: Counts, b: Counts) -> Counts {
      var s = a
      s.studies += b.studies
      for i in s.truthByBin.indices {
        s.truthByBin[i] += b.truthByBin[i]
        s.detectedByBin[i] += b.detectedByBin[i]
        s.mergedByBin[i] += b.mergedByBin[i]
      }
      s.falsePositives += b.falsePositives
      s.mimicDetections += b.mimicDetections
      s.splitFragments += b.splitFragments
      return s
    }
  }

  public struct OperatingPoint: Sendable, Codable, Hashable {
    public var k: Double
    public var falsePositivesPerStudy: Double
    public var sensitivity: Proportion
    public var sensitivityBySize: [CohortEvaluation.BinFigures]
    public var falsePositives: Int
    public var mimicDetections: Int
    public var splitFragments: Int
  }

  public struct Reading: Sendable, Codable, Hashable {
    public var falsePositivesPerStudy: Double
    /// The best sensitivity among operating points at or under that rate (0 when none is).
    public var sensitivity: Double
    /// The threshold of that operating point.
    public var k: Double?
    public var sensitivityBySize: [CohortEvaluation.BinFigures]?
  }

  /// The rates sensitivity is read at; their mean is the competition performance metric.
  public static let readingRates: [Double] = [0.25, 0.5, 1, 2, 4]

  /// Operating points in increasing k.
  public var points: [OperatingPoint]
  public var readings: [Reading]
  /// Mean sensitivity over `readingRates` (CPM).
  public var cpm: Double

  /// The curve from counts summed over studies per threshold k.
  public init(counts: [Double: Counts]) {
    let points = counts.keys.sorted().map { k in
      let c = counts[k]!
      let tp = c.detectedByBin.reduce(0, +), total = c.truthByBin.reduce(0, +)
      return OperatingPoint(
        k: k, falsePositivesPerStudy: c.studies > 0 ? Double(c.falsePositives) / Double(c.studies) : 0,
        sensitivity: Proportion(tp, of: total),
        sensitivityBySize: SizeBin.allCases.enumerated().map { i, bin in
          CohortEvaluation.BinFigures(bin: bin, sensitivity: Proportion(c.detectedByBin[i], of: c.truthByBin[i]), merged: c.mergedByBin[i])
        },
        falsePositives: c.falsePositives, mimicDetections: c.mimicDetections, splitFragments: c.splitFragments)
    }
    self.points = points
    readings = Self.readingRates.map { rate in
      // Ties in sensitivity go to the larger k (fewer detections for the same yield).
      let best = points.filter { $0.falsePositivesPerStudy <= rate }
        .max { a, b in
          let (sa, sb) = (a.sensitivity.value ?? 0, b.sensitivity.value ?? 0)
          return sa != sb ? sa < sb : a.k < b.k
        }
      return Reading(
        falsePositivesPerStudy: rate, sensitivity: best?.sensitivity.value ?? 0, k: best?.k,
        sensitivityBySize: best?.sensitivityBySize)
    }
    cpm = readings.reduce(0) { $0 + $1.sensitivity } / Double(readings.count)
  }
}

extension FROC.Counts {
  /// Detection of one study rerun at every threshold k of the MAD rule on the same
  /// preparation (motion correction, subtraction and the hypointense maps are made once), each
  /// result matched against `truth`. The hypointense channel's k and contrast floor scale by
  /// k / `reference` (the arterial k of the settings; nil: they stay as set).
  public static func sweep(
    _ preparation: FocusDetection.Preparation, thresholds: [Double], reference: Double? = nil, truth: StudyTruth,
    criteria: LesionMatching.Criteria
  ) -> [Double: FROC.Counts] {
    var counts: [Double: FROC.Counts] = [:]
    for k in thresholds {
      let foci = preparation.foci(threshold: .robust(k: k), hypointenseScale: reference.map { k / $0 } ?? 1)
      let overlap = LabelOverlap(truth: truth.labels, predicted: foci.labels)
      let mimics = truth.mimics.map { LabelOverlap(truth: $0, predicted: foci.labels) }
      counts[k] = FROC.Counts(LesionMatching(overlap, mimics: mimics, criteria: criteria), truth: truth)
    }
    return counts
  }
}

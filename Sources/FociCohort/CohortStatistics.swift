import FociAnalysis
import FociCore

/// A cohort's results in the form of SPEC §7's reference table: per-patient distributions
/// (median, min, max, SD), shares of patients, and class shares over the one to three largest
/// lesions of at least the small-lesion diameter per patient, the lesions the clinical study
/// classified. The phantom's `CohortTruthStatistics` uses the same keys, so a cohort run on a
/// phantom cohort compares with its truth key by key.
public struct CohortStatistics: Sendable, Codable, Equatable {
  /// Studies analysed (failed ones are not counted).
  public var studies: Int
  public var lesionCount: SummaryStatistics?
  public var burdenPercent: SummaryStatistics?
  public var smallestLesionMM: SummaryStatistics?
  public var largestLesionMM: SummaryStatistics?
  /// Over the patients with an avascular zone.
  public var largestAvascularZoneMM: SummaryStatistics?
  /// Shares of patients, 0...1: "lesions>=5", "lesions>=10", "burden>=50", "smallest<=5mm",
  /// "avascularZone", "bloodProducts", "fluidLevel", "arterialOnlyFocus", "shuntLike".
  public var patientShares: [String: Double]
  /// Shares of the classified lesions per class, 0...1, keyed "shape.round", "arterial.active",
  /// "t2.hyperintense"...
  public var classShares: [String: Double]
  /// Lesions classified (at most three per patient).
  public var classifiedLesions: Int

  public static let classifiedPerPatient = 3

  public init(_ documents: [LesionsDocument]) {
    studies = documents.count
    let summaries = documents.map(\.summary)
    lesionCount = SummaryStatistics(summaries.map { Double($0.lesionCount) })
    burdenPercent = SummaryStatistics(summaries.map(\.burdenPercent))
    smallestLesionMM = SummaryStatistics(summaries.compactMap(\.smallestLesionMM))
    largestLesionMM = SummaryStatistics(summaries.compactMap(\.largestLesionMM))
    largestAvascularZoneMM = SummaryStatistics(summaries.compactMap(\.largestAvascularZoneMM).filter { $0 > 0 })
    let n = Double(Swift.max(1, documents.count))
    func share(_ test: (StudySummary) -> Bool) -> Double { Double(summaries.filter(test).count) / n }
    func flagged(_ key: String) -> (StudySummary) -> Bool { { ($0.flagCounts[key] ?? 0) > 0 } }
    patientShares = [
      "lesions>=5": share { $0.lesionCount >= 5 },
      "lesions>=10": share { $0.lesionCount >= 10 },
      "burden>=50": share { $0.burdenPercent >= 50 },
      "smallest<=5mm": share { ($0.smallestLesionMM ?? .infinity) <= 5 },
      "avascularZone": share(flagged("avascular")),
      "bloodProducts": share(flagged("bloodProducts")),
      "fluidLevel": share(flagged("fluidLevel")),
      "arterialOnlyFocus": share(flagged("arterialOnly")),
      "shuntLike": share(flagged("shuntLike")),
    ]
    let classified = documents.flatMap { d in
      d.lesions.filter { !$0.flags.small }.sorted { Self.larger($0, $1) }.prefix(Self.classifiedPerPatient)
    }
    classifiedLesions = classified.count
    var counts: [String: Int] = [:]
    for l in classified {
      var keys = ["shape.\(l.shape.shapeClass.rawValue)", "contour.\(l.shape.contourClass.rawValue)", "surface.\(l.shape.surfaceClass.rawValue)"]
      for phase in ["arterial", "venous"] {
        if let grade = l.enhancement[phase]?.grade { keys.append("\(phase).\(grade.rawValue)") }
      }
      for image in ["t2", "nativeT1"] {
        if let signal = l.signal[image]?.grade { keys.append("\(image).\(signal.rawValue)") }
      }
      for key in keys { counts[key, default: 0] += 1 }
    }
    let total = Double(Swift.max(1, classified.count))
    classShares = counts.mapValues { Double($0) / total }
  }

  /// Larger max diameter first; ties by lesion id, so the choice never depends on order.
  static func larger(_ a: LesionReport, _ b: LesionReport) -> Bool {
    a.geometry.maxDiameterMM != b.geometry.maxDiameterMM ? a.geometry.maxDiameterMM > b.geometry.maxDiameterMM : a.id < b.id
  }
}

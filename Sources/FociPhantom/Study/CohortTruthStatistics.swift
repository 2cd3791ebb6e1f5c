import FociCore

/// A phantom cohort's truth in the form of SPEC §7: per-patient distributions, patient
/// shares, and class shares over the one to three largest lesions (of at least 5 mm) of each
/// patient, the lesions the clinical study classified.
public struct CohortTruthStatistics: Sendable, Codable, Equatable {
  public var studies: Int
  public var lesionCount: SummaryStatistics?
  public var burdenPercent: SummaryStatistics?
  public var smallestLesionMM: SummaryStatistics?
  public var largestLesionMM: SummaryStatistics?
  public var largestAvascularZoneMM: SummaryStatistics?
  /// Shares of patients, 0...1.
  public var patientShares: [String: Double]
  /// Shares of the classified lesions per class, 0...1, keyed "shape.round", "arterial.active"...
  public var classShares: [String: Double]

  /// How many of each patient's largest lesions are classified.
  public static let classifiedPerPatient = 3

  public init(_ truths: [PhantomTruth]) {
    studies = truths.count
    lesionCount = SummaryStatistics(truths.map { Double($0.summary.lesionCount) })
    burdenPercent = SummaryStatistics(truths.map(\.summary.burdenPercent))
    smallestLesionMM = SummaryStatistics(truths.compactMap(\.summary.smallestLesionDiameterMM))
    largestLesionMM = SummaryStatistics(truths.compactMap(\.summary.largestLesionDiameterMM))
    largestAvascularZoneMM = SummaryStatistics(truths.compactMap(\.summary.largestAvascularDiameterMM))
    let n = Double(Swift.max(1, truths.count))
    func share(_ test: (PhantomTruth) -> Bool) -> Double { Double(truths.filter(test).count) / n }
    patientShares = [
      "lesions>=5": share { $0.summary.lesionCount >= 5 },
      "lesions>=10": share { $0.summary.lesionCount >= 10 },
      "burden>=50": share { $0.summary.burdenPercent >= 50 },
      "smallest<=5mm": share { ($0.summary.smallestLesionDiameterMM ?? .infinity) <= 5 },
      "avascularZone": share { $0.summary.lesionsWithAvascularZone > 0 },
      "bloodProducts": share { $0.summary.lesionsWithBloodProducts > 0 },
      "fluidLevel": share { $0.summary.lesionsWithFluidLevel > 0 },
      "arterialOnlyFocus": share { $0.summary.arterialOnlyLesions > 0 },
      "shuntMimic": share { $0.summary.mimicCount > 0 },
    ]
    let classified = truths.flatMap { t in
      t.lesions.filter { !$0.small }.sorted { $0.maxDiameterMM > $1.maxDiameterMM }.prefix(CohortTruthStatistics.classifiedPerPatient)
    }
    var counts: [String: Int] = [:]
    for l in classified {
      for key in [
        "shape.\(l.shapeClass.rawValue)", "contour.\(l.contourClass.rawValue)", "surface.\(l.surfaceClass.rawValue)",
        "arterial.\(l.arterialGrade.rawValue)", "venous.\(l.venousGrade.rawValue)", "t2.\(l.t2Class.rawValue)",
        "nativeT1.\(l.nativeT1Class.rawValue)",
      ] {
        counts[key, default: 0] += 1
      }
    }
    let total = Double(Swift.max(1, classified.count))
    var shares: [String: Double] = [:]
    for (key, c) in counts { shares[key] = Double(c) / total }
    for key in [
      "shape.round", "shape.oval", "shape.irregular", "contour.sharp", "contour.blurred", "surface.smooth",
      "surface.lobulated", "arterial.active", "arterial.moderate", "arterial.weak", "venous.active", "venous.moderate",
      "venous.weak", "t2.hyperintense", "t2.isointense", "t2.hypointense", "nativeT1.hyperintense",
      "nativeT1.isointense", "nativeT1.hypointense",
    ] where shares[key] == nil {
      shares[key] = 0
    }
    classShares = shares
  }

  /// The reference figures of SPEC §7 these statistics are compared with (shares 0...1).
  public static let reference: (patientShares: [String: Double], classShares: [String: Double]) = (
    ClinicalReference.patientShares, ClinicalReference.classShares
  )
}

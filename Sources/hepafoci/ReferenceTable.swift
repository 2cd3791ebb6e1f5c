import FociCohort
import FociCore
import FociPhantom

/// Cohort statistics laid out like the clinical reference table (SPEC §7): `phantom` prints
/// its truth this way, `cohort` and `merge` their results.
enum ReferenceTable {
  static func text(_ s: CohortTruthStatistics) -> String {
    layout(
      rows: [s.lesionCount, s.burdenPercent, s.smallestLesionMM, s.largestLesionMM, s.largestAvascularZoneMM],
      patients: s.patientShares, classes: s.classShares, classified: CohortTruthStatistics.classifiedPerPatient,
      last: ("shuntMimic", "shunt mimics"))
  }

  static func text(_ s: CohortStatistics) -> String {
    layout(
      rows: [s.lesionCount, s.burdenPercent, s.smallestLesionMM, s.largestLesionMM, s.largestAvascularZoneMM],
      patients: s.patientShares, classes: s.classShares, classified: CohortStatistics.classifiedPerPatient,
      last: ("shuntLike", "shunt-like flags"))
  }

  private static func layout(
    rows: [SummaryStatistics?], patients p: [String: Double], classes c: [String: Double], classified: Int, last: (key: String, name: String)
  ) -> String {
    func row(_ name: String, _ v: SummaryStatistics?) -> String {
      guard let v else { return name.padding(toLength: 34, withPad: " ", startingAt: 0) + "—" }
      return name.padding(toLength: 34, withPad: " ", startingAt: 0)
        + [v.median, v.min, v.max, v.standardDeviation].map { String(format: "%8.1f", $0) }.joined()
    }
    func percent(_ key: String, in shares: [String: Double]) -> String { String(format: "%.1f", 100 * (shares[key] ?? 0)) }
    func triple(_ prefix: String, _ names: [String]) -> String { names.map { percent(prefix + "." + $0, in: c) }.joined(separator: "/") }
    let names = ["lesions in the liver", "burden, % of liver", "smallest lesion, mm", "largest lesion, mm", "largest avascular zone, mm"]
    return (["quantity (per patient)".padding(toLength: 34, withPad: " ", startingAt: 0) + "  median     min     max      SD"]
      + zip(names, rows).map { row($0, $1) } + [
        "patients: ≥ 5 lesions \(percent("lesions>=5", in: p)) %, ≥ 10 lesions \(percent("lesions>=10", in: p)) %, burden ≥ 50 % \(percent("burden>=50", in: p)) %, smallest ≤ 5 mm \(percent("smallest<=5mm", in: p)) %",
        "          avascular zones \(percent("avascularZone", in: p)) %, blood products \(percent("bloodProducts", in: p)) %, fluid levels \(percent("fluidLevel", in: p)) %, arterial-only foci \(percent("arterialOnlyFocus", in: p)) %, \(last.name) \(percent(last.key, in: p)) %",
        "lesions (\(classified) largest per patient): round/oval/irregular \(triple("shape", ["round", "oval", "irregular"])) %, sharp/blurred \(triple("contour", ["sharp", "blurred"])) %, smooth/lobulated \(triple("surface", ["smooth", "lobulated"])) %",
        "          arterial active/moderate/weak \(triple("arterial", ["active", "moderate", "weak"])) %, venous \(triple("venous", ["active", "moderate", "weak"])) %",
        "          T2 hyper/iso/hypo \(triple("t2", ["hyperintense", "isointense", "hypointense"])) %, native T1 \(triple("nativeT1", ["hyperintense", "isointense", "hypointense"])) %",
      ]).joined(separator: "\n")
  }
}

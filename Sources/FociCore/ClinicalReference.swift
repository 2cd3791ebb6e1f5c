/// The clinical study's figures (SPEC §7) that phantom truth and cohort results are read
/// against: per-patient distributions, shares of patients, and class shares of the one to three
/// largest lesions per patient (all shares 0...1).
public enum ClinicalReference {
  /// Median, range and standard deviation of one per-patient quantity.
  public struct Row: Sendable, Hashable, Codable {
    public var median: Double
    public var min: Double
    public var max: Double
    public var standardDeviation: Double
  }

  public static let lesionCount = Row(median: 26, min: 1, max: 50, standardDeviation: 32)
  public static let burdenPercent = Row(median: 22, min: 1, max: 80, standardDeviation: 23)
  public static let smallestLesionMM = Row(median: 12, min: 5, max: 138, standardDeviation: 22)
  public static let largestLesionMM = Row(median: 56, min: 7, max: 190, standardDeviation: 39)
  /// Over the 62 patients with an avascular zone.
  public static let largestAvascularZoneMM = Row(median: 33, min: 5, max: 185, standardDeviation: 35)

  public static let patientShares: [String: Double] = [
    "lesions>=5": 0.757, "lesions>=10": 0.553, "burden>=50": 0.184, "smallest<=5mm": 0.777, "avascularZone": 0.612,
    "bloodProducts": 0.262, "fluidLevel": 9.0 / 103,
  ]

  public static let classShares: [String: Double] = [
    "shape.round": 0.535, "shape.oval": 0.175, "shape.irregular": 0.29, "contour.sharp": 0.61, "contour.blurred": 0.39,
    "surface.smooth": 0.315, "surface.lobulated": 0.685, "arterial.active": 0.308, "arterial.moderate": 0.326,
    "arterial.weak": 0.366, "venous.active": 0.163, "venous.moderate": 0.554, "venous.weak": 0.283,
    "t2.hyperintense": 0.91, "t2.isointense": 0.065, "t2.hypointense": 0.025, "nativeT1.hyperintense": 0.041,
    "nativeT1.isointense": 0.12, "nativeT1.hypointense": 0.839,
  ]
}

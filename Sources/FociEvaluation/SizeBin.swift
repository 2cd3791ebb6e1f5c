/// The size bins of SPEC §8, by the true lesion's max 3D diameter.
public enum SizeBin: String, Sendable, Codable, CaseIterable, Comparable {
  case under5 = "<5"
  case from5to10 = "5-10"
  case from10to20 = "10-20"
  case atLeast20 = ">=20"

  /// The bin of a diameter in mm (lower bounds inclusive: 5.0 mm is in 5–10).
  public init(diameterMM d: Double) {
    self = d < 5 ? .under5 : d < 10 ? .from5to10 : d < 20 ? .from10to20 : .atLeast20
  }

  public static func < (a: SizeBin, b: SizeBin) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// The reading vocabulary of SPEC §4: the classes a radiologist gives a liver lesion. Shared
/// by the phantom's ground truth and the measurements, so both speak the same words.

/// Signal of a lesion's solid component against the liver parenchyma on one image.
public enum SignalClass: String, Sendable, Hashable, CaseIterable, Codable {
  case hyperintense, isointense, hypointense

  /// Hyperintense at `ratio ≥ 1 + cutoff`, hypointense at `ratio ≤ 1 − cutoff`, else
  /// isointense (SPEC default cutoff 0.10).
  public static func classify(ratio: Double, cutoff: Double = 0.10) -> SignalClass {
    ratio >= 1 + cutoff ? .hyperintense : ratio <= 1 - cutoff ? .hypointense : .isointense
  }
}

/// Enhancement of a lesion's solid component against the parenchyma of the same phase.
public enum EnhancementGrade: String, Sendable, Hashable, CaseIterable, Codable {
  case active, moderate, weak

  /// Active at `ratio ≥ 1 + cutoff`, weak at `ratio ≤ 1 − cutoff`, else moderate (SPEC default
  /// cutoff 0.10).
  public static func classify(ratio: Double, cutoff: Double = 0.10) -> EnhancementGrade {
    ratio >= 1 + cutoff ? .active : ratio <= 1 - cutoff ? .weak : .moderate
  }
}

/// Overall form of a lesion.
public enum ShapeClass: String, Sendable, Hashable, CaseIterable, Codable {
  case round, oval, irregular
}

/// Sharpness of a lesion's edge against the liver.
public enum ContourClass: String, Sendable, Hashable, CaseIterable, Codable {
  case sharp, blurred
}

/// Smoothness of a lesion's surface.
public enum SurfaceClass: String, Sendable, Hashable, CaseIterable, Codable {
  case smooth, lobulated
}

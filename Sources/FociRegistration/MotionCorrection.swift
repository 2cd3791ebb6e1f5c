import FociCore

/// Inter-phase motion correction of one post-contrast phase against the native one: estimate
/// the shift by phase correlation, and apply it only when it is plausible.
///
/// A breath-hold rarely moves the liver by more than a couple of centimetres, and a weak
/// correlation peak means the estimate cannot be trusted; either way the phase is left as it
/// is and the decision is reported, so a reader can see why.
public struct MotionCorrection: Sendable, Hashable, Codable {
  /// Shifts longer than this (mm) are reported, not applied. Default 20 mm.
  public var maximumShiftMM = 20.0
  /// Peaks lower than this (0...1) are reported, not applied. Default 0.05: a shifted copy
  /// with scanner-like noise gives 0.3-0.9, unrelated images under 0.05.
  public var minimumPeak = 0.05
  /// Voxels around the mask's bounding box that take part.
  public var marginVoxels = 8
  /// Shifts under this many voxels along every axis are reported, not applied: the estimate
  /// is not that precise (≈ 0.05–0.1 voxel on phantoms), and trilinear resampling would blur
  /// every edge by more than it corrects. Default 0.1.
  public var minimumShiftVoxels = 0.1

  public init() {}

  /// What happened to one phase.
  public struct Outcome: Sendable, Hashable, Codable {
    public enum Decision: String, Sendable, Hashable, Codable {
      case applied, shiftTooLarge, weakPeak, negligible
    }
    public var estimate: TranslationEstimate
    public var decision: Decision
    public var applied: Bool { decision == .applied }
  }

  /// Estimates the shift of `moving` against `fixed` inside `mask` and returns the moving
  /// volume aligned when the shift passes both checks (else unchanged), with the outcome.
  public func correct(
    _ moving: Volume<Float>, against fixed: Volume<Float>, mask: Volume<UInt8>?
  ) throws(RegistrationError) -> (volume: Volume<Float>, outcome: Outcome) {
    let outcome = try assess(moving, against: fixed, mask: mask)
    guard outcome.applied else { return (moving, outcome) }
    return (Translation.resample(moving, shiftVoxels: outcome.estimate.shiftVoxels), outcome)
  }

  /// The estimate and the decision alone, for callers that apply the shift themselves (such
  /// as detection, which resamples and subtracts in one pass).
  public func assess(
    _ moving: Volume<Float>, against fixed: Volume<Float>, mask: Volume<UInt8>?
  ) throws(RegistrationError) -> Outcome {
    try assess(moving, against: reference(fixed, mask: mask))
  }

  /// The reference this policy registers against, for several phases in a row.
  public func reference(_ fixed: Volume<Float>, mask: Volume<UInt8>?) throws(RegistrationError) -> PhaseCorrelation.Reference {
    try PhaseCorrelation.Reference(fixed: fixed, mask: mask, marginVoxels: marginVoxels)
  }

  /// `assess` against a prepared reference.
  public func assess(_ moving: Volume<Float>, against reference: PhaseCorrelation.Reference) throws(RegistrationError) -> Outcome {
    let estimate = try reference.estimate(moving)
    let decision: Outcome.Decision =
      estimate.magnitudeMM > maximumShiftMM ? .shiftTooLarge
      : estimate.peak < minimumPeak ? .weakPeak
      : pointwiseMax(estimate.shiftVoxels, -estimate.shiftVoxels).max() < minimumShiftVoxels ? .negligible
      : .applied
    return Outcome(estimate: estimate, decision: decision)
  }
}

import FociCore
import FociRegistration

/// Every setting of detection (SPEC §3), each with its documented default.
public struct DetectionSettings: Sendable, Hashable, Codable {
  /// How candidate voxels are chosen from the arterial − native subtraction.
  public enum Threshold: Sendable, Hashable, Codable {
    /// median + k · 1.4826 · MAD of the subtraction inside the liver mask (default k = 3).
    case robust(k: Double)
    /// A fixed subtraction value, in scanner units.
    case absolute(Double)
  }

  public var threshold = Threshold.robust(k: 3)
  /// Gaussian pre-smoothing of the subtraction, σ in mm (0 = none, the default).
  public var smoothingSigmaMM = 0.0
  /// Connectivity of foci (default 26).
  public var connectivity = Connectivity.corners26
  /// Foci smaller than this are dropped (default 3 voxels).
  public var minimumVoxels = 3
  /// Fill each focus's enclosed holes, giving the lesion extent (default on).
  public var fillHoles = true
  /// Layers a clearly enhancing focus may be trimmed by to its half-contrast edge
  /// (`HalfContrastEdges`; default 2, 0 = off).
  public var halfContrastLayers = 2
  /// Enhancing foci holding separate peaks are split into one focus per peak before the trim
  /// (`EnhancingPeaks`): a peak parts from another where both rise this factor over the
  /// saddle between them, on the subtraction over the parenchyma's median in shares of the
  /// threshold's margin (default 1.25; ≤ 1 = off). Seed-1 benchmark cohort: 4 lesions found
  /// that were merged with a neighbour, 1 lost, 8 more split fragments (seed 2: no lesion
  /// changed, 7 more fragments); on the unsmoothed subtraction, or at 1.15, large lesions came
  /// apart in dozens of pieces, and at 1.4 only 1 lesion was gained.
  public var peakSplitRatio = 1.25
  /// The fewest voxels each of two peaks holds where they part (default 3).
  public var peakSplitVoxels = 3
  /// Gaussian smoothing of the subtraction the peaks are read on, σ in mm (default 1.5).
  public var peakSplitSigmaMM = 1.5
  /// Parts the half-contrast trim peels away that lie beyond its reach (at least 3 steps from
  /// what the focus keeps) and hold at least this many voxels, half of them over the threshold,
  /// are kept as foci of their own: weaker lesions touching a strongly enhancing one
  /// (`HalfContrastEdges`; default 3, 0 = off). Seed-1 benchmark cohort: 2 lesions of 8–9 mm
  /// found, no other label changed; seed 2: no label changed. The same rescue in the second
  /// channel's trim found 1 lesion and lost 1, for 4 more false positives, so it is not used there.
  public var peeledNeighbourVoxels = 3
  /// Motion correction of the arterial phase (default: on, 20 mm bound, peak floor 0.05).
  public var motionCorrection: MotionCorrection? = MotionCorrection()
  /// The second channel for lesions that do not enhance more than the liver (native darkness
  /// off vessels, venous darkness; used when a portal venous phase is given; nil = off). Its k
  /// and contrast floor scale with the arterial k in a threshold sweep.
  public var hypointense: HypointenseChannel? = HypointenseChannel()

  public init() {}

  // Decoding takes the default for every field a file lacks, so settings written by an older
  // version (before a field existed) still read back.
  private enum CodingKeys: String, CodingKey {
    case threshold, smoothingSigmaMM, connectivity, minimumVoxels, fillHoles, halfContrastLayers, peakSplitRatio, peakSplitVoxels, peakSplitSigmaMM
    case peeledNeighbourVoxels, motionCorrection, hypointense
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = DetectionSettings()
    threshold = try c.decodeIfPresent(Threshold.self, forKey: .threshold) ?? d.threshold
    smoothingSigmaMM = try c.decodeIfPresent(Double.self, forKey: .smoothingSigmaMM) ?? d.smoothingSigmaMM
    connectivity = try c.decodeIfPresent(Connectivity.self, forKey: .connectivity) ?? d.connectivity
    minimumVoxels = try c.decodeIfPresent(Int.self, forKey: .minimumVoxels) ?? d.minimumVoxels
    fillHoles = try c.decodeIfPresent(Bool.self, forKey: .fillHoles) ?? d.fillHoles
    // Absent means off: files from before the trim reproduce their foci.
    halfContrastLayers = try c.decodeIfPresent(Int.self, forKey: .halfContrastLayers) ?? 0
    // Absent means off, for the same reason.
    peakSplitRatio = try c.decodeIfPresent(Double.self, forKey: .peakSplitRatio) ?? 0
    peakSplitVoxels = try c.decodeIfPresent(Int.self, forKey: .peakSplitVoxels) ?? d.peakSplitVoxels
    peakSplitSigmaMM = try c.decodeIfPresent(Double.self, forKey: .peakSplitSigmaMM) ?? d.peakSplitSigmaMM
    // Absent means off, for the same reason.
    peeledNeighbourVoxels = try c.decodeIfPresent(Int.self, forKey: .peeledNeighbourVoxels) ?? 0
    // Absent means off: older files predate the channel, and `--no-hypointense` omits it.
    motionCorrection = try c.decodeIfPresent(MotionCorrection.self, forKey: .motionCorrection)
    hypointense = try c.decodeIfPresent(HypointenseChannel.self, forKey: .hypointense)
  }
}

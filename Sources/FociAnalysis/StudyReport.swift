import FociCore
import FociDetection
import FociMeasurement
import FociRegistration

/// A class and the number it was read from (SPEC §4: report the raw number with the class).
public struct Graded<Grade: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
  /// `EnhancementGrade` (active/moderate/weak) or `SignalClass` (hyper/iso/hypointense).
  public var grade: Grade
  /// The solid component's median over the parenchyma's median in the same image (1.25 = 25 %
  /// brighter); graded against 1 ± the cut-off.
  public var ratio: Double
}

/// Everything measured about one lesion (SPEC §4).
public struct LesionReport: Sendable, Hashable, Codable {
  /// The lesion's value in labels.nii.gz.
  public var id: Int
  public var geometry: LesionGeometry
  /// Voxels of the lesion inside the liver mask (the burden's numerator).
  public var volumeInLiverMM3: Double

  public struct Avascular: Sendable, Hashable, Codable {
    public var voxelCount: Int
    public var volumeMM3: Double
    /// Share of the lesion's voxels.
    public var share: Double
    /// Max 3D diameter of its largest 26-connected part (0 without avascular voxels).
    public var largestZoneDiameterMM: Double
    /// Phases whose subtraction decided it: ["arterial", "venous"], or ["arterial"] without a
    /// venous phase.
    public var phases: [String]
  }
  public var avascular: Avascular

  public struct Capsule: Sendable, Hashable, Codable {
    /// Shortest distance from a voxel centre of the lesion to a voxel centre outside the liver
    /// mask (nil when the mask has no outside on the grid).
    public var distanceMM: Double?
    public var touches: Bool
    /// Share of the lesion's voxels in the third of its depth nearest the capsule.
    public var baseShare: Double
  }
  public var capsule: Capsule

  public struct Shape: Sendable, Hashable, Codable {
    public var shapeClass: ShapeClass
    /// Longest over middle principal axis.
    public var axisRatio: Double
    public var solidity: Double
    public var surfaceClass: SurfaceClass
    public var convexity: Double
    public var contourClass: ContourClass
    /// Lesion–liver contrast in the arterial subtraction over the median gradient across the
    /// lesion's boundary (mm): how wide the edge is.
    public var edgeWidthMM: Double
  }
  public var shape: Shape

  /// Arterial, venous and delayed enhancement of the solid component (phases given only).
  public var enhancement: [String: Graded<EnhancementGrade>]
  /// Signal class on native T1 and on each T2 (by its name).
  public var signal: [String: Graded<SignalClass>]
  /// Mean ADC of the solid component (10⁻⁶ mm²/s) where an ADC map is given.
  public var meanADC: Double?

  public struct BloodProducts: Sendable, Hashable, Codable {
    public var present: Bool
    /// Share of the lesion's voxels hyperintense on native T1.
    public var share: Double
  }
  public var bloodProducts: BloodProducts

  /// A flat, gravity-dependent step of signal inside the avascular cavity.
  public struct FluidLevel: Sendable, Hashable, Codable {
    public var present: Bool
    /// Image examined: the first T2's name, or `nativeT1`.
    public var image: String
    /// Share of the cavity's signal variance explained by the best horizontal split (0 when the
    /// cavity is too small to examine).
    public var explainedVariance: Double
    /// Mean of the dependent (lower) layer over the upper layer's.
    public var lowerToUpper: Double
    /// Height of the split along −gravity, in world mm.
    public var levelMM: Double?
  }
  public var fluidLevel: FluidLevel

  public struct Flags: Sendable, Hashable, Codable {
    public var small: Bool
    public var arterialOnly: Bool
    public var shuntLike: Bool
  }
  public var flags: Flags
  /// The detection channels the lesion's voxels came from (nil only in documents written
  /// before schema version 1.3.0).
  public var detectedBy: FocusChannels?
}

/// Per-study figures (SPEC §5).
public struct StudySummary: Sendable, Hashable, Codable {
  public var lesionCount: Int
  public var liverVolumeML: Double
  public var lesionVolumeML: Double
  /// Lesion volume inside the liver mask over the liver volume, × 100.
  public var burdenPercent: Double
  public var smallestLesionMM: Double?
  public var largestLesionMM: Double?
  public var largestAvascularZoneMM: Double?
  public var flagCounts: [String: Int]
  /// Lesions per `FocusChannels.channel` (`arterial`, `hypointense`, `both`; nil only in
  /// documents written before schema version 1.3.0).
  public var channelCounts: [String: Int]?
  /// Share of lesions per class, by category (`shape`, `surface`, `contour`, `arterial`, ...).
  public var classShares: [String: [String: Double]]
}

/// Statistics of the parenchyma (liver-mask voxels outside the lesions) in one image.
public struct ParenchymaFigures: Sendable, Hashable, Codable {
  public var median: Double
  public var voxelCount: Int
}

/// Detection figures of the study.
public struct DetectionFigures: Sendable, Hashable, Codable {
  /// Subtraction statistics inside the liver mask and the threshold applied.
  public var subtractionMedian: Double
  public var subtractionMAD: Double
  public var threshold: Double
}

/// Motion correction of one post-contrast phase.
public struct MotionReport: Sendable, Hashable, Codable {
  public var shiftMM: [Double]
  public var shiftVoxels: [Double]
  public var magnitudeMM: Double
  public var peak: Double
  public var peakToSecond: Double?
  /// `applied`, `shiftTooLarge`, `weakPeak`, `negligible` (under a tenth of a voxel), or `off`.
  public var decision: String

  init(_ outcome: MotionCorrection.Outcome?) {
    guard let outcome else {
      (shiftMM, shiftVoxels, magnitudeMM, peak, peakToSecond, decision) = ([0, 0, 0], [0, 0, 0], 0, 0, nil, "off")
      return
    }
    let e = outcome.estimate
    shiftMM = [e.shiftMM.x, e.shiftMM.y, e.shiftMM.z]
    shiftVoxels = [e.shiftVoxels.x, e.shiftVoxels.y, e.shiftVoxels.z]
    magnitudeMM = e.magnitudeMM
    peak = e.peak
    peakToSecond = e.peakToSecond.isFinite ? e.peakToSecond : nil
    decision = outcome.decision.rawValue
  }
}

/// What `StudyAnalysis.analyze` returns besides the label map.
public struct StudyReport: Sendable, Codable {
  public var summary: StudySummary
  public var detection: DetectionFigures
  public var motion: [String: MotionReport]
  public var parenchyma: [String: ParenchymaFigures]
  public var lesions: [LesionReport]
}

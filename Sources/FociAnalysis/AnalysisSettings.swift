import FociCore
import FociDetection

/// Every setting of `analyze` (SPEC §3–4), each with its documented default; written back
/// into lesions.json so a run can be repeated with other values.
public struct AnalysisSettings: Sendable, Hashable, Codable {
  /// Detection (threshold, smoothing, connectivity, minimum size, hole filling, motion
  /// correction of the arterial phase; the same motion policy is applied to venous and delayed).
  public var detection = DetectionSettings()
  /// Signal and enhancement classes: hyper/active at ≥ +cutoff against the parenchyma, hypo/weak
  /// at ≤ −cutoff, iso/moderate between. Default 0.10 (±10 %).
  public var signalCutoff = 0.10
  /// A voxel of a lesion is avascular when its subtraction is under
  /// `avascularK` · 1.4826 · MAD of the parenchyma's subtraction in the arterial phase and (when
  /// given) in the venous phase: it does not enhance distinguishably from zero. Default 3.
  public var avascularK = 3.0
  /// Lesions with a max 3D diameter under this are flagged `small`. Default 5 mm.
  public var smallDiameterMM = 5.0
  /// Blood products are flagged when at least this share of a lesion's voxels is hyperintense
  /// on native T1 (≥ +`signalCutoff` against the parenchyma). Default 0.10.
  public var bloodProductsMinShare = 0.10
  /// Shape: irregular when solidity is under this. Default 0.70.
  public var irregularSolidityBelow = 0.70
  /// Shape: oval when the longest principal axis is at least this times the middle one
  /// (and not irregular), else round. Default 1.4.
  public var ovalAxisRatio = 1.4
  /// Surface: lobulated when convexity is under this, else smooth. Default 0.90.
  public var lobulatedConvexityBelow = 0.90
  /// Contour: blurred when the edge width (lesion–liver contrast over the median gradient
  /// across the lesion's boundary) is at least this, else sharp. Default 3 mm.
  public var blurredEdgeWidthMM = 3.0
  /// A lesion touches the capsule when one of its voxel centres is within this distance of a
  /// voxel centre outside the liver mask. Default: 0 = the grid's largest voxel side.
  public var capsuleContactMM = 0.0
  /// `shuntLike`: touching the capsule and wedge-shaped, i.e. at least this share of its voxels
  /// lies in the third of its depth nearest the capsule (a cone with its base on the capsule:
  /// 0.70; a sphere: 0.26; a hemisphere: 0.48). Default 0.55.
  public var shuntBaseShare = 0.55

  public init() {}
}

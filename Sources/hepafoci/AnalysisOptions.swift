import ArgumentParser
import FociAnalysis
import FociCore
import FociDetection
import FociRegistration

/// Every setting of the analysis as a flag with its default: shared by `analyze` and `cohort`.
struct AnalysisOptions: ParsableArguments {
  @Option(help: "Detection threshold: median + K·1.4826·MAD of the liver's subtraction.") var k = 3.0
  @Option(help: "Absolute detection threshold (scanner units) instead of the MAD rule.") var threshold: Double?
  @Option(help: "Gaussian pre-smoothing of the subtraction, σ in mm (0 = none).") var smoothing = 0.0
  @Option(help: "Connectivity of foci: 6, 18 or 26.") var connectivity: Connectivity = .corners26
  @Option(help: "Smallest focus kept, in voxels.") var minVoxels = 3
  @Flag(help: "Do not fill the holes foci enclose (the lesion is then the enhancing part only).") var noFillHoles = false
  @Option(help: "Layers a focus of clear contrast may be trimmed by to where it is half as far from the liver as its own level: enhancing foci on the subtraction, the hypointense channel's regions on their score (0 = off).")
  var halfContrastLayers = 2
  @Option(help: "Enhancing foci holding separate peaks are split into one focus per peak before the trim: two peaks part where both rise this factor over the saddle between them (subtraction over the liver's median, in shares of the threshold's margin; 0 = off).")
  var peakSplit = 1.25
  @Option(help: "The fewest voxels each of two peaks holds where they part (see --peak-split).") var peakSplitVoxels = 3
  @Option(help: "Gaussian smoothing of the subtraction that --peak-split reads peaks on, σ in mm (0 = none).") var peakSplitSmoothing = 1.5
  @Option(help: "Parts the half-contrast trim peels from an enhancing focus that lie beyond its reach (3 steps from what it keeps) and hold at least this many voxels, half of them over the threshold, are kept as lesions of their own: a weaker lesion touching a strongly enhancing one (0 = off).")
  var peeledNeighbourVoxels = 3
  @Flag(help: "Do not correct breath-hold shifts between phases.") var noMotionCorrection = false
  @Flag(help: "Arterial subtraction only: no second channel for lesions darker than the liver around them on native T1 (off vessels) or in the venous phase.")
  var noHypointense = false
  @Option(help: "Hypointense channel: seeds at median + K·1.4826·MAD of the parenchyma's darkness.") var hypointenseK = 4.0
  @Option(help: "Hypointense channel: seeds at least this much darker than the local liver (0.10 = 10 %).") var hypointenseContrast = 0.10
  @Option(help: "Hypointense channel: regions grow into voxels over this share of the seed threshold.") var hypointenseGrow = 1.0
  @Option(help: "Hypointense channel: smoothing inside the liver, σ in mm.") var hypointenseSmoothing = 2.0
  @Option(help: "Hypointense channel: native-dark voxels brighter in the venous phase by this share of their native darkness are vessels.")
  var hypointenseVesselExcess = 0.2
  @Option(help: "Hypointense channel: native-dark parts a ball of this radius (mm) fits in are too wide for a vessel: where the voxel test takes most of such a part for vessels, its darkness counts whatever the venous phase shows; with a T2, arterial-dark parts as wide that nothing else scores seed on their arterial darkness (0 = off).")
  var hypointenseVesselRadius = 8.0
  @Flag(help: "Hypointense channel: no seeds on venous brightness in parts wider than a vessel (see --hypointense-vessel-radius) that nothing on T1 scores.")
  var noHypointenseVenousWide = false
  @Flag(help: "Hypointense channel: no seeds on ADC darkness (restricted diffusion) in parts of the liver nothing else scores.")
  var noHypointenseAdc = false
  @Option(help: "Hypointense channel: Gaussian smoothing of the ADC darkness inside the liver, σ in mm.") var hypointenseAdcSmoothing = 2.0
  @Option(help: "Hypointense channel: ADC seeds at least this much darker than the parenchyma's median ADC (0.15 = 15 %).")
  var hypointenseAdcContrast = 0.15
  @Option(help: "Hypointense channel: lesion cores (watershed markers) score over this multiple of the seed threshold.")
  var hypointenseCore = 2.0
  @Option(help: "Hypointense channel: smallest region kept, in voxels (smaller ones only by --hypointense-small-voxels).") var hypointenseMinVoxels = 10
  @Option(help: "Hypointense channel: regions from this many voxels up to --hypointense-min-voxels are kept when their mean score is at least --hypointense-small-score (0 = off).")
  var hypointenseSmallVoxels = 6
  @Option(help: "Hypointense channel: the mean score (darkness as a share of the seed level) a small region needs (see --hypointense-small-voxels).")
  var hypointenseSmallScore = 1.4
  @Option(
    help: "Hypointense channel: regions from --hypointense-small-raw-voxels up to --hypointense-min-voxels are also kept when their unsmoothed native darkness averages at least this (0.15 = 15 %; 0 = off).")
  var hypointenseSmallRawContrast = 0.15
  @Option(help: "Hypointense channel: the smallest region --hypointense-small-raw-contrast keeps, in voxels.")
  var hypointenseSmallRawVoxels = 4
  @Flag(help: "Hypointense channel: only regions with a core (see --hypointense-core) are lesions.") var hypointenseCoresOnly = false
  @Option(help: "Hypointense channel with a T2: voxels whose T2 and T1 scores (shares of their seed levels) have a geometric mean over this seed lesions too (0 = off).")
  var hypointenseJoint = 0.5
  @Option(help: "Hypointense channel: smoothing of the maps the joint T1–T2 score reads, σ in mm (0 = --hypointense-smoothing).")
  var hypointenseJointSmoothing = 1.0
  @Flag(help: "Hypointense channel: the local liver level is a weighted mean, not a weighted local plane (the level of versions before 2026-11-29).")
  var hypointenseMeanLevel = false
  @Option(help: "Hypointense channel: passes that take obviously dark voxels out of the liver level, so lesions wider than its window show whole (1 = a single pass).")
  var hypointensePasses = 2
  @Option(
    help: "Hypointense channel: the exclusion passes take voxels for obviously dark over 3 robust SDs of the liver's darkness or over this darkness where that is higher (0.16 = 16 %; older versions used 0.20).")
  var hypointenseObviousCap = 0.16
  @Option(
    help: "Hypointense channel: each exclusion pass also leaves voxels whose unsmoothed native or venous ratio to the level is further from the parenchyma's median than this many robust SDs out of the level (0 = off).")
  var hypointenseOutlierZ = 0.0
  @Option(help: "Hypointense channel: smallest T2 brightness of a seed against the local liver (0.30 = 30 %).") var hypointenseT2Contrast = 0.30
  @Option(
    help: "Hypointense channel with a T2: T2 gets a level of its own, without the voxels brighter on T2 than 3 robust SDs over the parenchyma's brightness or this brightness where that is lower (0.16 = 16 %; 0 = T2 against the T1 phases' reference, as versions before 2026-12-01 did).")
  var hypointenseT2LevelCap = 0.16
  @Option(help: "Hypointense channel with a T2: the least brightness --hypointense-t2-level-cap leaves out, so that a coil field's shading stays in T2's reference (0.10 = 10 %).")
  var hypointenseT2LevelFloor = 0.10
  @Flag(help: "Hypointense channel: leave arterial-phase darkness out of the joint scores (as versions before 2026-11-30 did).")
  var noHypointenseArterial = false
  @Option(help: "Hypointense channel with a T2: voxels whose fused score (robust z-scores of T2 brightness and native and arterial darkness, summed over the root of their number) is over this level seed lesions too (0 = off).")
  var hypointenseFused = 3.0
  @Option(help: "Hypointense channel with a T2: T2 brightness over this many robust SDs of the liver's rules out a vessel in the joint and fused scores (0 = off).")
  var hypointenseT2NotVessel = 3.0
  @Option(help: "Hypointense channel with a T2: the joint and fused scores find lesions in a pass of their own, kept clear of the plain pass's lesions and in areas of at most this many voxels (0 = merged into the plain score where no plain voxel passes).")
  var hypointenseJointArea = 5000
  @Option(help: "Hypointense channel with a T2: in an area over --hypointense-joint-area, the joint pass's lesions clear of the plain pass's are kept when the area holds at most this many (0 = none kept).")
  var hypointenseJointWideLesions = 4
  @Option(help: "Hypointense channel: a lesion core holding peaks that each rise this factor over the level where they part is split into one watershed marker per peak (0 = off).")
  var hypointenseCoreSplit = 1.25
  @Option(help: "Hypointense channel: the fewest voxels a peak holds where it parts, to split a core (see --hypointense-core-split).")
  var hypointenseCoreSplitVoxels = 3
  @Option(help: "Hypointense channel: a region touching an enhancing focus along at most this share of its surface (and not overlapping it) is kept apart from it, a lesion beside its neighbour (0 = off: joined wherever they touch).")
  var hypointenseNeighbourContact = 0.15
  @Option(help: "Hypointense channel: enhancing foci under this many voxels are not neighbours to keep apart from (see --hypointense-neighbour-contact).")
  var hypointenseNeighbourFocus = 20
  @Option(help: "Hypointense channel: a region with a median venous ratio to the local liver of at least this and a median T2 ratio of at most --hypointense-vessel-t2 is a vein and dropped (0 = off; needs venous and T2 images).")
  var hypointenseVesselVenous = 1.0
  @Option(help: "Hypointense channel: the T2 side of the region vein test (see --hypointense-vessel-venous).")
  var hypointenseVesselT2 = 0.85
  @Option(help: "Hypointense channel: regions of more voxels than this are never taken for veins (see --hypointense-vessel-venous).")
  var hypointenseVesselMaxVoxels = 1000
  @Option(help: "Hypointense channel: a region at least --hypointense-vessel-lesion-radius thick is not a vein when its venous excess (median venous ratio - 1) is under this share of its T2 deficit (1 - median T2 ratio) (0 = off).")
  var hypointenseVesselVenousShare = 0.15
  @Option(help: "Hypointense channel: a joint-pass lesion a plain lesion comes within a voxel of is kept, without its voxels that near, when at least this share of its voxels lie farther (0 = never).")
  var hypointenseJointApartShare = 0.6
  @Option(help: "Hypointense channel with a T2: a plain-pass lesion holding two or more joint-pass lesions of at least this many voxels (each 90 % inside it) is replaced by them (0 = never).")
  var hypointenseJointSplitVoxels = 400
  @Option(help: "Hypointense channel: the fewest voxels that must lie apart for --hypointense-joint-apart-share.")
  var hypointenseJointApartVoxels = 8
  @Option(help: "Hypointense channel: the thickness, in mm, from which --hypointense-vessel-venous-share applies (the radius of a tube of the region's volume as long as its bounding box's diagonal).")
  var hypointenseVesselLesionRadius = 3.5
  @Option(help: "Hypointense channel: a region with at least this share of its voxels within the capsule margin is partial volume at the liver's edge and dropped (0 = off).")
  var hypointenseCapsuleBand = 0.9
  @Flag(help: "Hypointense channel: leave the arterial channel's foci out of the region vein test (see --hypointense-vessel-venous).")
  var noHypointenseVeinFoci = false
  @Option(help: "Largest shift applied by motion correction, mm.") var maxShift = 20.0
  @Option(help: "Weakest correlation peak (0...1) accepted by motion correction.") var minPeak = 0.05
  @Option(help: "Signal and enhancement class cut-off: ±this ratio against the parenchyma.") var signalCutoff = 0.10
  @Option(help: "Avascular: subtraction under this many robust SDs of the parenchyma's, in each phase.") var avascularK = 3.0
  @Option(help: "Lesions with a max 3D diameter under this (mm) are flagged small.") var smallDiameter = 5.0
  @Option(help: "Blood products: flagged when at least this share of voxels is bright on native T1.") var bloodProductsShare = 0.10
  @Option(help: "Shape: irregular under this solidity (voxels over the digital convex hull's).") var irregularSolidity = 0.90
  @Option(help: "Shape: irregular too from this radial roughness.") var irregularRoughness = 0.08
  @Option(help: "Shape: oval from this ratio of the longest to the middle principal axis.") var ovalAxisRatio = 1.3
  @Option(help: "Surface: lobulated from this radial roughness (RMS relative deviation of the boundary from its fitted ellipsoid, beyond voxel sampling).")
  var lobulatedRoughness = 0.035
  @Option(help: "Surface: lobulated too under this convexity (hull surface over lesion surface).") var lobulatedConvexity = 0.90
  @Option(help: "Contour: blurred from this edge width, mm (contrast over boundary gradient).") var blurredEdge = 5.3
  @Option(help: "Capsule contact distance, mm (0 = the largest voxel side).") var capsuleContact = 0.0
  @Option(help: "Shunt-like: touching the capsule with at least this share in the third of its depth nearest it (no T2 given).") var shuntBaseShare = 0.55
  @Option(help: "Shunt-like: the same share when a T2 is given (T2-bright lesions are never shunt-like).") var shuntBaseShareWithT2 = 0.40
  @Option(help: "Shunt-like: only lesions with a max 3D diameter up to this, mm.") var shuntMaxDiameter = 50.0

  /// What a numeric flag accepts; each check also fails for NaN.
  enum FlagRange {
    case positive, notNegative, atLeastOne, unitInterval, unitIntervalAboveZero, zeroOrOverOne

    func accepts(_ v: Double) -> Bool {
      switch self {
      case .positive: v > 0
      case .notNegative: v >= 0
      case .atLeastOne: v >= 1
      case .unitInterval: v >= 0 && v <= 1
      case .unitIntervalAboveZero: v > 0 && v <= 1
      case .zeroOrOverOne: v == 0 || v > 1
      }
    }

    var requirement: String {
      switch self {
      case .positive: "be positive"
      case .notNegative: "not be negative"
      case .atLeastOne: "be at least 1"
      case .unitInterval: "be within 0...1"
      case .unitIntervalAboveZero: "be over 0 and at most 1"
      case .zeroOrOverOne: "be 0 (off) or over 1"
      }
    }
  }

  /// Every numeric flag with the values it accepts, in the order of `--help`.
  var rangeChecks: [(flag: String, value: Double, range: FlagRange)] {
    [
      ("--k", k, .positive), ("--smoothing", smoothing, .notNegative), ("--min-voxels", Double(minVoxels), .atLeastOne),
      ("--half-contrast-layers", Double(halfContrastLayers), .notNegative),
      ("--peak-split", peakSplit, .zeroOrOverOne), ("--peak-split-voxels", Double(peakSplitVoxels), .atLeastOne),
      ("--peak-split-smoothing", peakSplitSmoothing, .notNegative), ("--peeled-neighbour-voxels", Double(peeledNeighbourVoxels), .notNegative),
      ("--hypointense-k", hypointenseK, .positive), ("--hypointense-contrast", hypointenseContrast, .notNegative),
      ("--hypointense-grow", hypointenseGrow, .unitIntervalAboveZero), ("--hypointense-smoothing", hypointenseSmoothing, .notNegative),
      ("--hypointense-vessel-excess", hypointenseVesselExcess, .notNegative), ("--hypointense-core", hypointenseCore, .atLeastOne),
      ("--hypointense-vessel-radius", hypointenseVesselRadius, .notNegative),
      ("--hypointense-adc-smoothing", hypointenseAdcSmoothing, .notNegative), ("--hypointense-adc-contrast", hypointenseAdcContrast, .notNegative),
      ("--hypointense-min-voxels", Double(hypointenseMinVoxels), .atLeastOne),
      ("--hypointense-small-voxels", Double(hypointenseSmallVoxels), .notNegative),
      ("--hypointense-small-score", hypointenseSmallScore, .notNegative),
      ("--hypointense-small-raw-contrast", hypointenseSmallRawContrast, .notNegative),
      ("--hypointense-small-raw-voxels", Double(hypointenseSmallRawVoxels), .atLeastOne), ("--hypointense-joint", hypointenseJoint, .notNegative),
      ("--hypointense-joint-smoothing", hypointenseJointSmoothing, .notNegative),
      ("--hypointense-passes", Double(hypointensePasses), .atLeastOne),
      ("--hypointense-obvious-cap", hypointenseObviousCap, .positive),
      ("--hypointense-outlier-z", hypointenseOutlierZ, .notNegative),
      ("--hypointense-t2-contrast", hypointenseT2Contrast, .notNegative), ("--hypointense-fused", hypointenseFused, .notNegative),
      ("--hypointense-t2-level-cap", hypointenseT2LevelCap, .notNegative),
      ("--hypointense-t2-level-floor", hypointenseT2LevelFloor, .notNegative),
      ("--hypointense-t2-not-vessel", hypointenseT2NotVessel, .notNegative),
      ("--hypointense-joint-area", Double(hypointenseJointArea), .notNegative),
      ("--hypointense-joint-wide-lesions", Double(hypointenseJointWideLesions), .notNegative),
      ("--hypointense-core-split", hypointenseCoreSplit, .zeroOrOverOne),
      ("--hypointense-core-split-voxels", Double(hypointenseCoreSplitVoxels), .atLeastOne),
      ("--hypointense-neighbour-contact", hypointenseNeighbourContact, .unitInterval),
      ("--hypointense-neighbour-focus", Double(hypointenseNeighbourFocus), .atLeastOne),
      ("--hypointense-vessel-venous", hypointenseVesselVenous, .notNegative), ("--hypointense-vessel-t2", hypointenseVesselT2, .notNegative),
      ("--hypointense-vessel-max-voxels", Double(hypointenseVesselMaxVoxels), .notNegative),
      ("--hypointense-vessel-venous-share", hypointenseVesselVenousShare, .notNegative),
      ("--hypointense-vessel-lesion-radius", hypointenseVesselLesionRadius, .notNegative),
      ("--hypointense-joint-apart-share", hypointenseJointApartShare, .unitInterval),
      ("--hypointense-joint-apart-voxels", Double(hypointenseJointApartVoxels), .atLeastOne),
      ("--hypointense-joint-split-voxels", Double(hypointenseJointSplitVoxels), .notNegative),
      ("--hypointense-capsule-band", hypointenseCapsuleBand, .unitInterval),
      ("--max-shift", maxShift, .positive), ("--min-peak", minPeak, .unitInterval), ("--signal-cutoff", signalCutoff, .positive),
      ("--avascular-k", avascularK, .positive), ("--small-diameter", smallDiameter, .notNegative),
      ("--blood-products-share", bloodProductsShare, .unitInterval), ("--irregular-solidity", irregularSolidity, .unitInterval),
      ("--irregular-roughness", irregularRoughness, .positive), ("--oval-axis-ratio", ovalAxisRatio, .atLeastOne),
      ("--lobulated-roughness", lobulatedRoughness, .positive), ("--lobulated-convexity", lobulatedConvexity, .positive),
      ("--blurred-edge", blurredEdge, .positive), ("--capsule-contact", capsuleContact, .notNegative),
      ("--shunt-base-share", shuntBaseShare, .unitInterval), ("--shunt-base-share-with-t2", shuntBaseShareWithT2, .unitInterval),
      ("--shunt-max-diameter", shuntMaxDiameter, .positive),
    ]
  }

  /// Rejects the first flag out of its range, naming it, what it must be and the value given.
  func validate() throws {
    for check in rangeChecks where !check.range.accepts(check.value) {
      throw ValidationError("\(check.flag) must \(check.range.requirement) (got \(Self.shown(check.value))).")
    }
  }

  /// A value as the user would have typed it: integers without a decimal point.
  static func shown(_ v: Double) -> String {
    v.isFinite && v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
  }

  var settings: AnalysisSettings {
    var s = AnalysisSettings()
    s.detection.threshold = threshold.map { .absolute($0) } ?? .robust(k: k)
    s.detection.smoothingSigmaMM = smoothing
    s.detection.connectivity = connectivity
    s.detection.minimumVoxels = minVoxels
    s.detection.fillHoles = !noFillHoles
    s.detection.halfContrastLayers = halfContrastLayers
    s.detection.peakSplitRatio = peakSplit
    s.detection.peakSplitVoxels = peakSplitVoxels
    s.detection.peeledNeighbourVoxels = peeledNeighbourVoxels
    s.detection.peakSplitSigmaMM = peakSplitSmoothing
    if noMotionCorrection {
      s.detection.motionCorrection = nil
    } else {
      var m = MotionCorrection()
      m.maximumShiftMM = maxShift
      m.minimumPeak = minPeak
      s.detection.motionCorrection = m
    }
    if noHypointense {
      s.detection.hypointense = nil
    } else {
      var h = HypointenseChannel()
      h.k = hypointenseK
      h.minimumContrast = hypointenseContrast
      h.growFraction = hypointenseGrow
      h.smoothingSigmaMM = hypointenseSmoothing
      h.vesselVenousExcess = hypointenseVesselExcess
      h.vesselMaximumRadiusMM = hypointenseVesselRadius
      h.venousBrightWide = !noHypointenseVenousWide
      h.adcDarkness = !noHypointenseAdc
      h.adcSmoothingSigmaMM = hypointenseAdcSmoothing
      h.minimumADCContrast = hypointenseAdcContrast
      h.coreFactor = hypointenseCore
      h.minimumVoxels = hypointenseMinVoxels
      h.smallRegionVoxels = hypointenseSmallVoxels
      h.smallRegionMeanScore = hypointenseSmallScore
      h.smallRegionRawContrast = hypointenseSmallRawContrast
      h.rawContrastVoxels = hypointenseSmallRawVoxels
      h.markersWithoutCore = !hypointenseCoresOnly
      h.jointLevel = hypointenseJoint
      h.jointSmoothingSigmaMM = hypointenseJointSmoothing
      h.firstOrderLevel = !hypointenseMeanLevel
      h.exclusionPasses = hypointensePasses
      h.obviousDarknessCap = hypointenseObviousCap
      h.outlierExclusionZ = hypointenseOutlierZ
      h.arterialDarkness = !noHypointenseArterial
      h.fusedLevel = hypointenseFused
      h.t2NotVesselZ = hypointenseT2NotVessel
      h.jointAreaLimitVoxels = hypointenseJointArea
      h.jointWideAreaLesions = hypointenseJointWideLesions
      h.coreSplitRatio = hypointenseCoreSplit
      h.coreSplitVoxels = hypointenseCoreSplitVoxels
      h.neighbourContact = hypointenseNeighbourContact
      h.neighbourFocusVoxels = hypointenseNeighbourFocus
      h.vesselRegionVenousRatio = hypointenseVesselVenous
      h.vesselRegionT2Ratio = hypointenseVesselT2
      h.vesselRegionMaximumVoxels = hypointenseVesselMaxVoxels
      h.vesselRegionVenousShare = hypointenseVesselVenousShare
      h.vesselRegionLesionRadiusMM = hypointenseVesselLesionRadius
      h.jointApartShare = hypointenseJointApartShare
      h.jointApartVoxels = hypointenseJointApartVoxels
      h.jointSplitVoxels = hypointenseJointSplitVoxels
      h.capsuleBandShare = hypointenseCapsuleBand
      h.vesselRegionArterialFoci = !noHypointenseVeinFoci
      h.halfContrastLayers = halfContrastLayers
      h.minimumT2Contrast = hypointenseT2Contrast
      h.t2LevelCap = hypointenseT2LevelCap
      h.t2LevelFloor = hypointenseT2LevelFloor
      s.detection.hypointense = h
    }
    s.signalCutoff = signalCutoff
    s.avascularK = avascularK
    s.smallDiameterMM = smallDiameter
    s.bloodProductsMinShare = bloodProductsShare
    s.irregularSolidityBelow = irregularSolidity
    s.ovalAxisRatio = ovalAxisRatio
    s.irregularRoughnessAbove = irregularRoughness
    s.lobulatedConvexityBelow = lobulatedConvexity
    s.lobulatedRoughnessAbove = lobulatedRoughness
    s.blurredEdgeWidthMM = blurredEdge
    s.capsuleContactMM = capsuleContact
    s.shuntBaseShare = shuntBaseShare
    s.shuntBaseShareWithT2 = shuntBaseShareWithT2
    s.shuntMaxDiameterMM = shuntMaxDiameter
    return s
  }
}

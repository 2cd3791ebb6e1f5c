import FociComponents
import FociCore
import FociFilters
import FociRegistration

/// Finds arterial-phase foci in one study (SPEC §3 steps 2–5): motion correction of the
/// arterial phase against the native one inside the liver, subtraction, a threshold from the
/// liver's own subtraction statistics, 3D connected components inside the liver, the minimum
/// size, and hole filling.
public enum FocusDetection {
  /// What detection found, with the figures behind it.
  public struct Result: Sendable {
    /// Foci numbered 1...N in raster order of their first voxel, on the native grid.
    public var foci: ComponentLabels
    /// Per focus (index id − 1), the channels its voxels came from.
    public var channels: [FocusChannels]
    /// The subtraction (arterial after correction − native).
    public var subtraction: Volume<Float>
    /// The subtraction's median and MAD inside the liver.
    public var liverStatistics: RobustStatistics
    /// The threshold applied to the subtraction.
    public var thresholdValue: Double
    /// Motion correction of the arterial phase, if it was attempted.
    public var motion: MotionCorrection.Outcome?
    /// Motion correction of the venous phase, if one was given and correction is on.
    public var venousMotion: MotionCorrection.Outcome?
    /// The venous phase aligned to the native one inside the liver's box (and two voxels
    /// around it), if one was given.
    public var venousAligned: Volume<Float>?
    /// The maps behind the thresholds, when asked for (`Preparation.diagnosticMaps`).
    public var diagnosticMaps: [DiagnosticMap]?
  }

  /// Why a study could not be examined.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case gridsDiffer(String)
    case emptyLiverMask
    case registration(RegistrationError)

    public var description: String {
      switch self {
      case .gridsDiffer(let what): "\(what) do not occupy the native phase's grid"
      case .emptyLiverMask: "the liver mask has no voxel with finite subtraction values"
      case .registration(let error): "motion correction failed: \(error.description)"
      }
    }
  }

  /// Detection up to the threshold: the corrected subtraction and the liver's statistics. A
  /// threshold sweep (FROC) prepares once and calls `foci(threshold:)` per threshold.
  public struct Preparation: Sendable {
    public var subtraction: Volume<Float>
    public var liverMask: Volume<UInt8>
    public var liverStatistics: RobustStatistics
    public var motion: MotionCorrection.Outcome?
    public var venousMotion: MotionCorrection.Outcome?
    public var venousAligned: Volume<Float>?
    public var settings: DetectionSettings
    /// The hypointense channel's maps (nil without a venous phase or with the channel off).
    var hypointense: HypointenseMaps?

    /// The subtraction value `threshold` stands for in this study.
    public func thresholdValue(_ threshold: DetectionSettings.Threshold) -> Double {
      switch threshold {
      case .robust(let k): liverStatistics.threshold(k: k)
      case .absolute(let value): value
      }
    }

    /// Foci above `threshold` with the preparation's connectivity, minimum size and hole filling,
    /// joined by the hypointense channel's regions. In a sweep (`hypointenseScale`), the
    /// channel's k and contrast floor are its settings times the scale, so both channels
    /// tighten together.
    public func foci(threshold: DetectionSettings.Threshold, hypointenseScale: Double = 1) -> ComponentLabels {
      detectFoci(threshold: threshold, hypointenseScale: hypointenseScale, countChannels: false).foci
    }

    /// `foci(threshold:)` with the channels each focus's voxels came from.
    public func fociWithChannels(threshold: DetectionSettings.Threshold) -> (foci: ComponentLabels, channels: [FocusChannels]) {
      let found = detectFoci(threshold: threshold, hypointenseScale: 1, countChannels: true)
      return (found.foci, found.channels ?? [])
    }

    func detectFoci(
      threshold: DetectionSettings.Threshold, hypointenseScale: Double, countChannels: Bool
    ) -> (foci: ComponentLabels, channels: [FocusChannels]?) {
      var candidates = StageClock.measure("detection.candidates") { arterialCandidates(threshold) }
      if let hypointense {
        StageClock.measure("hypointense.arterialVeins") { hypointense.dropVeins(fromArterial: &candidates, fullDims: subtraction.grid.dims) }
        hypointense.addCandidates(scale: hypointenseScale, to: &candidates, fullDims: subtraction.grid.dims)
      }
      var foci = StageClock.measure("detection.components") {
        ConnectedComponents.label(
          Volume(grid: subtraction.grid, voxels: candidates), connectivity: settings.connectivity,
          minimumVoxels: settings.minimumVoxels)
      }
      if settings.fillHoles {
        foci = StageClock.measure("detection.holes") { HoleFilling.fillHoles(in: foci, connectivity: settings.connectivity) }
      }
      // The split and the trim read the subtraction against the same two levels.
      let (parenchyma, limit) = (Float(liverStatistics.median), Float(thresholdValue(threshold)))
      if settings.peakSplitRatio > 1 {
        foci = StageClock.measure("detection.peaks") {
          EnhancingPeaks.split(
            foci, values: subtraction.voxels, parenchyma: parenchyma, threshold: limit, ratio: Float(settings.peakSplitRatio),
            minimumVoxels: settings.peakSplitVoxels, sigmaMM: settings.peakSplitSigmaMM, connectivity: settings.connectivity)
        }
      }
      foci = StageClock.measure("detection.trim") {
        HalfContrastEdges.trim(
          foci, values: subtraction.voxels, parenchyma: parenchyma, threshold: limit,
          layers: settings.halfContrastLayers, connectivity: settings.connectivity, minimumVoxels: settings.minimumVoxels,
          fillHoles: settings.fillHoles, neighbourVoxels: settings.peeledNeighbourVoxels)
      }
      guard countChannels else { return (foci, nil) }
      return (foci, StageClock.measure("detection.channels") { FocusChannels.count(foci, candidates: candidates) })
    }

    /// Liver voxels whose subtraction is above `threshold`.
    func arterialCandidates(_ threshold: DetectionSettings.Threshold) -> [UInt8] {
      let limit = Float(thresholdValue(threshold))
      return subtraction.voxels.withUnsafeBufferPointer { s in
        liverMask.voxels.withUnsafeBufferPointer { m in
          let (sub, mask) = (UncheckedSendable(s), UncheckedSendable(m))
          return ParallelSlabs.array(count: s.count) { range, out in
            for n in range { out[n - range.lowerBound] = mask.value[n] != 0 && sub.value[n] > limit ? FocusChannels.arterialBit : 0 }
          }
        }
      }
    }
  }

  /// - Parameter motionReference: the native phase prepared for registration by
  ///   `settings.motionCorrection` (`MotionCorrection.reference`), when the caller registers
  ///   other phases against it too; made here when nil.
  ///   - venous: the portal venous phase, which enables the hypointense channel (aligned here
  ///     like the arterial phase).
  ///   - t2: a T2 image on any grid (related through world coordinates), which adds T2
  ///     brightness to the hypointense channel.
  ///   - adc: an ADC map on any grid, whose darkness seeds that channel where nothing else does.
  ///   - diagnostics: also return the maps behind the thresholds (`Result.diagnosticMaps`).
  public static func detect(
    native: Volume<Float>, arterial: Volume<Float>, liverMask: Volume<UInt8>, venous: Volume<Float>? = nil,
    t2: Volume<Float>? = nil, adc: Volume<Float>? = nil, settings: DetectionSettings = DetectionSettings(),
    motionReference: PhaseCorrelation.Reference? = nil, diagnostics: Bool = false
  ) throws(Failure) -> Result {
    let prepared = try prepare(
      native: native, arterial: arterial, liverMask: liverMask, venous: venous, t2: t2, adc: adc, settings: settings,
      motionReference: motionReference)
    let (foci, channels) = prepared.fociWithChannels(threshold: settings.threshold)
    return Result(
      foci: foci, channels: channels, subtraction: prepared.subtraction,
      liverStatistics: prepared.liverStatistics, thresholdValue: prepared.thresholdValue(settings.threshold),
      motion: prepared.motion, venousMotion: prepared.venousMotion, venousAligned: prepared.venousAligned,
      diagnosticMaps: diagnostics ? prepared.diagnosticMaps(threshold: settings.threshold) : nil)
  }

  /// Motion correction, subtraction, smoothing, the liver's statistics and the hypointense
  /// channel's maps: everything of `detect` before the thresholds.
  public static func prepare(
    native: Volume<Float>, arterial: Volume<Float>, liverMask: Volume<UInt8>, venous: Volume<Float>? = nil,
    t2: Volume<Float>? = nil, adc: Volume<Float>? = nil, settings: DetectionSettings = DetectionSettings(),
    motionReference: PhaseCorrelation.Reference? = nil
  ) throws(Failure) -> Preparation {
    guard arterial.grid.occupiesSameSpace(as: native.grid) else { throw .gridsDiffer("the arterial phase") }
    guard liverMask.grid.occupiesSameSpace(as: native.grid) else { throw .gridsDiffer("the liver mask") }
    if let venous, !venous.grid.occupiesSameSpace(as: native.grid) { throw .gridsDiffer("the venous phase") }

    var motion: MotionCorrection.Outcome?, venousMotion: MotionCorrection.Outcome?
    if let policy = settings.motionCorrection {
      do {
        let reference: PhaseCorrelation.Reference
        if let motionReference {
          reference = motionReference
        } else {
          reference = try StageClock.measure("detection.registration.reference") { () throws(RegistrationError) in
            try policy.reference(native, mask: liverMask)
          }
        }
        motion = try StageClock.measure("detection.registration.arterial") { () throws(RegistrationError) in
          try policy.assess(arterial, against: reference)
        }
        if let venous {
          venousMotion = try StageClock.measure("detection.registration.venous") { () throws(RegistrationError) in
            try policy.assess(venous, against: reference)
          }
        }
      } catch {
        throw .registration(error)
      }
    }
    // The venous phase is only used inside the liver: only its box is resampled.
    var venousAligned = venous
    if let venous, let venousMotion, venousMotion.applied, let box = liverMask.nonZeroBounds() {
      venousAligned = StageClock.measure("detection.resample.venous") {
        Translation.resample(venous, shiftVoxels: venousMotion.estimate.shiftVoxels, inside: box.lower &- 2, box.upper &+ 2)
      }
    }

    var subtraction = StageClock.measure("detection.subtraction") {
      if let motion, motion.applied {
        Translation.resample(arterial, shiftVoxels: motion.estimate.shiftVoxels, minus: native)
      } else {
        Subtraction.difference(arterial, minus: native)
      }
    }
    let unsmoothed = subtraction
    if settings.smoothingSigmaMM > 0 {
      subtraction = StageClock.measure("detection.smoothing") { GaussianSmoothing.smooth(subtraction, sigmaMM: settings.smoothingSigmaMM) }
    }
    let liverStatistics = StageClock.measure("detection.statistics") { RobustStatistics(of: subtraction, within: liverMask) }
    guard let statistics = liverStatistics else { throw .emptyLiverMask }
    var prepared = Preparation(
      subtraction: subtraction, liverMask: liverMask, liverStatistics: statistics, motion: motion, venousMotion: venousMotion,
      venousAligned: venousAligned, settings: settings)
    if let channel = settings.hypointense, let venousAligned {
      prepared.hypointense = StageClock.measure("hypointense.maps") {
        HypointenseMaps(
          native: native, venous: venousAligned, t2: t2, adc: adc, liverMask: liverMask,
          arterialCandidates: prepared.arterialCandidates(settings.threshold), arterialMinusNative: unsmoothed, settings: channel)
      }
    }
    return prepared
  }
}

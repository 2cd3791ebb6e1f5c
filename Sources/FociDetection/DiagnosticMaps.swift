import FociCore

/// One intermediate map of detection in the native geometry, for reading why a lesion was or
/// was not found (`hepafoci analyze --debug-maps`): overlaid on the native phase in a viewer,
/// a score over 1 is where a channel seeds.
public struct DiagnosticMap: Sendable {
  /// A file stem (`arterial_score` → `arterial_score.nii.gz`).
  public var name: String
  /// What the values are, in one sentence.
  public var meaning: String
  public var volume: Volume<Float>
}

extension FocusDetection.Preparation {
  /// The maps behind the thresholds of `foci(threshold:hypointenseScale:)`, all on the native
  /// grid: the subtraction and its score for both channels, and the hypointense channel's
  /// darkness, brightness and scores when it runs (0 outside the liver's box). They are the
  /// values detection compares, not recomputed approximations.
  public func diagnosticMaps(threshold: DetectionSettings.Threshold, hypointenseScale: Double = 1) -> [DiagnosticMap] {
    let grid = subtraction.grid
    let median = Float(liverStatistics.median), limit = Float(thresholdValue(threshold))
    let span = max(limit - median, Float.leastNormalMagnitude)
    let arterial = subtraction.voxels.withUnsafeBufferPointer { s in
      liverMask.voxels.withUnsafeBufferPointer { m in
        let (sub, mask) = (UncheckedSendable(s), UncheckedSendable(m))
        return ParallelSlabs.array(count: s.count) { range, out in
          for n in range { out[n - range.lowerBound] = mask.value[n] != 0 ? (sub.value[n] - median) / span : 0 }
        }
      }
    }
    var maps = [
      DiagnosticMap(
        name: "subtraction", meaning: "the arterial phase after motion correction minus the native phase (smoothed if asked)",
        volume: subtraction),
      DiagnosticMap(
        name: "arterial_score",
        meaning: "inside the liver: (subtraction − liver median) / (threshold − liver median); over 1 is an enhancing candidate",
        volume: Volume(grid: grid, voxels: arterial)),
    ]
    if let hypointense { maps += hypointense.diagnosticMaps(grid: grid, scale: hypointenseScale) }
    return maps
  }
}

extension HypointenseMaps {
  /// The channel's maps pasted into `grid` (the native grid): darkness and brightness as the
  /// scores read them, and the scores at `scale`.
  func diagnosticMaps(grid: Grid, scale: Double) -> [DiagnosticMap] {
    let box = VoxelBox(lower: lower, upper: lower &+ dims &- 1, dims: grid.dims)
    func map(_ name: String, _ meaning: String, _ values: [Float]) -> DiagnosticMap {
      DiagnosticMap(name: name, meaning: meaning, volume: Volume(grid: grid, voxels: box.paste(values, background: 0)))
    }
    let (plain, combined) = scores(scale: scale)
    var maps = [
      map("native_darkness", "1 − native / the local parenchyma level, smoothed inside the liver (0.1 = 10 % darker)", nativeDarkness),
      map("venous_darkness", "1 − venous / the local parenchyma level, smoothed inside the liver", venousDarkness),
    ]
    if let rawNativeDarkness {
      maps.append(
        map(
          "native_raw_darkness",
          "1 − native / the local parenchyma level before any smoothing (in steps of 1/250, from 0): small regions whose mean is over the raw-contrast level are kept",
          rawNativeDarkness.map { Float($0) / Self.rawDarknessSteps }))
    }
    if settings.vesselMaximumRadiusMM > 0 {
      maps.append(
        map(
          "too_wide_for_vessel",
          "1 where the native-dark area is wider than a vessel (a ball of the widest vessel's radius fits) in a part the voxel test takes for vessels: native darkness counts there whatever the venous phase shows",
          tooWideForVessel?.map { Float($0) } ?? [Float](repeating: 0, count: liver.count)))
    }
    if settings.vesselMaximumRadiusMM > 0 && settings.venousBrightWide {
      var wide = [Float](repeating: 0, count: liver.count)
      for n in venousWide?.voxels ?? [] { wide[n] = 1 }
      maps.append(
        map(
          "venous_too_wide_for_vessel",
          "1 where the area brighter than the liver in the venous phase is wider than a vessel: where nothing on T1 scores such a part, venous brightness seeds there",
          wide))
    }
    if let arterialWide {
      maps.append(
        map("arterial_darkness", "1 − the corrected arterial phase / its local parenchyma level, smoothed inside the liver", arterialWide.darkness))
      maps.append(
        map(
          "arterial_too_wide_for_vessel",
          "1 where the arterial-dark area is wider than a vessel: where nothing else scores such a part, arterial darkness seeds there",
          arterialWide.parts?.ids.map { $0 != 0 ? 1 : 0 } ?? [Float](repeating: 0, count: liver.count)))
    }
    if let t2Brightness {
      maps.append(map("t2_brightness", "T2 / the local parenchyma level − 1, smoothed inside the liver (sampled through world coordinates)", t2Brightness))
    }
    if let adcDarkness {
      maps.append(
        map(
          "adc_darkness",
          "1 − ADC / the parenchyma's median ADC, smoothed inside the liver (sampled through world coordinates), 0 within half an ADC voxel and the smoothing σ of the capsule: where nothing else scores a part over its seed level, it seeds there",
          adcDarkness.darkness.map { Float($0) }))
    }
    maps.append(
      map(
        "hypointense_score",
        "the channel's plain score: darkness (native off vessels, venous, ADC where nothing else scores) or T2 brightness over its seed level; over 1 seeds, over the core factor a lesion core",
        plain))
    if let combined {
      maps.append(map("joint_score", "the better of the plain score and the joint T1-and-T2 score, which the joint pass reads", combined))
    }
    return maps
  }
}

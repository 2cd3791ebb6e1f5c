import FociCore
import Testing

@testable import FociDetection

@Suite struct DiagnosticMapsTests {
  typealias Scene = HypointenseChannelTests.Scene

  /// The scene's value of `map` at a world point (voxel (0,0,0) at the origin).
  static func value(_ map: DiagnosticMap, at p: SIMD3<Double>, in scene: Scene) -> Float {
    let v = p / scene.grid.spacingMM
    return map.volume.voxels[scene.grid.offset(Int(v.x.rounded()), Int(v.y.rounded()), Int(v.z.rounded()))]
  }

  @Test func theMapsHoldWhatDetectionComparesOnTheNativeGrid() throws {
    let scene = Scene()
    let bright = (centre: SIMD3(70.0, 90.0, 42.0), radius: 8.0)
    let t2 = Scene.t2(lesion: bright.centre, radius: bright.radius, signal: 220)
    // The same lesion at 0.6 of the liver's ADC.
    let adc = HypointenseChannelTests.adc(lesion: bright.centre, radius: bright.radius, lesion: 780)
    var settings = DetectionSettings()
    settings.motionCorrection = nil
    let plain = try FocusDetection.detect(
      native: scene.native, arterial: scene.arterial, liverMask: scene.liver, venous: scene.venous, t2: t2, adc: adc, settings: settings)
    let result = try FocusDetection.detect(
      native: scene.native, arterial: scene.arterial, liverMask: scene.liver, venous: scene.venous, t2: t2, adc: adc, settings: settings,
      diagnostics: true)
    #expect(plain.diagnosticMaps == nil)
    #expect(result.foci.labels.labels32 == plain.foci.labels.labels32, "asking for the maps changes no lesion")
    let maps = try #require(result.diagnosticMaps)
    #expect(
      maps.map(\.name) == [
        "subtraction", "arterial_score", "native_darkness", "venous_darkness", "native_raw_darkness", "too_wide_for_vessel",
        "venous_too_wide_for_vessel", "arterial_darkness", "arterial_too_wide_for_vessel", "t2_brightness", "adc_darkness", "hypointense_score",
        "joint_score",
      ])
    #expect(maps.allSatisfy { $0.volume.grid == scene.grid && !$0.meaning.isEmpty })
    let byName = Dictionary(uniqueKeysWithValues: maps.map { ($0.name, $0) })

    // The arterial score, recomputed from the subtraction and the liver's statistics: over 1
    // exactly where a liver voxel's subtraction passes the threshold.
    let sub = result.subtraction.voxels, score = byName["arterial_score"]!.volume.voxels
    let median = Float(result.liverStatistics.median), limit = Float(result.thresholdValue)
    var passing = 0, scored = 0
    for n in sub.indices {
      let inLiver = scene.liver.voxels[n] != 0
      if inLiver && sub[n] > limit { passing += 1 }
      if score[n] > 1 { scored += 1 }
      let expected: Float = inLiver ? (sub[n] - median) / (limit - median) : 0
      #expect(abs(score[n] - expected) <= 1e-4 * max(1, abs(expected)))
    }
    #expect(passing == scored)

    // Darkness of the lone lesion, 28 % darker than the liver natively (180 against 250) and
    // 23 % in the venous phase (330 against 430); the parenchyma near 0.
    let lone = Scene.lone.centre, parenchyma = SIMD3(60.0, 80.0, 42.0), outside = SIMD3(2.0, 2.0, 42.0)
    let native = byName["native_darkness"]!, venous = byName["venous_darkness"]!
    #expect(abs(Self.value(native, at: lone, in: scene) - 0.28) < 0.02)
    #expect(abs(Self.value(venous, at: lone, in: scene) - 0.233) < 0.02)
    #expect(abs(Self.value(native, at: parenchyma, in: scene)) < 0.03)
    // Before smoothing: the lesion's voxels as dark (the scene's noise aside), the parenchyma
    // near 0 (negative darkness, brighter voxels, clamps to 0).
    let raw = byName["native_raw_darkness"]!
    #expect(abs(Self.value(raw, at: lone, in: scene) - 0.28) < 0.04)
    #expect(Self.value(raw, at: parenchyma, in: scene) < 0.05)
    #expect(raw.volume.voxels.allSatisfy { $0 >= 0 })
    // An ordinary dark lesion (darker in the venous phase too) is off vessels by the voxel
    // test: no part of it needs the width rule.
    #expect(byName["too_wide_for_vessel"]!.volume.voxels.allSatisfy { $0 == 0 })
    // The lone lesion is 24 % darker in the arterial phase too (250 against 330).
    #expect(abs(Self.value(byName["arterial_darkness"]!, at: lone, in: scene) - 0.24) < 0.03)
    // T2 brightness of the T2 lesion (220 against 100), diluted a little by the coarse grid.
    let t2Map = byName["t2_brightness"]!
    #expect(Self.value(t2Map, at: bright.centre, in: scene) > 0.8)
    #expect(abs(Self.value(t2Map, at: parenchyma, in: scene)) < 0.05)
    // ADC darkness of that lesion (0.4 under the liver, diluted by the coarse grid and the
    // smoothing), near 0 in the parenchyma, and 0 within the reach of the capsule (half a
    // 2.8 × 2.8 × 7 mm ADC voxel and σ 2 mm: 3 voxels in-plane, 2 slices).
    let adcMap = byName["adc_darkness"]!
    #expect(Self.value(adcMap, at: bright.centre, in: scene) > 0.25)
    #expect(abs(Self.value(adcMap, at: parenchyma, in: scene)) < 0.05)
    let liver = scene.liver.voxels, dims = scene.grid.dims
    for n in liver.indices where liver[n] != 0 {
      let (i, j, k) = (n % dims.x, n / dims.x % dims.y, n / (dims.x * dims.y))
      let nearEdge = (-3...3).contains { d in liver[scene.grid.offset(min(max(i + d, 0), dims.x - 1), j, k)] == 0 }
        || (-3...3).contains { d in liver[scene.grid.offset(i, min(max(j + d, 0), dims.y - 1), k)] == 0 }
        || (-2...2).contains { d in liver[scene.grid.offset(i, j, min(max(k + d, 0), dims.z - 1))] == 0 }
      if nearEdge { #expect(adcMap.volume.voxels[n] == 0) }
    }
    // The plain score: a core at the lesion, under the seed level in the parenchyma, 0 outside.
    let hypo = byName["hypointense_score"]!
    #expect(Self.value(hypo, at: lone, in: scene) > Float(HypointenseChannel().coreFactor))
    #expect(Self.value(hypo, at: parenchyma, in: scene) < 1)
    #expect(Self.value(hypo, at: outside, in: scene) == 0)
    #expect(Self.value(byName["joint_score"]!, at: bright.centre, in: scene) >= Self.value(hypo, at: bright.centre, in: scene))
  }

  @Test func withoutAVenousPhaseOnlyTheArterialMapsAreGiven() throws {
    let scene = Scene()
    var settings = DetectionSettings()
    settings.motionCorrection = nil
    let result = try FocusDetection.detect(
      native: scene.native, arterial: scene.arterial, liverMask: scene.liver, settings: settings, diagnostics: true)
    #expect(result.diagnosticMaps?.map(\.name) == ["subtraction", "arterial_score"])
  }
}

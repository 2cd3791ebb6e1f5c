import Foundation
import FociCore
import Testing
import _FociTestSupport

@testable import FociAnalysis

@Suite("Study analysis")
struct StudyAnalysisTests {
  static let diagonal = (1.4 * 1.4 * 2 + 3.5 * 3.5).squareRoot()

  /// The lesion whose centroid is nearest `centre` (mm).
  static func lesion(near centre: SIMD3<Double>, in report: StudyReport) -> LesionReport {
    report.lesions.min { a, b in
      func d(_ l: LesionReport) -> Double {
        let c = SIMD3(l.geometry.centroidMM[0], l.geometry.centroidMM[1], l.geometry.centroidMM[2]) - centre
        return (c * c).sum()
      }
      return d(a) < d(b)
    }!
  }

  @Test("known lesions: sizes, avascular core, grades, blood products, arterial-only, burden")
  func syntheticStudy() throws {
    let study = SyntheticStudy()
    let result = try StudyAnalysis.analyze(
      StudyInputs(native: study.native, arterial: study.arterial, venous: study.venous, liverMask: study.liverMask))
    let report = result.report
    #expect(report.summary.lesionCount == 3)
    #expect(result.labels.grid == study.grid)

    let cored = Self.lesion(near: SyntheticStudy.cored.centre, in: report)
    let r = SyntheticStudy.cored.radius
    #expect(abs(cored.geometry.feretDiameterMM - 2 * r) <= Self.diagonal, "\(cored.geometry.feretDiameterMM) \(cored.geometry.voxelCount) \(cored.geometry.feretEndpointsMM) \(report.motion)")
    let volume = 4.0 / 3 * Double.pi * r * r * r
    #expect(abs(cored.geometry.volumeMM3 - volume) / volume < 0.08, "\(cored.geometry.volumeMM3) vs \(volume)")
    #expect(abs(cored.avascular.largestZoneDiameterMM - 2 * SyntheticStudy.cored.core) <= Self.diagonal, "\(cored.avascular)")
    #expect(abs(cored.avascular.share - 0.125) < 0.06, "\(cored.avascular.share)")
    #expect(cored.avascular.phases == ["arterial", "venous"])
    #expect(cored.enhancement["arterial"]?.grade == .active && cored.enhancement["venous"]?.grade == .active)
    #expect(cored.signal["nativeT1"]?.grade == .hypointense)
    #expect(!cored.flags.arterialOnly && !cored.flags.small && !cored.bloodProducts.present)
    #expect(cored.shape.shapeClass == .round)

    let focus = Self.lesion(near: SyntheticStudy.arterialOnly.centre, in: report)
    #expect(focus.flags.arterialOnly && focus.enhancement["venous"]?.grade == .moderate)
    #expect(focus.avascular.voxelCount == 0)

    let bloody = Self.lesion(near: SyntheticStudy.bloody.centre, in: report)
    #expect(bloody.bloodProducts.present && bloody.bloodProducts.share > 0.9)
    #expect(bloody.signal["nativeT1"]?.grade == .hyperintense)

    let liverVoxels = study.liverMask.voxels.count { $0 != 0 }
    let lesionVoxels = report.lesions.reduce(0) { $0 + $1.geometry.voxelCount }
    #expect(abs(report.summary.burdenPercent - 100 * Double(lesionVoxels) / Double(liverVoxels)) < 1e-9)
    #expect(report.summary.largestAvascularZoneMM == cored.avascular.largestZoneDiameterMM)
    // No phase was shifted: the estimates are under a tenth of a voxel and left unapplied.
    #expect(report.motion["arterial"]?.decision == "negligible" && report.motion["venous"]?.decision == "negligible")
  }

  @Test("a layered cavity has a fluid level at its centre's height; uniform cavities have none")
  func fluidLevel() throws {
    let study = SyntheticStudy(fluidLevel: true)
    let report = try StudyAnalysis.analyze(
      StudyInputs(native: study.native, arterial: study.arterial, venous: study.venous, liverMask: study.liverMask)).report
    let layered = Self.lesion(near: SyntheticStudy.layered.centre, in: report)
    #expect(layered.fluidLevel.present && layered.fluidLevel.image == "nativeT1", "\(layered.fluidLevel)")
    #expect(layered.fluidLevel.lowerToUpper > 1.5)
    // Voxel (0, 0, 0) sits at the world origin here, so the level is the centre's y.
    #expect(abs((layered.fluidLevel.levelMM ?? 0) - SyntheticStudy.layered.centre.y) <= 1.4, "\(layered.fluidLevel)")
    let cored = Self.lesion(near: SyntheticStudy.cored.centre, in: report)
    #expect(!cored.fluidLevel.present && cored.fluidLevel.explainedVariance < 0.3, "\(cored.fluidLevel)")
    #expect(report.summary.flagCounts["fluidLevel"] == 1)
  }

  @Test("without a venous phase the avascular rule uses the arterial phase and nothing is arterial-only")
  func arterialOnlyStudy() throws {
    let study = SyntheticStudy(seed: 2)
    let report = try StudyAnalysis.analyze(StudyInputs(native: study.native, arterial: study.arterial, liverMask: study.liverMask)).report
    #expect(report.lesions.allSatisfy { $0.avascular.phases == ["arterial"] && !$0.flags.arterialOnly && $0.enhancement["venous"] == nil })
  }

  @Test("grades follow the cut-off setting: a 25 % brighter rim is active at 10 %, moderate at 30 %")
  func cutoff() throws {
    let study = SyntheticStudy()
    let inputs = StudyInputs(native: study.native, arterial: study.arterial, venous: study.venous, liverMask: study.liverMask)
    var settings = AnalysisSettings()
    let venousRatio = try StudyAnalysis.analyze(inputs, settings: settings).report.lesions.map { $0.enhancement["venous"]!.ratio }
    settings.signalCutoff = 0.30
    let loose = try StudyAnalysis.analyze(inputs, settings: settings).report.lesions
    for (lesion, ratio) in zip(loose, venousRatio) {
      #expect(lesion.enhancement["venous"]!.grade == EnhancementGrade.classify(ratio: ratio, cutoff: 0.30))
    }
    // The cored lesion's rim is 520 against 430 in the venous phase: +21 %.
    let cored = Self.lesion(near: SyntheticStudy.cored.centre, in: try StudyAnalysis.analyze(inputs, settings: settings).report)
    #expect(cored.enhancement["venous"]?.grade == .moderate && abs(cored.enhancement["venous"]!.ratio - 520.0 / 430) < 0.02)
  }

  @Test("bad studies are refused with the input at fault")
  func badInputs() {
    let study = SyntheticStudy()
    let other = Grid(dims: SIMD3(96, 88, 30), spacingMM: SIMD3(1.4, 1.4, 3.0))
    func attempt(_ inputs: StudyInputs) -> AnalysisError? {
      do { _ = try StudyAnalysis.analyze(inputs) } catch { return error }
      return nil
    }
    var inputs = StudyInputs(native: study.native, arterial: study.arterial, venous: study.venous, liverMask: study.liverMask)
    inputs.venous = Volume(grid: other, voxels: study.venous.voxels)
    #expect(attempt(inputs) == .gridDiffers(role: .venous))
    inputs.venous = study.venous
    inputs.liverMask = Volume(grid: study.grid, repeating: UInt8(0))
    #expect(attempt(inputs) == .emptyLiverMask)
    inputs.liverMask = study.liverMask
    inputs.arterial = Volume(grid: study.grid, repeating: Float(0))
    #expect(attempt(inputs) == .blank(role: .arterial))
    inputs.arterial = study.arterial
    let far = Grid(dims: SIMD3(10, 10, 5), spacingMM: SIMD3(2, 2, 6), voxelToWorld: .diagonal(spacing: SIMD3(2, 2, 6)).composed(after: .identity))
    var shifted = far
    shifted.voxelToWorld.rows.0.w = 5000
    inputs.t2 = [StudyInputs.Named(name: "t2", volume: Volume(grid: shifted, repeating: Float(1)))]
    #expect(attempt(inputs)?.role == .t2("t2"))
  }
}

@Suite("Lesion shape classes")
struct ShapeClassTests {
  /// A study whose lesions are the given shapes (mm, voxel (0,0,0) at the origin), each
  /// enhancing uniformly in the arterial phase; noiseless.
  static func study(_ shapes: [(SIMD3<Double>) -> Bool]) -> StudyInputs {
    let grid = Grid(dims: SIMD3(120, 100, 36), spacingMM: SIMD3(1.4, 1.4, 3.5))
    var native = [Float](repeating: 100, count: grid.voxelCount), arterial = native
    var liver = [UInt8](repeating: 0, count: grid.voxelCount)
    for k in 0..<36 { for j in 0..<100 { for i in 0..<120 {
      let p = SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM
      let e = (p - SIMD3(84, 70, 63)) / SIMD3(80, 66, 58)
      guard (e * e).sum() <= 1 else { continue }
      let n = grid.offset(i, j, k)
      liver[n] = 1
      // A faint deterministic texture, so the parenchyma has a spread.
      native[n] = 200 + Float((i * 7 + j * 13 + k * 5) % 5)
      arterial[n] = shapes.contains { $0(p) } ? 420 : 240 + Float((i * 11 + j * 3 + k * 7) % 5)
    } } }
    return StudyInputs(native: Volume(grid: grid, voxels: native), arterial: Volume(grid: grid, voxels: arterial), liverMask: Volume(grid: grid, voxels: liver))
  }

  @Test("a sphere is round, a 2:1 ellipsoid oval, a cluster of blobs irregular and lobulated")
  func classes() throws {
    func ball(_ c: SIMD3<Double>, _ r: Double) -> (SIMD3<Double>) -> Bool { { (($0 - c) * ($0 - c)).sum() <= r * r } }
    let round = ball(SIMD3(45, 45, 40), 12)
    let oval: (SIMD3<Double>) -> Bool = { p in
      let d = (p - SIMD3(120, 45, 45)) / SIMD3(22, 11, 11)
      return (d * d).sum() <= 1
    }
    // Four overlapping balls of radius 9 mm, 15 mm apart: a lobulated lesion.
    let lobes = [SIMD3(82.0, 100, 75), SIMD3(97, 100, 75), SIMD3(89.5, 113, 75), SIMD3(89.5, 104.3, 87.2)]
    let cluster: (SIMD3<Double>) -> Bool = { p in lobes.contains { c in ((p - c) * (p - c)).sum() <= 81 } }
    let report = try StudyAnalysis.analyze(Self.study([round, oval, cluster])).report
    #expect(report.lesions.count == 3)
    func at(_ c: SIMD3<Double>) -> LesionReport { StudyAnalysisTests.lesion(near: c, in: report) }
    let r = at(SIMD3(45, 45, 40)), o = at(SIMD3(120, 45, 45)), c = at(SIMD3(89.5, 104, 78))
    #expect(r.shape.shapeClass == .round, "\(r.shape)")
    #expect(o.shape.shapeClass == .oval, "\(o.shape)")
    #expect(c.shape.shapeClass == .irregular, "\(c.shape)")
    #expect(r.shape.surfaceClass == .smooth && c.shape.surfaceClass == .lobulated, "\(r.shape) \(c.shape)")
  }

  @Test("wedges on the capsule are shunt-like unless bright on T2")
  func shuntLike() throws {
    func wedge(apex: SIMD3<Double>, axis: SIMD3<Double>) -> (SIMD3<Double>) -> Bool {
      { p in
        let d = p - apex, along = (d * axis).sum()
        let radial = d - along * axis
        return along > 0 && (radial * radial).sum().squareRoot() <= along * 0.7002075382097097  // tan 35°
      }
    }
    // Cones whose bases are the liver's surface at its +x and −x ends.
    let right = wedge(apex: SIMD3(136, 70, 63), axis: SIMD3(1, 0, 0)), left = wedge(apex: SIMD3(32, 70, 63), axis: SIMD3(-1, 0, 0))
    var inputs = Self.study([right, left])
    let grid = inputs.native.grid
    var t2 = [Float](repeating: 100, count: grid.voxelCount)
    for k in 0..<grid.dims.z { for j in 0..<grid.dims.y { for i in 0..<grid.dims.x {
      if left(SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM) { t2[grid.offset(i, j, k)] = 200 }
    } } }
    let withoutT2 = try StudyAnalysis.analyze(inputs).report
    #expect(withoutT2.lesions.count == 2)
    #expect(withoutT2.lesions.allSatisfy { $0.flags.shuntLike && $0.capsule.touches && $0.capsule.baseShare >= 0.55 }, "\(withoutT2.lesions.map(\.capsule))")
    inputs.t2 = [StudyInputs.Named(name: "t2", volume: Volume(grid: grid, voxels: t2))]
    let report = try StudyAnalysis.analyze(inputs).report
    let r = StudyAnalysisTests.lesion(near: SIMD3(150, 70, 63), in: report), l = StudyAnalysisTests.lesion(near: SIMD3(18, 70, 63), in: report)
    #expect(r.flags.shuntLike)
    #expect(l.signal["t2"]?.grade == .hyperintense && !l.flags.shuntLike)
    // Under the size bound it is flagged; over it (the same wedge, a lower bound) it is not.
    var bounded = AnalysisSettings()
    bounded.shuntMaxDiameterMM = r.geometry.maxDiameterMM - 0.5
    let capped = try StudyAnalysis.analyze(inputs, settings: bounded).report
    #expect(!StudyAnalysisTests.lesion(near: SIMD3(150, 70, 63), in: capped).flags.shuntLike)
  }

  @Test("settings written by another version decode, missing keys taking their defaults")
  func settingsFromOtherVersions() throws {
    var settings = AnalysisSettings()
    settings.shuntBaseShare = 0.6
    var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(settings)) as! [String: Any]
    object["shuntMaxDiameterMM"] = nil
    object["gravity"] = nil
    let decoded = try JSONDecoder().decode(AnalysisSettings.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(decoded.shuntBaseShare == 0.6 && decoded.shuntMaxDiameterMM == 50 && decoded.gravity == [0, -1, 0])
    #expect(try JSONDecoder().decode(AnalysisSettings.self, from: JSONEncoder().encode(settings)) == settings)
  }
}

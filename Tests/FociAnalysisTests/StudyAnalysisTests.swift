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
    #expect(attempt(inputs) == .gridDiffers(role: "the venous phase"))
    inputs.venous = study.venous
    inputs.liverMask = Volume(grid: study.grid, repeating: UInt8(0))
    #expect(attempt(inputs) == .emptyLiverMask)
    inputs.liverMask = study.liverMask
    inputs.arterial = Volume(grid: study.grid, repeating: Float(0))
    #expect(attempt(inputs) == .blank(role: "the arterial phase"))
    inputs.arterial = study.arterial
    let far = Grid(dims: SIMD3(10, 10, 5), spacingMM: SIMD3(2, 2, 6), voxelToWorld: .diagonal(spacing: SIMD3(2, 2, 6)).composed(after: .identity))
    var shifted = far
    shifted.voxelToWorld.rows.0.w = 5000
    inputs.t2 = [StudyInputs.Named(name: "t2", volume: Volume(grid: shifted, repeating: Float(1)))]
    #expect(attempt(inputs)?.role == "t2")
  }
}

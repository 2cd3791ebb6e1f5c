#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FociCore

/// The ground truth of one phantom study, as written to `truth.json` (schema
/// `schema/truth.schema.json`). Lengths in mm, volumes in mm³ (ml where named), world
/// coordinates RAS+ in mm, voxel indices on the native grid (0-based, x fastest).
public struct PhantomTruth: Sendable, Codable, Equatable {
  public static let schemaName = "hepafoci.phantom-truth"
  public static let currentSchemaVersion = "1.0.0"

  public var schema = PhantomTruth.schemaName
  public var schemaVersion = PhantomTruth.currentSchemaVersion
  public var softwareVersion = SoftwareVersion.string
  public var studyId: String
  /// Cohort seed and this study's index in the cohort.
  public var seed: UInt64
  public var studyIndex: Int
  public var settings: Settings
  public var files: [String: String]
  public var grids: [String: GridInfo]
  /// Noise-free parenchyma signal per image (the reference of every ratio).
  public var parenchyma: TissueSignal
  public var acquisition: AcquisitionInfo
  /// Breath-hold shift of each post-contrast phase: the anatomy seen at x is at x − shift.
  public var motion: [String: Shift]
  public var summary: Summary
  public var lesions: [Lesion]
  public var mimics: [Mimic]

  public struct Settings: Sendable, Codable, Equatable {
    public var dims: [Int]
    public var spacingMM: [Double]
    public var snr: Double
    public var maxShiftMM: Double
  }

  public struct GridInfo: Sendable, Codable, Equatable {
    public var dims: [Int]
    public var spacingMM: [Double]
    /// Voxel-to-world 4×4 matrix, row-major, mm.
    public var affine: [[Double]]
  }

  public struct AcquisitionInfo: Sendable, Codable, Equatable {
    /// Rician noise σ of the T1 phases and of T2; ADC noise σ relative to the value.
    public var t1NoiseSigma: Double
    public var t2NoiseSigma: Double
    public var adcNoiseRelative: Double
    /// Smallest and largest coil-field factor over the liver's box, T1 and T2.
    public var t1BiasRange: [Double]
    public var t2BiasRange: [Double]
  }

  public struct Shift: Sendable, Codable, Equatable {
    public var shiftMM: [Double]
    public var shiftVoxels: [Double]
    public var magnitudeMM: Double
  }

  public struct Summary: Sendable, Codable, Equatable {
    public var lesionCount: Int
    public var liverVolumeML: Double
    public var totalLesionVolumeML: Double
    /// Lesion volume over liver volume × 100 (every lesion lies in the liver mask).
    public var burdenPercent: Double
    public var smallestLesionDiameterMM: Double?
    public var largestLesionDiameterMM: Double?
    public var largestAvascularDiameterMM: Double?
    public var lesionsWithAvascularZone: Int
    public var lesionsWithBloodProducts: Int
    public var lesionsWithFluidLevel: Int
    public var smallLesions: Int
    public var arterialOnlyLesions: Int
    public var mimicCount: Int
  }

  public struct Blob: Sendable, Codable, Equatable {
    public var centreMM: [Double]
    public var semiAxesMM: [Double]
    /// Rows: the blob's axes (of `semiAxesMM`) as world unit vectors.
    public var axes: [[Double]]
    public var lobeDirections: [[Double]]
    public var lobeHeights: [Double]
    public var lobeSharpness: Double
  }

  public struct AvascularCore: Sendable, Codable, Equatable {
    public var volumeMM3: Double
    public var maxDiameterMM: Double
    public var centreMM: [Double]
    public var semiAxesMM: [Double]
  }

  public struct BloodProducts: Sendable, Codable, Equatable {
    /// `haemorrhage`, `fluidSediment` or `hyperintenseSolid`.
    public var source: String
    /// Volume of the T1-bright part, mm³.
    public var volumeMM3: Double
  }

  public struct FluidLevel: Sendable, Codable, Equatable {
    /// World y (mm) of the level; the dependent (posterior, −y) side holds the sediment.
    public var levelYMM: Double
    public var gravity: [Double]
  }

  public struct Lesion: Sendable, Codable, Equatable {
    public var id: Int
    public var mimic = false
    public var centreMM: [Double]
    public var centreVoxel: [Double]
    public var blobs: [Blob]
    public var volumeMM3: Double
    public var maxDiameterMM: Double
    public var longestAxialDiameterMM: Double
    public var equivalentSphereDiameterMM: Double
    /// Voxels of this id in `truth_labels.nii.gz`.
    public var labelVoxelCount: Int
    public var shapeClass: ShapeClass
    public var surfaceClass: SurfaceClass
    public var contourClass: ContourClass
    public var edgeWidthMM: Double
    public var arterialGrade: EnhancementGrade
    public var arterialRatio: Double
    public var venousGrade: EnhancementGrade
    public var venousRatio: Double
    public var delayedRatio: Double
    public var nativeT1Class: SignalClass
    public var nativeT1Ratio: Double
    public var t2Class: SignalClass
    public var t2Ratio: Double
    public var adcMean: Double
    public var avascularCore: AvascularCore?
    public var bloodProducts: BloodProducts?
    public var fluidLevel: FluidLevel?
    public var small: Bool
    public var arterialOnly: Bool
  }

  public struct Mimic: Sendable, Codable, Equatable {
    public var id: Int
    public var mimic = true
    public var kind = "shuntLike"
    public var apexMM: [Double]
    public var axis: [Double]
    public var halfAngleDegrees: Double
    public var depthMM: Double
    public var volumeMM3: Double
    public var touchesCapsule = true
    public var arterialRatio: Double
    /// Voxels of this id in `truth_mimics.nii.gz`.
    public var labelVoxelCount: Int
  }
}

extension PhantomTruth {
  /// The truth of a drawn study; `labelCounts` are the voxels per id in the rendered label
  /// maps (nil before rendering: zeros).
  public init(design d: StudyDesign, lesionLabelCounts: [Int]? = nil, mimicLabelCounts: [Int]? = nil) {
    let native = PhantomGrids.native(d.settings)
    func array(_ v: SIMD3<Double>) -> [Double] { [v.x, v.y, v.z] }
    func gridInfo(_ g: Grid) -> GridInfo {
      GridInfo(dims: [g.dims.x, g.dims.y, g.dims.z], spacingMM: array(g.spacingMM), affine: g.voxelToWorld.matrix)
    }
    let toVoxel = native.voxelToWorld.inverted()!
    let p = d.anatomy.parenchyma
    studyId = d.studyID
    seed = d.settings.seed
    studyIndex = d.index
    settings = Settings(
      dims: [d.settings.dims.x, d.settings.dims.y, d.settings.dims.z], spacingMM: array(d.settings.spacingMM),
      snr: d.settings.snr, maxShiftMM: d.settings.maxShiftMM)
    var names = Dictionary(uniqueKeysWithValues: Modality.allCases.map { ($0.fileStem, $0.fileStem + ".nii.gz") })
    names["liverMask"] = "liver_mask.nii.gz"
    names["truthLabels"] = "truth_labels.nii.gz"
    names["truthMimics"] = "truth_mimics.nii.gz"
    files = names
    grids = ["native": gridInfo(native), "t2": gridInfo(PhantomGrids.t2(d.settings)), "adc": gridInfo(PhantomGrids.adc(d.settings))]
    parenchyma = p
    let box = d.anatomy.liver.bounds
    func biasRange(_ b: BiasField) -> [Double] {
      var lo = Double.infinity, hi = -Double.infinity
      for i in 0...8 {
        for j in 0...8 {
          for k in 0...8 {
            let q = box.lower + box.size * SIMD3(Double(i), Double(j), Double(k)) / 8
            let f = b.factor(at: q)
            (lo, hi) = (Swift.min(lo, f), Swift.max(hi, f))
          }
        }
      }
      return [lo, hi]
    }
    acquisition = AcquisitionInfo(
      t1NoiseSigma: d.t1NoiseSigma, t2NoiseSigma: d.t2NoiseSigma, adcNoiseRelative: d.adcNoiseRelative,
      t1BiasRange: biasRange(d.t1Bias), t2BiasRange: biasRange(d.t2Bias))
    var motion: [String: Shift] = [:]
    for (phase, shift) in d.shiftsMM {
      let voxels = toVoxel.applyLinear(shift)
      motion[phase.fileStem] = Shift(shiftMM: array(shift), shiftVoxels: array(voxels), magnitudeMM: length(shift))
    }
    self.motion = motion

    lesions = d.lesions.enumerated().map { index, l in
      let r = l.ratios
      return Lesion(
        id: l.id, centreMM: array(l.centre), centreVoxel: array(toVoxel.apply(l.centre)),
        blobs: l.blobs.map { b in
          Blob(
            centreMM: array(b.base.centre), semiAxesMM: array(b.base.semiAxes), axes: b.base.rotation.rows.map(array),
            lobeDirections: b.lobeDirections.map(array), lobeHeights: b.lobeHeights, lobeSharpness: b.sharpness)
        },
        volumeMM3: l.volumeMM3, maxDiameterMM: l.maxDiameterMM, longestAxialDiameterMM: l.axialDiameterMM,
        equivalentSphereDiameterMM: cbrt(6 * l.volumeMM3 / Double.pi), labelVoxelCount: lesionLabelCounts?[index] ?? 0,
        shapeClass: l.shape, surfaceClass: l.surface, contourClass: l.contour, edgeWidthMM: l.edgeWidthMM,
        arterialGrade: .classify(ratio: r.arterial), arterialRatio: r.arterial,
        venousGrade: .classify(ratio: r.venous), venousRatio: r.venous, delayedRatio: r.delayed,
        nativeT1Class: .classify(ratio: r.native), nativeT1Ratio: r.native,
        t2Class: .classify(ratio: r.t2), t2Ratio: r.t2, adcMean: l.adc,
        avascularCore: l.core.map {
          AvascularCore(volumeMM3: l.coreVolumeMM3, maxDiameterMM: l.coreDiameterMM, centreMM: array($0.base.centre), semiAxesMM: array($0.base.semiAxes))
        },
        bloodProducts: l.bloodProducts.map { BloodProducts(source: $0.source, volumeMM3: $0.volumeMM3) },
        fluidLevel: l.fluidLevelY.map { FluidLevel(levelYMM: $0, gravity: [0, -1, 0]) },
        small: l.maxDiameterMM < 5, arterialOnly: l.arterialOnly)
    }
    mimics = d.mimics.enumerated().map { index, m in
      Mimic(
        id: m.id, apexMM: array(m.cone.apex), axis: array(m.cone.axis), halfAngleDegrees: m.cone.halfAngle * 180 / Double.pi,
        depthMM: m.depthMM, volumeMM3: m.volumeMM3, arterialRatio: m.arterialRatio,
        labelVoxelCount: mimicLabelCounts?[index] ?? 0)
    }
    let lesionVolume = lesions.reduce(0) { $0 + $1.volumeMM3 }
    let diameters = lesions.map(\.maxDiameterMM)
    summary = Summary(
      lesionCount: lesions.count, liverVolumeML: d.liverVolumeMM3 / 1000, totalLesionVolumeML: lesionVolume / 1000,
      burdenPercent: d.liverVolumeMM3 > 0 ? 100 * lesionVolume / d.liverVolumeMM3 : 0,
      smallestLesionDiameterMM: diameters.min(), largestLesionDiameterMM: diameters.max(),
      largestAvascularDiameterMM: lesions.compactMap { $0.avascularCore?.maxDiameterMM }.max(),
      lesionsWithAvascularZone: lesions.filter { $0.avascularCore != nil }.count,
      lesionsWithBloodProducts: lesions.filter { $0.bloodProducts != nil }.count,
      lesionsWithFluidLevel: lesions.filter { $0.fluidLevel != nil }.count,
      smallLesions: lesions.filter(\.small).count, arterialOnlyLesions: lesions.filter(\.arterialOnly).count,
      mimicCount: mimics.count)
  }
}

import FociCore

/// A lesion's signal on each image relative to the liver parenchyma of the same image.
public struct SignalRatios: Sendable, Hashable, Codable {
  public var native: Double
  public var arterial: Double
  public var venous: Double
  public var delayed: Double
  public var t2: Double
}

/// Everything about one phantom lesion: where it is, its shape, its signal, its inner parts,
/// and (once measured) its true sizes.
public struct LesionDesign: Sendable {
  public var id: Int
  public var centre: SIMD3<Double>
  /// The lesion body in world mm (one blob, or a main blob and satellites).
  public var blobs: [LobulatedEllipsoid]
  public var shape: ShapeClass
  public var surface: SurfaceClass
  public var contour: ContourClass
  /// Half-width of the blurred edge, mm (0 when sharp).
  public var edgeWidthMM: Double
  /// Solid component against parenchyma.
  public var ratios: SignalRatios
  /// Mean ADC of the solid component, 10⁻⁶ mm²/s.
  public var adc: Double
  /// Non-enhancing (necrotic) core, inside the main blob.
  public var core: LobulatedEllipsoid?
  /// A haemorrhage, bright on native T1, inside the core or the solid part.
  public var haemorrhage: Ellipsoid?
  /// World y (mm) of a fluid–fluid level across the core: below it (posterior, the dependent
  /// side of a supine patient) the sediment, above it the supernatant.
  public var fluidLevelY: Double?
  /// A small focus seen on the arterial phase only (iso on venous, not bright on T2).
  public var arterialOnly: Bool

  // True sizes, from the continuous shape.
  public var volumeMM3 = 0.0
  public var maxDiameterMM = 0.0
  public var axialDiameterMM = 0.0
  public var coreVolumeMM3 = 0.0
  public var coreDiameterMM = 0.0
  public var haemorrhageVolumeMM3 = 0.0

  /// Radius of a sphere about `centre` that holds the lesion.
  public var boundingRadius: Double { LesionShape.boundingRadius(of: blobs, about: centre) }

  public var solid: Solid { LesionShape.solid(of: blobs) }

  /// Measures the true sizes of the lesion and its parts.
  mutating func measure() {
    volumeMM3 = DiameterMeasurement.volume(of: blobs)
    maxDiameterMM = DiameterMeasurement.maximumDiameter(of: blobs)
    axialDiameterMM = DiameterMeasurement.longestAxialDiameter(of: blobs)
    if let core {
      coreVolumeMM3 = DiameterMeasurement.volume(of: [core])
      coreDiameterMM = DiameterMeasurement.maximumDiameter(of: [core])
    }
    if let haemorrhage { haemorrhageVolumeMM3 = haemorrhage.volume }
  }

  /// Signals of the lesion's parts, given the parenchyma.
  public func solidSignal(_ p: TissueSignal) -> TissueSignal {
    var s = p.scaled(native: ratios.native, arterial: ratios.arterial, venous: ratios.venous, delayed: ratios.delayed, t2: ratios.t2, adc: 0)
    s.adc = adc
    return s
  }

  static func coreSignal(_ p: TissueSignal) -> TissueSignal { .unenhanced(t1: 0.62 * p.native, t2: 2.4 * p.t2, adc: 2200) }
  static func haemorrhageSignal(_ p: TissueSignal) -> TissueSignal { .unenhanced(t1: 1.45 * p.native, t2: 1.15 * p.t2, adc: 750) }
  static func sedimentSignal(_ p: TissueSignal) -> TissueSignal { .unenhanced(t1: 1.3 * p.native, t2: 0.85 * p.t2, adc: 900) }
  static func supernatantSignal(_ p: TissueSignal) -> TissueSignal { .unenhanced(t1: 0.45 * p.native, t2: 3.2 * p.t2, adc: 2800) }

  /// The lesion as painted: the body, then its core (split at the fluid level if any), then
  /// the haemorrhage.
  public func sceneObjects(parenchyma p: TissueSignal) -> [SceneObject] {
    // Single blobs may be averaged over their tangent plane where they are flat across a
    // voxel (a lobe of height h and sharpness κ bends the surface about 1 + κ·h times more);
    // unions, with their creases between blobs, are supersampled.
    func curvature(_ blobs: [LobulatedEllipsoid]) -> Double? {
      guard blobs.count == 1 else { return nil }
      let blob = blobs[0]
      let bend = 1 + blob.sharpness * (blob.lobeHeights.max() ?? 0) * blob.normaliser
      return blob.base.smallestCurvatureRadius / (blob.lobeDirections.isEmpty ? 1 : bend)
    }
    var objects = [
      SceneObject(
        solid: solid, signal: solidSignal(p), edgeWidthMM: edgeWidthMM, liverMembership: 1, lesionLabel: id,
        curvatureRadiusMM: edgeWidthMM == 0 ? curvature(blobs) : nil)
    ]
    if let core {
      let coreSolid: Solid = core.lobeDirections.isEmpty ? .ellipsoid(core.base) : .lobulated(core)
      if let level = fluidLevelY {
        objects.append(SceneObject(solid: .intersection([coreSolid, .halfSpace(normal: SIMD3(0, 1, 0), offset: level)]), signal: Self.sedimentSignal(p)))
        objects.append(SceneObject(solid: .intersection([coreSolid, .halfSpace(normal: SIMD3(0, -1, 0), offset: -level)]), signal: Self.supernatantSignal(p)))
      } else {
        objects.append(SceneObject(solid: coreSolid, signal: Self.coreSignal(p), curvatureRadiusMM: curvature([core])))
      }
    }
    if let haemorrhage {
      objects.append(SceneObject(solid: .ellipsoid(haemorrhage), signal: Self.haemorrhageSignal(p), curvatureRadiusMM: haemorrhage.smallestCurvatureRadius))
    }
    return objects
  }

  /// The part of the lesion at least 10 % brighter than the parenchyma on native T1, the
  /// SPEC's blood-product finding: a haemorrhage, a fluid level's sediment (about half the
  /// core), or a T1-bright body; nil when there is none.
  public var bloodProducts: (source: String, volumeMM3: Double)? {
    if haemorrhage != nil { return ("haemorrhage", haemorrhageVolumeMM3) }
    if fluidLevelY != nil { return ("fluidSediment", coreVolumeMM3 / 2) }
    if ratios.native >= 1.1 { return ("hyperintenseSolid", volumeMM3) }
    return nil
  }
}

/// An arterio-portal shunt: a wedge of parenchyma that enhances on the arterial phase only,
/// its base on the liver capsule. A mimic, not a lesion.
public struct MimicDesign: Sendable {
  public var id: Int
  public var cone: Cone
  /// Depth of the apex under the capsule, mm.
  public var depthMM: Double
  /// Arterial signal against parenchyma (the other images match the parenchyma).
  public var arterialRatio: Double
  /// The wedge: the cone inside the liver.
  public var solid: Solid
  public var volumeMM3 = 0.0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The patient without lesions: body wall, spine, aorta, kidneys, spleen, the liver with its
/// portal and hepatic veins, and the inferior vena cava, in world mm (RAS+, origin at the
/// centre of the field of view, the patient supine).
public struct Anatomy: Sendable {
  /// Inside the skin.
  public var body: Solid
  /// Inside the subcutaneous fat: where organs (and bulging lesions) must stay.
  public var abdomen: Solid
  /// The liver parenchyma region before lesions are added to it.
  public var liver: Solid
  /// The liver's own signal (the parenchyma every ratio refers to).
  public var parenchyma: TissueSignal
  /// Painted before the liver (body, organs), the liver itself, and after it (vessels).
  public var objectsBelowLiver: [SceneObject]
  public var liverObject: SceneObject
  public var objectsAboveLiver: [SceneObject]

  /// A patient drawn from `g`: `liverScale` enlarges the liver (hepatomegaly with a heavy
  /// tumour load), `parenchyma` is the liver's signal.
  public static func draw(_ g: inout SplitMix64, liverScale: Double, parenchyma: TissueSignal) -> Anatomy {
    let bodyScale = g.uniform(0.9, 1.0)
    let fat = g.uniform(8, 22)
    let bodyCentre = SIMD2<Double>(0, -5)
    let bodyRadii = SIMD2<Double>(165, 120) * bodyScale
    let span = -2000.0...2000.0
    let body = Solid.extrudedEllipse(ExtrudedEllipse(centre: bodyCentre, radii: bodyRadii, zRange: span))
    let abdomen = Solid.extrudedEllipse(ExtrudedEllipse(centre: bodyCentre, radii: bodyRadii - fat, zRange: span))

    // Organs around the liver.
    let spine = Solid.capsule(Capsule(a: SIMD3(0, -78, -2000), b: SIMD3(0, -78, 2000), radiusA: 19, radiusB: 19))
    let canal = Solid.capsule(Capsule(a: SIMD3(0, -104, -2000), b: SIMD3(0, -104, 2000), radiusA: 7, radiusB: 7))
    let aortaTube = Capsule(a: SIMD3(-20, -48, -2000), b: SIMD3(-20, -48, 2000), radiusA: 11, radiusB: 11)
    let ivcTube = Capsule(a: SIMD3(26, -40, -2000), b: SIMD3(26, -40, 95), radiusA: 11, radiusB: 11)
    let rightKidney = Ellipsoid(centre: SIMD3(78, -62, -82), rotation: .aboutZ(0.35), semiAxes: SIMD3(27, 24, 52))
    let leftKidney = Ellipsoid(centre: SIMD3(-78, -62, -68), rotation: .aboutZ(-0.35), semiAxes: SIMD3(27, 24, 52))
    let spleen = Ellipsoid(centre: SIMD3(-98, -42, 22), rotation: .aboutZ(-0.55), semiAxes: SIMD3(44, 28, 58))

    // The liver: a smooth union of a right lobe, a left lobe, the dome and the inferior tip,
    // scaled about the hilum, with an irregular surface, kept off the kidney, the vena cava,
    // the spine and the aorta, and inside the abdominal wall.
    let pivot = SIMD3<Double>(40, 0, 0)
    func lobe(_ c: SIMD3<Double>, _ s: SIMD3<Double>, _ angle: Double) -> Solid {
      let jitter = SIMD3(g.uniform(-4, 4), g.uniform(-4, 4), g.uniform(-4, 4))
      let size = s * SIMD3(g.uniform(0.93, 1.07), g.uniform(0.93, 1.07), g.uniform(0.93, 1.07))
      return .ellipsoid(Ellipsoid(centre: pivot + (c + jitter - pivot) * liverScale, rotation: .aboutZ(angle), semiAxes: size * liverScale))
    }
    let lobes = [
      lobe(SIMD3(62, -2, -5), SIMD3(66, 66, 60), 0),
      lobe(SIMD3(-28, 30, 22), SIMD3(60, 32, 28), -0.25 + g.uniform(-0.1, 0.1)),
      lobe(SIMD3(28, -6, 30), SIMD3(74, 54, 36), 0.1),
      lobe(SIMD3(82, 6, -48), SIMD3(40, 42, 34), 0),
    ]
    let surface = SurfaceNoise.random(&g, count: 7, wavelengthsMM: 35...110, amplitudeMM: 4.5)
    let keepOut = Solid.union([
      .ellipsoid(Ellipsoid(centre: rightKidney.centre, rotation: rightKidney.rotation, semiAxes: rightKidney.semiAxes + 6)),
      .capsule(Capsule(a: ivcTube.a, b: ivcTube.b, radiusA: 12.5, radiusB: 12.5)),
      .capsule(Capsule(a: SIMD3(0, -78, -2000), b: SIMD3(0, -78, 2000), radiusA: 27, radiusB: 27)),
      .capsule(Capsule(a: aortaTube.a, b: aortaTube.b, radiusA: 17, radiusB: 17)),
      .ellipsoid(Ellipsoid(centre: spleen.centre, rotation: spleen.rotation, semiAxes: spleen.semiAxes + 10)),
    ])
    let wall = Solid.extrudedEllipse(ExtrudedEllipse(centre: bodyCentre, radii: bodyRadii - fat - 3, zRange: span))
    // Tabulated every 3 mm: the analytic form costs a few hundred ns per point, and the
    // renderer evaluates it millions of times per study.
    let liver = Solid.intersection([Solid.smoothUnion(lobes, radius: 28).displaced(by: surface), wall]).subtracting(keepOut)
      .tabulated(spacingMM: 3)

    let below: [SceneObject] = [
      SceneObject(solid: body, signal: TissueLibrary.subcutaneousFat, liverMembership: 0, isAxiallyUniform: true),
      SceneObject(solid: abdomen, signal: TissueLibrary.softTissue, liverMembership: 0, isAxiallyUniform: true),
      SceneObject(solid: spine, signal: TissueLibrary.vertebra, isAxiallyUniform: true),
      SceneObject(solid: canal, signal: TissueLibrary.spinalCanal, isAxiallyUniform: true),
      SceneObject(solid: .capsule(aortaTube), signal: TissueLibrary.aorta, isAxiallyUniform: true),
      SceneObject(solid: .ellipsoid(rightKidney), signal: TissueLibrary.kidney, curvatureRadiusMM: rightKidney.smallestCurvatureRadius),
      SceneObject(solid: .ellipsoid(leftKidney), signal: TissueLibrary.kidney, curvatureRadiusMM: leftKidney.smallestCurvatureRadius),
      SceneObject(solid: .ellipsoid(spleen), signal: TissueLibrary.spleen, curvatureRadiusMM: spleen.smallestCurvatureRadius),
    ]
    var above: [SceneObject] = [
      SceneObject(solid: .capsule(ivcTube), signal: TissueLibrary.inferiorVenaCava, liverMembership: 0, curvatureRadiusMM: ivcTube.radiusA)
    ]
    let trees = VesselTree.draw(&g, liver: liver, pivot: pivot, scale: liverScale, ivcTop: ivcTube.b)
    above += trees.portal.map { SceneObject(solid: .capsule($0), signal: TissueLibrary.portalVein) }
    above += trees.hepatic.map { SceneObject(solid: .capsule($0), signal: TissueLibrary.hepaticVein) }
    return Anatomy(
      body: body, abdomen: abdomen, liver: liver, parenchyma: parenchyma, objectsBelowLiver: below,
      // The liver's creases are rounded over 28 mm and its cut-outs have radii of 12 mm and more.
      liverObject: SceneObject(solid: liver, signal: parenchyma, liverMembership: 1, curvatureRadiusMM: 12), objectsAboveLiver: above)
  }
}

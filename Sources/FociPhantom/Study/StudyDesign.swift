#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FociCore

/// One phantom patient, fully decided before any voxel is rendered: anatomy, lesions with
/// their true sizes, shunt mimics, breath-hold shifts, coil fields and noise levels.
///
/// Everything is drawn from `SplitMix64(seed, study index)` in a fixed order, so a study is
/// the same whatever other studies are drawn and however many threads draw them.
public struct StudyDesign: Sendable {
  public var index: Int
  public var studyID: String
  public var settings: PhantomSettings
  public var anatomy: Anatomy
  public var liverScale: Double
  public var lesions: [LesionDesign]
  public var mimics: [MimicDesign]
  /// World shift (mm) of each post-contrast phase: the anatomy seen at x is at x − shift.
  public var shiftsMM: [Modality: SIMD3<Double>]
  public var t1Bias: BiasField
  public var t2Bias: BiasField
  /// Noise σ of the T1 phases and of T2 (scanner units), and ADC noise relative to the value.
  public var t1NoiseSigma: Double
  public var t2NoiseSigma: Double
  public var adcNoiseRelative: Double
  /// Seed of the voxel noise streams.
  public var noiseSeed: UInt64
  /// Liver volume (parenchyma region with every lesion), mm³.
  public var liverVolumeMM3 = 0.0

  /// Liver volume (ml) of the unscaled anatomy, for sizing the liver to its tumour load.
  static let baseLiverVolumeML = 1650.0

  public static func studyID(index: Int) -> String {
    let digits = String(index + 1)
    return "study-" + String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
  }

  /// Draws study `index` of the cohort `settings.seed`.
  public static func draw(settings: PhantomSettings, index: Int) -> StudyDesign {
    var g = SplitMix64(seed: settings.seed, stream: UInt64(index))
    let parenchymaNative = 265 * g.uniform(0.92, 1.08)
    let parenchyma = TissueSignal(
      native: parenchymaNative, arterial: parenchymaNative * g.uniform(1.19, 1.30),
      venous: parenchymaNative * g.uniform(1.55, 1.70), delayed: parenchymaNative * g.uniform(1.50, 1.62),
      t2: 150 * g.uniform(0.9, 1.1), adc: 1300 * g.uniform(0.9, 1.1))

    let (count, burden) = LesionSampler.lesionCountAndBurden(&g)
    // Tumour replaces parenchyma and enlarges the liver: the parenchyma left shrinks with
    // the burden, and the liver holds parenchyma and lesions.
    let parenchymaML = baseLiverVolumeML * g.uniform(0.85, 1.15) * (1 - 0.75 * burden)
    let lesionML = burden / (1 - burden) * parenchymaML
    let liverScale = Swift.min(1.45, Swift.max(0.8, cbrt((parenchymaML + lesionML) / baseLiverVolumeML)))
    let sizes = LesionSampler.diameters(&g, count: count, volumeML: lesionML)
    let anatomy = Anatomy.draw(&g, liverScale: liverScale, parenchyma: parenchyma)

    var design = StudyDesign(
      index: index, studyID: studyID(index: index), settings: settings, anatomy: anatomy, liverScale: liverScale,
      lesions: [], mimics: [], shiftsMM: [:], t1Bias: .random(&g, strength: 0.15), t2Bias: .random(&g, strength: 0.15),
      t1NoiseSigma: parenchyma.native / settings.snr, t2NoiseSigma: parenchyma.t2 / settings.snr,
      adcNoiseRelative: 2 / settings.snr, noiseSeed: g.next())
    design.placeLesions(&g, regular: sizes.regular, small: sizes.small)
    design.addInnerParts(&g)
    design.placeMimics(&g)
    for phase in [Modality.arterial, .venous, .delayed] {
      let direction = SIMD3(0.35 * g.normal(), 0.5 * g.normal(), g.normal())
      let magnitude = g.uniform(0, settings.maxShiftMM)
      let norm = length(direction)
      design.shiftsMM[phase] = norm > 0 ? direction / norm * magnitude : .zero
    }
    for l in design.lesions.indices { design.lesions[l].measure() }
    design.liverVolumeMM3 = design.measureLiverVolume()
    return design
  }

  /// Volume (mm³) of the liver mask region: the parenchyma region plus the parts of lesions
  /// that bulge beyond it (lesions never overlap one another).
  func measureLiverVolume() -> Double {
    let liver = anatomy.liver
    var volume = SolidIntegration.volume(of: liver, cellMM: 3.0)
    for lesion in lesions where liver.distance(lesion.centre) > -lesion.boundingRadius * 1.3 {
      let bulge = lesion.solid.subtracting(liver)
      volume += SolidIntegration.volume(of: bulge, cellMM: Swift.max(0.25, lesion.boundingRadius / 30), safety: 1.5)
    }
    return volume
  }

  /// The liver mask region: parenchyma with every lesion (lesions may bulge the capsule).
  public var liverMaskSolid: Solid { .union([anatomy.liver] + lesions.map(\.solid)) }

  /// Every object in painting order: body and organs, liver, shunt wedges, vessels, lesions.
  public func sceneObjects() -> [SceneObject] {
    var objects = anatomy.objectsBelowLiver + [anatomy.liverObject]
    for mimic in mimics {
      var signal = anatomy.parenchyma
      signal.arterial *= mimic.arterialRatio
      objects.append(SceneObject(solid: mimic.solid, signal: signal, liverMembership: 1, mimicLabel: mimic.id))
    }
    objects += anatomy.objectsAboveLiver
    for lesion in lesions { objects += lesion.sceneObjects(parenchyma: anatomy.parenchyma) }
    return objects
  }

  // MARK: - Drawing

  /// Places lesions largest first at random points deep enough in the liver (a bulge of at
  /// most about half the radius), inside the abdominal wall and apart from each other;
  /// a lesion that finds no room is shrunk, and after six tries dropped.
  private mutating func placeLesions(_ g: inout SplitMix64, regular: [Double], small: [Double]) {
    let box = anatomy.liver.bounds
    let liver = CompiledSolid(anatomy.liver), abdomen = CompiledSolid(anatomy.abdomen)
    var placed: [(centre: SIMD3<Double>, radius: Double)] = []
    let plan = regular.map { ($0, false) } + small.map { ($0, true) }
    for (nominal, isSmall) in plan {
      let shape = LesionSampler.shapeClass(&g, small: isSmall)
      let lobulated = LesionSampler.lobulated(&g, shape: shape, small: isSmall)
      var diameter = nominal
      var blobs = LesionShape.draw(&g, diameterMM: diameter, shape: shape, lobulated: lobulated)
      var found: SIMD3<Double>?
      for _ in 0..<6 {
        let radius = LesionShape.boundingRadius(of: blobs, about: .zero)
        // Small lesions lie wholly inside; larger ones may bulge by up to 60 % of their radius.
        // Tested on a sphere of directions, not with the (conservative) distance bounds.
        let inner = Swift.max(0.4 * radius, Swift.min(radius + 1, 6))
        for _ in 0..<(lesions.count < 3 ? 1500 : 250) {
          let c = SIMD3<Double>(g.uniform(box.lower.x, box.upper.x), g.uniform(box.lower.y, box.upper.y), g.uniform(box.lower.z, box.upper.z))
          guard liver.distance(c) < 0, placed.allSatisfy({ length($0.centre - c) > $0.radius + radius + 2 }) else { continue }
          guard Self.probeDirections.allSatisfy({ liver.distance(c + inner * $0) < 0 && abdomen.distance(c + (radius + 4) * $0) < 0 })
          else { continue }
          found = c
          break
        }
        if found != nil { break }
        diameter *= 0.85
        blobs = LesionShape.draw(&g, diameterMM: diameter, shape: shape, lobulated: lobulated)
      }
      guard let centre = found else { continue }
      let moved = LesionShape.translated(blobs, by: centre)
      placed.append((centre, LesionShape.boundingRadius(of: moved, about: centre)))
      let contour = LesionSampler.contour(&g, small: isSmall)
      let arterialOnly = isSmall && g.chance(0.45)
      let ratios = isSmall ? LesionSampler.smallRatios(&g, arterialOnly: arterialOnly) : LesionSampler.regularRatios(&g)
      lesions.append(LesionDesign(
        id: lesions.count + 1, centre: centre, blobs: moved, shape: shape, surface: lobulated ? .lobulated : .smooth,
        contour: contour.0, edgeWidthMM: contour.1, ratios: ratios,
        adc: arterialOnly ? anatomy.parenchyma.adc * g.uniform(0.95, 1.05) : LesionSampler.adc(&g),
        core: nil, haemorrhage: nil, fluidLevelY: nil, arterialOnly: arterialOnly))
    }
  }

  /// Necrotic cores in lesions ≥ 15 mm of about 61 % of patients; fluid–fluid levels in
  /// about 9 %; blood products (a fluid level's sediment, a haemorrhage, or a lesion bright on
  /// native T1 throughout) in about 26 %.
  private mutating func addInnerParts(_ g: inout SplitMix64) {
    let candidates = lesions.indices.filter { nominalDiameter(lesions[$0]) >= 15 }
    if !candidates.isEmpty, g.chance(0.59) {
      for (rank, l) in candidates.enumerated() where rank == 0 || g.chance(0.6) {
        lesions[l].core = lesions[l].blobs[0].scaled(g.uniform(0.42, 0.7))
      }
    }
    let cored = lesions.indices.filter { lesions[$0].core != nil }
    if let first = cored.first, g.chance(0.11) {
      let core = lesions[first].core!
      lesions[first].fluidLevelY = core.base.centre.y + g.uniform(-0.3, 0.3) * core.base.semiAxes.min()
      return
    }
    guard g.chance(0.21) else { return }
    let largest = lesions.indices.prefix(3).filter { nominalDiameter(lesions[$0]) >= 5 }
    if !largest.isEmpty, g.chance(0.58) {
      lesions[largest[g.integer(0...(largest.count - 1))]].ratios.native = g.uniform(1.14, 1.35)
    } else if let l = cored.first {
      let core = lesions[l].core!.base
      lesions[l].haemorrhage = Ellipsoid(centre: core.centre, rotation: core.rotation, semiAxes: core.semiAxes * g.uniform(0.4, 0.7))
    } else if let l = lesions.indices.first(where: { nominalDiameter(lesions[$0]) >= 10 }) {
      let main = lesions[l].blobs[0].base
      lesions[l].haemorrhage = Ellipsoid(centre: main.centre, rotation: main.rotation, semiAxes: main.semiAxes * g.uniform(0.25, 0.4))
    }
  }

  /// 0–3 wedges per study, each on a random spot of the capsule away from the lesions.
  private mutating func placeMimics(_ g: inout SplitMix64) {
    let wanted = g.pick(weights: [0.3, 0.35, 0.2, 0.15])
    let liver = CompiledSolid(anatomy.liver)
    let box = liver.bounds
    var attempts = 0
    while mimics.count < wanted, attempts < 400 {
      attempts += 1
      let inside = SIMD3<Double>(g.uniform(box.lower.x, box.upper.x), g.uniform(box.lower.y, box.upper.y), g.uniform(box.lower.z, box.upper.z))
      guard liver.distance(inside) < -15 else { continue }
      // March out along a random direction to the capsule.
      let u = g.direction()
      var (lo, hi) = (0.0, 10.0)
      while liver.distance(inside + hi * u) < 0, hi < 400 { hi *= 1.5 }
      for _ in 0..<40 {
        let mid = (lo + hi) / 2
        if liver.distance(inside + mid * u) < 0 { lo = mid } else { hi = mid }
      }
      let surface = inside + lo * u
      let e = 0.5
      var normal = SIMD3<Double>()
      for a in 0..<3 {
        var step = SIMD3<Double>()
        step[a] = e
        normal[a] = liver.distance(surface + step) - liver.distance(surface - step)
      }
      guard length(normal) > 0 else { continue }
      normal /= length(normal)
      let depth = g.uniform(12, 26)
      let apex = surface - depth * normal
      guard liver.distance(apex) < -6 else { continue }
      let reach = depth + 12
      let clear = lesions.allSatisfy { min(length($0.centre - apex), length($0.centre - surface)) > $0.boundingRadius + 3 }
      guard clear, mimics.allSatisfy({ length($0.cone.apex - apex) > 2 * reach + 6 }) else { continue }
      let cone = Cone(apex: apex, axis: normal, halfAngle: g.uniform(0.32, 0.52), length: reach)
      var mimic = MimicDesign(
        id: mimics.count + 1, cone: cone, depthMM: depth, arterialRatio: g.uniform(1.25, 1.55),
        solid: .intersection([.cone(cone), anatomy.liver]))
      mimic.volumeMM3 = SolidIntegration.volume(of: mimic.solid, cellMM: 0.75)
      mimics.append(mimic)
    }
  }

  /// Directions for testing that a sphere lies inside an organ: the 26 neighbours' directions.
  static let probeDirections: [SIMD3<Double>] = {
    var d: [SIMD3<Double>] = []
    for z in -1...1 { for y in -1...1 { for x in -1...1 where x != 0 || y != 0 || z != 0 {
      let v = SIMD3(Double(x), Double(y), Double(z))
      d.append(v / length(v))
    } } }
    return d
  }()

  private func nominalDiameter(_ lesion: LesionDesign) -> Double { 2 * lesion.blobs[0].base.semiAxes.max() }
}

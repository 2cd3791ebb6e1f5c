#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FociCore

/// The distributions lesions are drawn from, tuned so that a cohort reproduces the clinical
/// reference figures of SPEC §7. Each number is named where it is used.
enum LesionSampler {
  /// Lesions per patient and the tumour load they carry. The reference shares (≥ 5 lesions
  /// 75.7 %, ≥ 10 lesions 55.3 %, median 26) describe two groups, patients with a few lesions
  /// and patients with very many (counting in the study stopped at 50; the phantom draws the
  /// tail beyond). The burden aimed at (lesion volume over liver volume) grows with the count:
  /// median 7 % with 1–4 lesions up to 60 % with 26 or more, log-normal, 0.5–80 %; placement
  /// realises less where many large lesions do not fit.
  static func lesionCountAndBurden(_ g: inout SplitMix64) -> (count: Int, burden: Double) {
    let group = g.pick(weights: [0.243, 0.204, 0.06, 0.493])
    let count: Int
    switch group {
    case 0: count = g.integer(1...4)
    case 1: count = g.integer(5...9)
    case 2: count = g.integer(14...25)
    default: count = Swift.min(150, 26 + Int(-20 * log(Swift.max(g.unit(), 1e-12))))
    }
    let median = [0.07, 0.16, 0.32, 0.6][group]
    return (count, Swift.min(0.8, Swift.max(0.005, g.logNormal(median: median, sigma: 0.65))))
  }

  /// Nominal diameters (mm) of the lesions ≥ 5 mm, largest first, sharing `volumeML`: the
  /// largest takes a share that shrinks with the count, the others a power-law spread below
  /// it; plus small foci (2–5 mm) in about 78 % of patients.
  static func diameters(_ g: inout SplitMix64, count: Int, volumeML: Double) -> (regular: [Double], small: [Double]) {
    let withSmall = count == 1 ? g.chance(0.1) : g.chance(0.64)
    let smallCount = withSmall ? (count == 1 ? 1 : Swift.min(count - 1, 1 + g.poisson(mean: 0.1 * Double(count)))) : 0
    let regularCount = count - smallCount
    let small = (0..<smallCount).map { _ in 2.2 + 2.75 * pow(g.unit(), 0.6) }.sorted(by: >)
    guard regularCount > 0 else { return ([], small) }
    // Relative sizes: 1 for the largest, u^0.9 below it (volumes ∝ d³).
    let relative = [1.0] + (1..<regularCount).map { _ in Swift.max(0.04, pow(g.unit(), 0.9)) * g.uniform(0.55, 0.95) }
    // A heavy load sits mostly in a few large masses: random packing cannot fill a liver with
    // many equal lesions beyond about a third of its volume.
    let burdenLike = volumeML / (volumeML + 1400)
    let share = regularCount == 1 ? 1 : Swift.max(0.15, Swift.min(0.85, g.uniform(0.35, 0.95) / pow(Double(regularCount), 0.45) + 0.45 * Swift.max(0, burdenLike - 0.25)))
    // The largest lesion carries `share` of the volume; the others the rest, in proportion to d³.
    let largestML = share * volumeML
    let restCubes = relative.dropFirst().reduce(0) { $0 + $1 * $1 * $1 }
    let largest = Swift.min(190, Swift.max(7, cbrt(6 * largestML * 1000 / Double.pi)))
    var regular = [largest]
    if restCubes > 0 {
      let restScale = cbrt(6 * (1 - share) * volumeML * 1000 / Double.pi / restCubes)
      for r in relative.dropFirst() { regular.append(Swift.min(largest, Swift.max(5.5, r * restScale))) }
    }
    return (regular.sorted(by: >), small)
  }

  static func shapeClass(_ g: inout SplitMix64, small: Bool) -> ShapeClass {
    if small { return g.chance(0.8) ? .round : .oval }
    return [ShapeClass.round, .oval, .irregular][g.pick(weights: [0.535, 0.175, 0.29])]
  }

  /// Irregular bodies are always lobulated; of the others 61 % are, a little above the 55.6 %
  /// that would make 68.5 % overall, because the classified lesions (each patient's largest)
  /// under-represent irregular ones, whose span is bounded conservatively when sized.
  static func lobulated(_ g: inout SplitMix64, shape: ShapeClass, small: Bool) -> Bool {
    if small { return false }
    return shape == .irregular || g.chance(0.61)
  }

  static func contour(_ g: inout SplitMix64, small: Bool) -> (ContourClass, Double) {
    if small || !g.chance(0.39) { return (.sharp, 0) }
    return (.blurred, g.uniform(1.2, 2.5))
  }

  /// A ratio inside the band of a class, kept clear of the ±10 % cut-offs.
  static func ratio(_ g: inout SplitMix64, _ grade: EnhancementGrade, active: ClosedRange<Double>) -> Double {
    switch grade {
    case .active: g.uniform(active.lowerBound, active.upperBound)
    case .moderate: g.uniform(0.94, 1.06)
    case .weak: g.uniform(0.62, 0.86)
    }
  }

  static func signalRatio(_ g: inout SplitMix64, _ c: SignalClass, hyper: ClosedRange<Double>) -> Double {
    switch c {
    case .hyperintense: g.uniform(hyper.lowerBound, hyper.upperBound)
    case .isointense: g.uniform(0.94, 1.06)
    case .hypointense: g.uniform(0.62, 0.86)
    }
  }

  /// Signal ratios of a lesion ≥ 5 mm: grades and classes in the reference shares. Native T1
  /// is iso or hypo here; the 4 % of T1-bright lesions come from blood products
  /// (`StudyDesign.addInnerParts`).
  static func regularRatios(_ g: inout SplitMix64) -> SignalRatios {
    let native = signalRatio(&g, g.chance(0.125) ? .isointense : .hypointense, hyper: 1.14...1.35)
    let arterial = ratio(&g, [EnhancementGrade.active, .moderate, .weak][g.pick(weights: [0.308, 0.326, 0.366])], active: 1.15...1.7)
    let venous = ratio(&g, [EnhancementGrade.active, .moderate, .weak][g.pick(weights: [0.163, 0.554, 0.283])], active: 1.14...1.4)
    let t2 = signalRatio(&g, [SignalClass.hyperintense, .isointense, .hypointense][g.pick(weights: [0.91, 0.065, 0.025])], hyper: 1.5...2.8)
    return SignalRatios(native: native, arterial: arterial, venous: venous, delayed: venous * g.uniform(0.9, 1.0), t2: t2)
  }

  /// Signal ratios of a small focus: strong arterial enhancement; an arterial-only focus is
  /// iso on the venous and delayed phases and on T2.
  static func smallRatios(_ g: inout SplitMix64, arterialOnly: Bool) -> SignalRatios {
    let native = signalRatio(&g, g.chance(0.8) ? .hypointense : .isointense, hyper: 1.14...1.35)
    let arterial = g.uniform(1.45, 2.1)
    if arterialOnly {
      let venous = g.uniform(0.95, 1.05)
      return SignalRatios(native: native, arterial: arterial, venous: venous, delayed: venous, t2: g.uniform(0.95, 1.05))
    }
    let venous = g.chance(0.5) ? g.uniform(1.14, 1.4) : g.uniform(0.94, 1.06)
    return SignalRatios(native: native, arterial: arterial, venous: venous, delayed: venous * g.uniform(0.9, 1.0), t2: g.uniform(1.5, 2.8))
  }

  /// Mean ADC of the solid component (median about 1000, 465–2745).
  static func adc(_ g: inout SplitMix64) -> Double {
    Swift.min(2745, Swift.max(465, g.logNormal(median: 1004, sigma: 0.3)))
  }
}

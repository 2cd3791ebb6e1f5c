/// The images a phantom study holds, in the order their signals are stored.
public enum Modality: Int, Sendable, Hashable, CaseIterable, Codable {
  case native, arterial, venous, delayed, t2, adc

  /// File name stem (`native` → `native.nii.gz`).
  public var fileStem: String {
    switch self {
    case .native: "native"
    case .arterial: "arterial"
    case .venous: "venous"
    case .delayed: "delayed"
    case .t2: "t2"
    case .adc: "adc"
    }
  }

  /// The post-contrast T1 phases, which move against the native one between breath-holds.
  public var isPostContrast: Bool { self == .arterial || self == .venous || self == .delayed }
}

/// Noise-free signal of one tissue in every image: T1 phases and T2 in scanner units, ADC in
/// 10⁻⁶ mm²/s.
public struct TissueSignal: Sendable, Hashable, Codable {
  public var native: Double
  public var arterial: Double
  public var venous: Double
  public var delayed: Double
  public var t2: Double
  public var adc: Double

  public init(native: Double, arterial: Double, venous: Double, delayed: Double, t2: Double, adc: Double) {
    self.native = native
    self.arterial = arterial
    self.venous = venous
    self.delayed = delayed
    self.t2 = t2
    self.adc = adc
  }

  /// A tissue that does not enhance: the same T1 signal in every phase.
  public static func unenhanced(t1: Double, t2: Double, adc: Double) -> TissueSignal {
    TissueSignal(native: t1, arterial: t1, venous: t1, delayed: t1, t2: t2, adc: adc)
  }

  public subscript(_ m: Modality) -> Double {
    switch m {
    case .native: native
    case .arterial: arterial
    case .venous: venous
    case .delayed: delayed
    case .t2: t2
    case .adc: adc
    }
  }

  /// Each T1 phase and T2 multiplied by its ratio (a lesion's signal against the parenchyma).
  public func scaled(native n: Double, arterial a: Double, venous v: Double, delayed d: Double, t2 t: Double, adc: Double) -> TissueSignal {
    TissueSignal(native: native * n, arterial: arterial * a, venous: venous * v, delayed: delayed * d, t2: t2 * t, adc: adc)
  }
}

/// Signals of the tissues around the liver: a fat-suppressed 3D T1 gradient-echo dynamic
/// series, a fat-suppressed T2 and an ADC map, in the ranges of clinical 1.5 T studies.
public enum TissueLibrary {
  public static let air = TissueSignal(native: 0, arterial: 0, venous: 0, delayed: 0, t2: 0, adc: 0)
  public static let subcutaneousFat = TissueSignal(native: 70, arterial: 72, venous: 75, delayed: 75, t2: 70, adc: 250)
  public static let softTissue = TissueSignal(native: 180, arterial: 200, venous: 235, delayed: 230, t2: 95, adc: 1450)
  public static let vertebra = TissueSignal(native: 250, arterial: 265, venous: 300, delayed: 300, t2: 110, adc: 550)
  public static let spinalCanal = TissueSignal(native: 90, arterial: 90, venous: 92, delayed: 95, t2: 700, adc: 3000)
  public static let aorta = TissueSignal(native: 130, arterial: 1000, venous: 450, delayed: 350, t2: 45, adc: 2600)
  public static let inferiorVenaCava = TissueSignal(native: 135, arterial: 145, venous: 520, delayed: 450, t2: 55, adc: 2600)
  public static let portalVein = TissueSignal(native: 140, arterial: 180, venous: 600, delayed: 420, t2: 55, adc: 2500)
  public static let hepaticVein = TissueSignal(native: 140, arterial: 150, venous: 520, delayed: 455, t2: 55, adc: 2500)
  public static let kidney = TissueSignal(native: 210, arterial: 650, venous: 460, delayed: 390, t2: 280, adc: 2050)
  public static let spleen = TissueSignal(native: 205, arterial: 420, venous: 440, delayed: 400, t2: 260, adc: 950)
}

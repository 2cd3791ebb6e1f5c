import FociCore

/// The images of one study, loaded (SPEC §2).
public struct StudyInputs: Sendable {
  /// An image with the name it is reported under (e.g. `t2`, `t2_fs`).
  public struct Named: Sendable {
    public var name: String
    public var volume: Volume<Float>
    public init(name: String, volume: Volume<Float>) {
      self.name = name
      self.volume = volume
    }
  }

  public var native: Volume<Float>
  public var arterial: Volume<Float>
  public var venous: Volume<Float>?
  public var delayed: Volume<Float>?
  /// T2-weighted images, on any grid.
  public var t2: [Named]
  /// ADC map (10⁻⁶ mm²/s), on any grid.
  public var adc: Volume<Float>?
  /// Non-zero = liver.
  public var liverMask: Volume<UInt8>

  public init(
    native: Volume<Float>, arterial: Volume<Float>, venous: Volume<Float>? = nil, delayed: Volume<Float>? = nil,
    t2: [Named] = [], adc: Volume<Float>? = nil, liverMask: Volume<UInt8>
  ) {
    self.native = native
    self.arterial = arterial
    self.venous = venous
    self.delayed = delayed
    self.t2 = t2
    self.adc = adc
    self.liverMask = liverMask
  }
}

/// The part an image plays in a study.
public enum StudyRole: Hashable, Sendable, CustomStringConvertible {
  case native, arterial, venous, delayed, liverMask, adc
  /// A T2-weighted image, by the name it is reported under.
  case t2(String)

  /// The short name used in lesions.json: `native`, `arterial`, `venous`, `delayed`,
  /// `liverMask`, `adc`, or the T2's name.
  public var key: String {
    switch self {
    case .native: "native"
    case .arterial: "arterial"
    case .venous: "venous"
    case .delayed: "delayed"
    case .liverMask: "liverMask"
    case .adc: "adc"
    case .t2(let name): name
    }
  }

  public var description: String {
    switch self {
    case .native, .arterial, .venous, .delayed: "the \(key) phase"
    case .liverMask: "the liver mask"
    case .adc: "the ADC map"
    case .t2(let name): "the T2 image \(name)"
    }
  }
}

/// Why a study cannot be analysed; each names the input at fault.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A T1 phase or the liver mask is not on the native phase's grid.
  case gridDiffers(role: StudyRole)
  /// A T2 or ADC image whose affine cannot be inverted or that does not cover the liver.
  case cannotRelate(role: StudyRole, reason: String)
  case emptyLiverMask
  /// Every sample of an image is zero (or not finite).
  case blank(role: StudyRole)
  case detection(String)

  public var description: String {
    switch self {
    case .gridDiffers(let role): "\(role) is not on the native phase's grid (dims, spacing or affine differ)"
    case .cannotRelate(let role, let reason): "\(role) cannot be related to the native grid: \(reason)"
    case .emptyLiverMask: "the liver mask has no non-zero voxel"
    case .blank(let role): "\(role) holds no non-zero finite sample"
    case .detection(let reason): "detection failed: \(reason)"
    }
  }

  /// The input at fault, for messages that name its file.
  public var role: StudyRole? {
    switch self {
    case .gridDiffers(let role), .cannotRelate(let role, _), .blank(let role): role
    case .emptyLiverMask: .liverMask
    case .detection: nil
    }
  }
}

/// The numeric type a volume's samples had on disk, before conversion to `Float`.
///
/// Kept with every volume so a report can say what the scanner wrote and so writers can
/// choose an output type that loses nothing.
public enum ScalarType: String, Sendable, Hashable, CaseIterable, Codable {
  case uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64

  /// Size of one sample in bytes.
  public var byteCount: Int {
    switch self {
    case .uint8, .int8: 1
    case .int16, .uint16: 2
    case .int32, .uint32, .float32: 4
    case .int64, .uint64, .float64: 8
    }
  }

  /// Whether every value of the type converts to `Float` exactly.
  public var isExactInFloat32: Bool {
    switch self {
    case .uint8, .int8, .int16, .uint16, .float32: true
    default: false
    }
  }
}

import FociCore

/// NIfTI `datatype` codes of the scalar types HepaFoci reads and writes.
enum NIfTIDatatype {
  /// The scalar type of a NIfTI datatype code, or nil for codes HepaFoci does not read
  /// (complex, RGB, binary, float128).
  static func scalarType(code: Int) -> ScalarType? {
    switch code {
    case 2: .uint8
    case 256: .int8
    case 4: .int16
    case 512: .uint16
    case 8: .int32
    case 768: .uint32
    case 1024: .int64
    case 1280: .uint64
    case 16: .float32
    case 64: .float64
    default: nil
    }
  }

  /// The NIfTI datatype code of a scalar type.
  static func code(of type: ScalarType) -> Int {
    switch type {
    case .uint8: 2
    case .int8: 256
    case .int16: 4
    case .uint16: 512
    case .int32: 8
    case .uint32: 768
    case .int64: 1024
    case .uint64: 1280
    case .float32: 16
    case .float64: 64
    }
  }
}

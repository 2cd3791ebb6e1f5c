import FociCore

/// Swift types that NIfTI can store, with their on-disk scalar type.
public protocol NIfTIScalar: BitwiseCopyable, Sendable {
  static var scalarType: ScalarType { get }
}

extension UInt8: NIfTIScalar { public static var scalarType: ScalarType { .uint8 } }
extension Int8: NIfTIScalar { public static var scalarType: ScalarType { .int8 } }
extension Int16: NIfTIScalar { public static var scalarType: ScalarType { .int16 } }
extension UInt16: NIfTIScalar { public static var scalarType: ScalarType { .uint16 } }
extension Int32: NIfTIScalar { public static var scalarType: ScalarType { .int32 } }
extension UInt32: NIfTIScalar { public static var scalarType: ScalarType { .uint32 } }
extension Int64: NIfTIScalar { public static var scalarType: ScalarType { .int64 } }
extension UInt64: NIfTIScalar { public static var scalarType: ScalarType { .uint64 } }
extension Float: NIfTIScalar { public static var scalarType: ScalarType { .float32 } }
extension Double: NIfTIScalar { public static var scalarType: ScalarType { .float64 } }

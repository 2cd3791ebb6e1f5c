import FociCore

/// Converts voxel data as stored (any scalar type, either byte order) to `Float`, applying
/// `scl_slope`/`scl_inter`.
///
/// Scaled values are computed in `Double` (`Double(raw) * slope + inter`) and rounded once to
/// `Float`, as nibabel does before a float32 cast. Unscaled values convert directly, so
/// integers up to 2²⁴ and every float32 come through exactly. Large volumes are converted in
/// parallel pieces; each output element depends on its input element only, so the result is
/// the same for any thread count.
enum SampleDecoder {
  static func decode(
    _ raw: UnsafeRawBufferPointer, type: ScalarType, count: Int, swapped: Bool,
    scaling: (slope: Double, intercept: Double)?
  ) -> [Float] {
    precondition(raw.count >= count * type.byteCount, "raw data shorter than the voxel count")
    let source = UncheckedSendable(raw)
    return ParallelSlabs.array(count: count) { range, out in
      decodeRange(source.value, into: out.baseAddress!, range: range, type: type, swapped: swapped, scaling: scaling)
    }
  }

  /// A binary mask of the samples: 1 where the scaled value is non-zero (NaN included, as
  /// `x != 0` says), else 0. Decodes in small chunks, so no float copy of the volume is made.
  static func decodeMask(
    _ raw: UnsafeRawBufferPointer, type: ScalarType, count: Int, swapped: Bool,
    scaling: (slope: Double, intercept: Double)?
  ) -> [UInt8] {
    precondition(raw.count >= count * type.byteCount, "raw data shorter than the voxel count")
    let source = UncheckedSendable(raw)
    // Without an intercept (and with a slope that cannot underflow a non-zero integer to 0),
    // scaling keeps zeros zero and the rest non-zero: the stored integers decide.
    let keepsZeros = scaling.map { $0.intercept == 0 && abs($0.slope) >= 1e-30 } ?? true
    if keepsZeros, let direct = integerMask(source, type: type, count: count) { return direct }
    return ParallelSlabs.array(count: count) { range, out in
      let chunk = 16_384
      withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { floats in
        var lower = range.lowerBound
        while lower < range.upperBound {
          let upper = Swift.min(lower + chunk, range.upperBound)
          decodeRange(source.value, into: floats.baseAddress!, range: lower..<upper, type: type, swapped: swapped, scaling: scaling)
          for n in lower..<upper { out[n - range.lowerBound] = floats[n - lower] != 0 ? 1 : 0 }
          lower = upper
        }
      }
    }
  }

  /// The mask of unscaled integer samples, read straight from the stored values: an integer
  /// is non-zero whatever its byte order, so no conversion is needed. Nil for float types.
  private static func integerMask(_ source: UncheckedSendable<UnsafeRawBufferPointer>, type: ScalarType, count: Int) -> [UInt8]? {
    func mask<T: FixedWidthInteger & SendableMetatype>(_: T.Type) -> [UInt8] {
      ParallelSlabs.array(count: count) { range, out in
        // Samples may sit at any byte offset (the data follows a 352-byte header in memory).
        let raw = source.value
        let width = MemoryLayout<T>.size
        for n in range { out[n &- range.lowerBound] = raw.loadUnaligned(fromByteOffset: n &* width, as: T.self) != 0 ? 1 : 0 }
      }
    }
    switch type {
    case .uint8: return mask(UInt8.self)
    case .int8: return mask(Int8.self)
    case .int16: return mask(Int16.self)
    case .uint16: return mask(UInt16.self)
    case .int32: return mask(Int32.self)
    case .uint32: return mask(UInt32.self)
    case .int64: return mask(Int64.self)
    case .uint64: return mask(UInt64.self)
    default: return nil
    }
  }

  /// Decodes samples `range` of `raw` into `out[0 ..< range.count]`.
  private static func decodeRange(
    _ raw: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>, range: Range<Int>,
    type: ScalarType, swapped: Bool, scaling: (slope: Double, intercept: Double)?
  ) {
    switch type {
    case .uint8: integers(UInt8.self, raw, out, range, swapped, scaling)
    case .int8: integers(Int8.self, raw, out, range, swapped, scaling)
    case .int16: integers(Int16.self, raw, out, range, swapped, scaling)
    case .uint16: integers(UInt16.self, raw, out, range, swapped, scaling)
    case .int32: integers(Int32.self, raw, out, range, swapped, scaling)
    case .uint32: integers(UInt32.self, raw, out, range, swapped, scaling)
    case .int64: integers(Int64.self, raw, out, range, swapped, scaling)
    case .uint64: integers(UInt64.self, raw, out, range, swapped, scaling)
    case .float32:
      if !swapped, scaling == nil {
        // Native float32: a straight copy.
        UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress! + range.lowerBound * 4, byteCount: range.count * 4)
        return
      }
      let s = scaling
      for n in range {
        var bits = raw.loadUnaligned(fromByteOffset: n &* 4, as: UInt32.self)
        if swapped { bits = bits.byteSwapped }
        let v = Float(bitPattern: bits)
        out[n &- range.lowerBound] = s.map { Float(Double(v) * $0.slope + $0.intercept) } ?? v
      }
    case .float64:
      for n in range {
        var bits = raw.loadUnaligned(fromByteOffset: n &* 8, as: UInt64.self)
        if swapped { bits = bits.byteSwapped }
        let v = Double(bitPattern: bits)
        out[n &- range.lowerBound] = Float(scaling.map { v * $0.slope + $0.intercept } ?? v)
      }
    }
  }

  @inline(__always)
  private static func integers<T: FixedWidthInteger & BitwiseCopyable>(
    _: T.Type, _ raw: UnsafeRawBufferPointer, _ base: UnsafeMutablePointer<Float>,
    _ range: Range<Int>, _ swapped: Bool, _ scaling: (slope: Double, intercept: Double)?
  ) {
    let width = MemoryLayout<T>.size
    let lo = range.lowerBound
    // Separate loops per case keep each one branch-free so it vectorises.
    switch (swapped, scaling) {
    case (false, nil):
      for n in range { base[n &- lo] = Float(raw.loadUnaligned(fromByteOffset: n &* width, as: T.self)) }
    case (true, nil):
      for n in range { base[n &- lo] = Float(raw.loadUnaligned(fromByteOffset: n &* width, as: T.self).byteSwapped) }
    case (false, let s?):
      for n in range {
        base[n &- lo] = Float(Double(raw.loadUnaligned(fromByteOffset: n &* width, as: T.self)) * s.slope + s.intercept)
      }
    case (true, let s?):
      for n in range {
        let v = raw.loadUnaligned(fromByteOffset: n &* width, as: T.self).byteSwapped
        base[n &- lo] = Float(Double(v) * s.slope + s.intercept)
      }
    }
  }
}

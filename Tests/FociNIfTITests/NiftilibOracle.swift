import CNIfTI
import FociCore

/// niftilib's own full read (zlib for gzip, its own byte swapping), with scl_slope/scl_inter
/// applied by the formula of the NIfTI standard: the reference HepaFoci's fast path must equal.
enum NiftilibOracle {
  static func read(_ path: String) -> (dims: [Int], values: [Float])? {
    nifti_set_debug_level(0)
    guard let nim = nifti_image_read(path, 1) else { return nil }
    defer { nifti_image_free(nim) }
    let n = nim.pointee
    let count = Int(n.nvox)
    guard let data = n.data else { return nil }
    let slope = n.scl_slope
    let inter = n.scl_inter
    let scaled = slope != 0 && slope.isFinite
    func value(_ raw: Double) -> Float { scaled ? Float(raw * slope + inter) : Float(raw) }
    var out = [Float]()
    out.reserveCapacity(count)
    for index in 0..<count {
      switch Int(n.datatype) {
      case 2: out.append(scaled ? value(Double(data.load(fromByteOffset: index, as: UInt8.self))) : Float(data.load(fromByteOffset: index, as: UInt8.self)))
      case 256: out.append(scaled ? value(Double(data.load(fromByteOffset: index, as: Int8.self))) : Float(data.load(fromByteOffset: index, as: Int8.self)))
      case 4: out.append(scaled ? value(Double(data.load(fromByteOffset: 2 * index, as: Int16.self))) : Float(data.load(fromByteOffset: 2 * index, as: Int16.self)))
      case 512: out.append(scaled ? value(Double(data.load(fromByteOffset: 2 * index, as: UInt16.self))) : Float(data.load(fromByteOffset: 2 * index, as: UInt16.self)))
      case 8: out.append(scaled ? value(Double(data.load(fromByteOffset: 4 * index, as: Int32.self))) : Float(data.load(fromByteOffset: 4 * index, as: Int32.self)))
      case 768: out.append(scaled ? value(Double(data.load(fromByteOffset: 4 * index, as: UInt32.self))) : Float(data.load(fromByteOffset: 4 * index, as: UInt32.self)))
      case 1024: out.append(scaled ? value(Double(data.load(fromByteOffset: 8 * index, as: Int64.self))) : Float(data.load(fromByteOffset: 8 * index, as: Int64.self)))
      case 1280: out.append(scaled ? value(Double(data.load(fromByteOffset: 8 * index, as: UInt64.self))) : Float(data.load(fromByteOffset: 8 * index, as: UInt64.self)))
      case 16: out.append(scaled ? value(Double(data.load(fromByteOffset: 4 * index, as: Float.self))) : data.load(fromByteOffset: 4 * index, as: Float.self))
      case 64: out.append(value(data.load(fromByteOffset: 8 * index, as: Double.self)))
      default: return nil
      }
    }
    let dims = (1...Int(n.ndim)).map { a in withUnsafeBytes(of: n.dim) { Int($0.load(fromByteOffset: 8 * a, as: Int64.self)) } }
    return (dims, out)
  }
}

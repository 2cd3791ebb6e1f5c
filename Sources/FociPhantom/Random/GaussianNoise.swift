#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard normal deviates for voxel noise, by Marsaglia & Tsang's ziggurat (2000, "The
/// ziggurat method for generating random variables", J. Stat. Softw. 5(8)) with 128 layers.
///
/// About 99 % of draws take one 64-bit random number, a table look-up and a multiply; the
/// rest fall back to the exact wedge and tail tests, so the distribution is exact, tails
/// included (truncated tails would hide the rare bright noise voxels a detector must cope
/// with). The layer index and the value come from disjoint bits of the random number.
public struct GaussianNoise: Sendable {
  private var generator: SplitMix64
  private let tables: ZigguratTables

  /// A noise stream for one labelled piece of work (a study, a channel, a slice).
  public init(seed: UInt64, stream: UInt64, _ more: UInt64 = 0) {
    generator = SplitMix64(seed: seed, stream: stream, more)
    tables = ZigguratTables.shared
  }

  @inline(__always)
  public mutating func next() -> Float {
    let bits = generator.next()
    let layer = Int(bits & 127)
    let j = Int32(truncatingIfNeeded: bits >> 32)
    if UInt32(j.magnitude) < tables.k[layer] { return Float(Double(j) * tables.w[layer]) }
    return Float(slow(j, layer))
  }

  private mutating func slow(_ first: Int32, _ firstLayer: Int) -> Double {
    var j = first, layer = firstLayer
    let r = ZigguratTables.tailStart
    while true {
      let x = Double(j) * tables.w[layer]
      if layer == 0 {
        // The tail beyond r: Marsaglia's exponential rejection.
        var tx = 0.0, ty = 0.0
        repeat {
          tx = -log(Swift.max(generator.unit(), 0x1p-60)) / r
          ty = -log(Swift.max(generator.unit(), 0x1p-60))
        } while ty + ty < tx * tx
        return j > 0 ? r + tx : -r - tx
      }
      if tables.f[layer] + generator.unit() * (tables.f[layer - 1] - tables.f[layer]) < exp(-0.5 * x * x) { return x }
      let bits = generator.next()
      layer = Int(bits & 127)
      j = Int32(truncatingIfNeeded: bits >> 32)
      if UInt32(j.magnitude) < tables.k[layer] { return Double(j) * tables.w[layer] }
    }
  }
}

/// The 128-layer ziggurat for the normal density, computed once and never freed; read through
/// raw pointers, as the noise loop draws two values per voxel and an array read there costs a
/// bounds check and a load of the array's storage each time.
final class ZigguratTables: @unchecked Sendable {
  static let tailStart = 3.442619855899
  static let shared = ZigguratTables()

  let k: UnsafePointer<UInt32>
  let w: UnsafePointer<Double>
  let f: UnsafePointer<Double>

  private init() {
    let m1 = 2147483648.0
    let area = 9.91256303526217e-3
    var dn = ZigguratTables.tailStart, tn = dn
    let q = area / exp(-0.5 * dn * dn)
    var k = [UInt32](repeating: 0, count: 128)
    var w = [Double](repeating: 0, count: 128)
    var f = [Double](repeating: 0, count: 128)
    k[0] = UInt32(dn / q * m1)
    k[1] = 0
    w[0] = q / m1
    w[127] = dn / m1
    f[0] = 1
    f[127] = exp(-0.5 * dn * dn)
    for i in stride(from: 126, through: 1, by: -1) {
      dn = (-2 * log(area / dn + exp(-0.5 * dn * dn))).squareRoot()
      k[i + 1] = UInt32(dn / tn * m1)
      tn = dn
      f[i] = exp(-0.5 * dn * dn)
      w[i] = dn / m1
    }
    func stored<T>(_ values: [T]) -> UnsafePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
      p.initialize(from: values, count: values.count)
      return UnsafePointer(p)
    }
    self.k = stored(k)
    self.w = stored(w)
    self.f = stored(f)
  }
}

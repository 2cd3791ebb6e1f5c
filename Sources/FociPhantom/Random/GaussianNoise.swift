#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard normal deviates for voxel noise, by Marsaglia & Tsang's ziggurat (2000, "The
/// ziggurat method for generating random variables", J. Stat. Softw. 5(8)) with 128 layers.
///
/// Each deviate takes 32 random bits: 7 pick the layer and the other 25 are the signed
/// abscissa, so one 64-bit number gives two deviates (`nextPair`), which is how the noise loop
/// draws a voxel's real and imaginary parts. About 99 % of draws need nothing else (a table
/// look-up and a multiply); the rest fall back to the exact wedge and tail tests, so the
/// distribution is exact, tails included (truncated tails would hide the rare bright noise
/// voxels a detector must cope with). 25 bits resolve a layer to 2⁻²⁴ of its width, finer than
/// the Float each deviate is returned as.
public struct GaussianNoise: Sendable {
  private var generator: SplitMix64
  private let tables: ZigguratTables

  /// A noise stream for one labelled piece of work (a study, a channel, a slice).
  public init(seed: UInt64, stream: UInt64, _ more: UInt64 = 0) {
    generator = SplitMix64(seed: seed, stream: stream, more)
    tables = ZigguratTables.shared
  }

  /// One deviate (from the low half of a fresh 64-bit number).
  @inline(__always)
  public mutating func next() -> Float {
    deviate(UInt32(truncatingIfNeeded: generator.next()))
  }

  /// Two independent deviates from one 64-bit number (its low half, then its high half).
  @inline(__always)
  public mutating func nextPair() -> (Float, Float) {
    let bits = generator.next()
    let first = deviate(UInt32(truncatingIfNeeded: bits))
    return (first, deviate(UInt32(truncatingIfNeeded: bits >> 32)))
  }

  @inline(__always)
  private mutating func deviate(_ bits: UInt32) -> Float {
    let layer = Int(bits & 127)
    let j = Int32(bitPattern: bits) >> 7
    if j.magnitude < tables.k[layer] { return Float(Double(j) * tables.w[layer]) }
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
      let bits = UInt32(truncatingIfNeeded: generator.next())
      layer = Int(bits & 127)
      j = Int32(bitPattern: bits) >> 7
      if j.magnitude < tables.k[layer] { return Double(j) * tables.w[layer] }
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
    // Abscissae are signed 25-bit integers: |j| < 2²⁴.
    let m1 = 16_777_216.0
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

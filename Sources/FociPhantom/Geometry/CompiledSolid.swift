import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `Solid` flattened into plain arrays of plain values, for the hot loops of rendering and
/// integration: evaluating a tree of enums and arrays costs a reference-count operation per
/// node, which took half the render time; this form takes none.
///
/// The memory is owned by the instance and never changes after construction, so it may be
/// shared by any number of threads.
public final class CompiledSolid: @unchecked Sendable {
  /// An ellipsoid's frame, read in place (copying it out of an enum payload cost a memmove per
  /// evaluation).
  struct Frame {
    var centre: SIMD3<Double>
    var r0: SIMD3<Double>
    var r1: SIMD3<Double>
    var r2: SIMD3<Double>
    var inverseSemi: SIMD3<Double>
    var minSemi: Double
  }

  /// Other primitives' parameters, also read in place.
  struct Primitive {
    var a: SIMD3<Double>
    var b: SIMD3<Double>
    var x: Double
    var y: Double
    var z: Double
  }

  enum Op {
    case ellipsoid(frame: Int)
    case lobulated(frame: Int, modulation: Unmanaged<DirectionTable>, radialFactor: Double)
    case capsule(Int)
    case extruded(Int)
    case cone(Int)
    case halfSpace(Int)
    case union(children: Range<Int>)
    case smoothUnion(children: Range<Int>, radius: Double)
    case intersection(children: Range<Int>)
    case difference(Int, Int)
    case displaced(child: Int, waves: Range<Int>, lipschitz: Double)
    case sampled(Unmanaged<SampledField>)
  }

  private let ops: UnsafeMutableBufferPointer<Op>
  private let frames: UnsafeMutableBufferPointer<Frame>
  private let primitives: UnsafeMutableBufferPointer<Primitive>
  private let lower: UnsafeMutableBufferPointer<SIMD3<Double>>
  private let upper: UnsafeMutableBufferPointer<SIMD3<Double>>
  private let children: UnsafeMutableBufferPointer<Int>
  /// Waves as (wave vector, phase) with amplitudes.
  private let waves: UnsafeMutableBufferPointer<SIMD4<Double>>
  private let amplitudes: UnsafeMutableBufferPointer<Double>
  private let root: Int
  public let bounds: Box3
  /// Tabulated fields and direction tables the operations point to, kept alive here.
  private let fields: [SampledField]
  private let tables: [DirectionTable]

  public init(_ solid: Solid) {
    var builder = Builder()
    root = builder.add(solid)
    func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
      let b = UnsafeMutableBufferPointer<T>.allocate(capacity: Swift.max(1, a.count))
      _ = b.initialize(from: a)
      return b
    }
    ops = copy(builder.ops)
    frames = copy(builder.frames)
    primitives = copy(builder.primitives)
    lower = copy(builder.boxes.map(\.lower))
    upper = copy(builder.boxes.map(\.upper))
    children = copy(builder.children)
    waves = copy(builder.waves)
    amplitudes = copy(builder.amplitudes)
    bounds = solid.bounds
    fields = builder.fields
    tables = builder.tables
  }

  deinit {
    ops.deallocate()
    frames.deallocate()
    primitives.deallocate()
    lower.deallocate()
    upper.deallocate()
    children.deallocate()
    waves.deallocate()
    amplitudes.deallocate()
  }

  /// The same value as `Solid.distance`.
  @inline(__always)
  public func distance(_ p: SIMD3<Double>) -> Double { evaluate(root, p) }

  /// The distance's gradient at `p`: exact for a tabulated field (the interpolant's own),
  /// otherwise by central differences over ±`step` mm.
  @inline(__always)
  public func gradient(_ p: SIMD3<Double>, step h: Double) -> SIMD3<Double> {
    if case .sampled(let field) = ops[root], let g = field._withUnsafeGuaranteedRef({ $0.gradient(p) }) { return g }
    return SIMD3(
      distance(p + SIMD3(h, 0, 0)) - distance(p - SIMD3(h, 0, 0)),
      distance(p + SIMD3(0, h, 0)) - distance(p - SIMD3(0, h, 0)),
      distance(p + SIMD3(0, 0, h)) - distance(p - SIMD3(0, 0, h))) / (2 * h)
  }

  @inline(__always)
  public func contains(_ p: SIMD3<Double>) -> Bool { evaluate(root, p) < 0 }

  /// Distance from `p` to the node's box (0 inside). Written per component: the generic
  /// `pointwiseMax` was not inlined here and cost a call per use (2 % of a phantom cohort).
  @inline(__always)
  private func boxDistance(_ node: Int, _ p: SIMD3<Double>) -> Double {
    let (a, b) = (lower[node], upper[node])
    let x = Swift.max(a.x - p.x, p.x - b.x, 0), y = Swift.max(a.y - p.y, p.y - b.y, 0), z = Swift.max(a.z - p.z, p.z - b.z, 0)
    return (x * x + y * y + z * z).squareRoot()
  }

  private func evaluate(_ node: Int, _ p: SIMD3<Double>) -> Double {
    switch ops[node] {
    case .ellipsoid(let index):
      let f = frames.baseAddress! + index
      let inv = f.pointee.inverseSemi
      let q = p - f.pointee.centre
      let b = SIMD3((f.pointee.r0 * q).sum(), (f.pointee.r1 * q).sum(), (f.pointee.r2 * q).sum()) * inv
      let k0 = (b * b).sum().squareRoot()
      if k0 <= 1 { return (k0 - 1) * f.pointee.minSemi }
      // Outside, the gauge k0 is convex, so (k0 − 1)/|∇k0| bounds the distance from below
      // and is exact along every axis; |∇k0| = |b / semi| / k0.
      let g = b * inv
      return (k0 - 1) * k0 / (g * g).sum().squareRoot()
    case .lobulated(let index, let modulation, let factor):
      let f = frames.baseAddress! + index
      let q = p - f.pointee.centre
      let r = (q * q).sum().squareRoot()
      let u = r > 1e-9 ? q / r : SIMD3(0, 0, 1)
      let b = SIMD3((f.pointee.r0 * u).sum(), (f.pointee.r1 * u).sum(), (f.pointee.r2 * u).sum()) * f.pointee.inverseSemi
      let radius = modulation._withUnsafeGuaranteedRef { $0.value(u) } / (b * b).sum().squareRoot()
      return (r - radius) * factor
    case .capsule(let index):
      let c = primitives.baseAddress! + index
      let (a, b, ra, rb) = (c.pointee.a, c.pointee.b, c.pointee.x, c.pointee.y)
      let ab = b - a
      let t = Swift.max(0, Swift.min(1, ((p - a) * ab).sum() / Swift.max((ab * ab).sum(), 1e-12)))
      let d = p - (a + t * ab)
      return (d * d).sum().squareRoot() - (ra + t * (rb - ra))
    case .extruded(let index):
      // a = (centre x, centre y, min radius), b = (1/rx, 1/ry, 0), x…z: z range.
      let e = primitives.baseAddress! + index
      let c = SIMD2(e.pointee.a.x, e.pointee.a.y), inv = SIMD2(e.pointee.b.x, e.pointee.b.y)
      let q = (SIMD2(p.x, p.y) - c) * inv
      let inPlane = ((q * q).sum().squareRoot() - 1) * e.pointee.a.z
      return Swift.max(inPlane, Swift.max(e.pointee.x - p.z, p.z - e.pointee.y))
    case .cone(let index):
      let c = primitives.baseAddress! + index
      let (apex, axis, cosine, sine, length) = (c.pointee.a, c.pointee.b, c.pointee.x, c.pointee.y, c.pointee.z)
      let q = p - apex
      let t = (q * axis).sum()
      let radial = q - t * axis
      let lateral = (radial * radial).sum().squareRoot() * cosine - t * sine
      return Swift.max(lateral, Swift.max(t - length, -t))
    case .halfSpace(let index):
      let h = primitives.baseAddress! + index
      return (p * h.pointee.a).sum() - h.pointee.x
    case .union(let range):
      var best = Double.infinity
      for c in range {
        let child = children[c]
        // As `Solid.distance`: inside, every part whose box holds the point counts.
        let box = boxDistance(child, p)
        if box > 0 && box >= best { continue }
        best = Swift.min(best, evaluate(child, p))
      }
      return best
    case .smoothUnion(let range, let k):
      var value = evaluate(children[range.lowerBound], p)
      for c in (range.lowerBound + 1)..<range.upperBound {
        let d = evaluate(children[c], p)
        let h = Swift.max(k - abs(value - d), 0) / k
        value = Swift.min(value, d) - h * h * k / 4
      }
      return value
    case .intersection(let range):
      var value = -Double.infinity
      for c in range { value = Swift.max(value, evaluate(children[c], p)) }
      return value
    case .difference(let a, let b):
      // As `Solid.distance`: the tighter bound outside `a` too.
      return Swift.max(evaluate(a, p), -evaluate(b, p))
    case .displaced(let child, let range, let lipschitz):
      var noise = 0.0
      for w in range {
        let wave = waves[w]
        noise += amplitudes[w] * FastSine.sin(wave.x * p.x + wave.y * p.y + wave.z * p.z + wave.w)
      }
      return (evaluate(child, p) - noise) / (1 + lipschitz)
    case .sampled(let field):
      return field._withUnsafeGuaranteedRef { $0.distance(p) }
    }
  }

  /// Flattens a tree, children before parents.
  private struct Builder {
    var ops: [Op] = []
    var boxes: [Box3] = []
    var children: [Int] = []
    var waves: [SIMD4<Double>] = []
    var amplitudes: [Double] = []
    var fields: [SampledField] = []
    var tables: [DirectionTable] = []
    var frames: [Frame] = []
    var primitives: [Primitive] = []

    mutating func primitive(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ x: Double, _ y: Double = 0, _ z: Double = 0) -> Int {
      primitives.append(Primitive(a: a, b: b, x: x, y: y, z: z))
      return primitives.count - 1
    }

    mutating func frame(_ e: Ellipsoid) -> Int {
      let r = e.rotation
      frames.append(Frame(centre: e.centre, r0: r.row0, r1: r.row1, r2: r.row2, inverseSemi: 1 / e.semiAxes, minSemi: e.semiAxes.min()))
      return frames.count - 1
    }

    mutating func append(_ op: Op, _ box: Box3) -> Int {
      ops.append(op)
      boxes.append(box)
      return ops.count - 1
    }

    mutating func addChildren(_ parts: [Solid]) -> Range<Int> {
      let indices = parts.map { add($0) }
      let start = children.count
      children += indices
      return start..<children.count
    }

    mutating func add(_ solid: Solid) -> Int {
      switch solid.node {
      case .ellipsoid(let e):
        return append(.ellipsoid(frame: frame(e)), solid.bounds)
      case .lobulated(let e):
        let table = DirectionTableCache.shared.table(for: e)
        tables.append(table)
        return append(
          .lobulated(frame: frame(e.base), modulation: Unmanaged.passUnretained(table), radialFactor: e.radialFactor),
          solid.bounds)
      case .capsule(let c):
        return append(.capsule(primitive(c.a, c.b, c.radiusA, c.radiusB)), solid.bounds)
      case .extrudedEllipse(let e):
        let inverse = 1 / e.radii
        return append(
          .extruded(primitive(SIMD3(e.centre.x, e.centre.y, e.radii.min()), SIMD3(inverse.x, inverse.y, 0), e.zRange.lowerBound, e.zRange.upperBound)),
          solid.bounds)
      case .cone(let c):
        return append(.cone(primitive(c.apex, c.axis, cos(c.halfAngle), sin(c.halfAngle), c.length)), solid.bounds)
      case .halfSpace(let n, let offset):
        return append(.halfSpace(primitive(n, .zero, offset)), solid.bounds)
      case .union(let parts):
        let range = addChildren(parts)
        return append(.union(children: range), solid.bounds)
      case .smoothUnion(let parts, let k):
        let range = addChildren(parts)
        return append(.smoothUnion(children: range, radius: k), solid.bounds)
      case .intersection(let parts):
        let range = addChildren(parts)
        return append(.intersection(children: range), solid.bounds)
      case .difference(let a, let b):
        let (ia, ib) = (add(a), add(b))
        return append(.difference(ia, ib), solid.bounds)
      case .displaced(let base, let noise):
        let child = add(base)
        let start = waves.count
        for i in noise.waveVectors.indices {
          let k = noise.waveVectors[i]
          waves.append(SIMD4(k.x, k.y, k.z, noise.phases[i]))
          amplitudes.append(noise.amplitudes[i])
        }
        return append(.displaced(child: child, waves: start..<waves.count, lipschitz: noise.lipschitz), solid.bounds)
      case .sampled(let field):
        fields.append(field)
        return append(.sampled(Unmanaged.passUnretained(field)), solid.bounds)
      }
    }
  }
}

/// sin(x) to about 1e-7 absolute, several times cheaper than libm's: enough for the smooth
/// surface noise it shapes, where libm's last bits buy nothing.
enum FastSine {
  @inline(__always)
  static func sin(_ x: Double) -> Double {
    // Reduce to [-π, π], then to [-π/2, π/2] by symmetry, then an odd Taylor polynomial
    // through x¹¹ (remainder under 1e-7 on that range).
    let twoPi = 2 * Double.pi
    var r = x - twoPi * (x / twoPi).rounded()
    if r > Double.pi / 2 { r = Double.pi - r } else if r < -Double.pi / 2 { r = -Double.pi - r }
    let r2 = r * r
    return r * (1 + r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362_880 + r2 * (-1.0 / 39_916_800))))))
  }
}

/// Direction tables of lobulated bodies, shared by every compilation of the same body: a study
/// compiles each lesion two or three times (its volume, its bulge out of the liver, rendering),
/// and a table costs 6534 evaluations of every lobe. A table is a function of the body alone, so
/// sharing it changes no value. Keeps the 512 most recently built (about 27 MB).
final class DirectionTableCache: Sendable {
  static let shared = DirectionTableCache()
  static let capacity = 512
  private struct State {
    var tables: [LobulatedEllipsoid: DirectionTable] = [:]
    var order: [LobulatedEllipsoid] = []
  }
  private let state = Mutex(State())

  func table(for body: LobulatedEllipsoid) -> DirectionTable {
    if let table = state.withLock({ $0.tables[body] }) { return table }
    // Built outside the lock, so studies drawn side by side do not wait for each other.
    let table = DirectionTable { u in body.modulation(along: u) }
    return state.withLock { state in
      if let existing = state.tables[body] { return existing }
      state.tables[body] = table
      state.order.append(body)
      if state.order.count > DirectionTableCache.capacity { state.tables[state.order.removeFirst()] = nil }
      return table
    }
  }
}

/// A smooth function of direction tabulated on a cube map (33 × 33 nodes per face, bilinear):
/// a lobulated mass's radial modulation read with a few loads instead of an exponential per
/// lobe. The nodes are at most 0.05 rad apart, so for the lobes drawn here (angular width
/// 0.3 rad and more) the table is within about 6·10⁻⁴ of the function, 0.03 mm on a 50 mm
/// radius.
final class DirectionTable: @unchecked Sendable {
  static let size = 33
  private let values: UnsafeMutableBufferPointer<Double>

  init(_ function: (SIMD3<Double>) -> Double) {
    let n = DirectionTable.size
    values = .allocate(capacity: 6 * n * n)
    for face in 0..<6 {
      for j in 0..<n {
        for i in 0..<n {
          let s = 2 * Double(i) / Double(n - 1) - 1, t = 2 * Double(j) / Double(n - 1) - 1
          var v = SIMD3<Double>()
          let axis = face / 2
          v[axis] = face % 2 == 0 ? 1 : -1
          v[(axis + 1) % 3] = s
          v[(axis + 2) % 3] = t
          values[(face * n + j) * n + i] = function(v / (v * v).sum().squareRoot())
        }
      }
    }
  }

  deinit { values.deallocate() }

  /// The tabulated value for the unit vector `u`.
  @inline(__always)
  func value(_ u: SIMD3<Double>) -> Double {
    let a = SIMD3(Swift.abs(u.x), Swift.abs(u.y), Swift.abs(u.z))
    let axis = a.x >= a.y ? (a.x >= a.z ? 0 : 2) : (a.y >= a.z ? 1 : 2)
    let major = u[axis]
    let face = 2 * axis + (major >= 0 ? 0 : 1)
    let inverse = 1 / Swift.abs(major)
    let n = DirectionTable.size
    let scale = Double(n - 1) / 2
    let x = (u[(axis + 1) % 3] * inverse + 1) * scale, y = (u[(axis + 2) % 3] * inverse + 1) * scale
    let i = Swift.min(Int(x), n - 2), j = Swift.min(Int(y), n - 2)
    let fx = x - Double(i), fy = y - Double(j)
    let o = (face * n + j) * n + i
    let top = values[o] + fx * (values[o + 1] - values[o])
    let bottom = values[o + n] + fx * (values[o + n + 1] - values[o + n])
    return top + fy * (bottom - top)
  }
}

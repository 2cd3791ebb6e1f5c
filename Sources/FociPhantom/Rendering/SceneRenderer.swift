import FociCore

/// Paints scene objects into images on one grid, with partial volume at every edge.
///
/// Objects are painted in order, each blending its signal over what lies beneath by the share
/// of the voxel it covers: `v ← v + c·(signal − v)`. The cover `c` comes from the solid's
/// distance bound: blocks of 4×4×2 voxels, their 2×2×1 sub-blocks and single voxels far enough
/// from the surface are wholly in or out; voxels near the surface are supersampled on a
/// regular sub-grid fine enough to resolve the thinnest axis (2×2×4 sub-voxels for
/// 1.4×1.4×3.5 mm), as a scanner averages signal over a voxel.
///
/// The anatomy of a phase shifted by `shiftMM` is sampled at x − shift. Work is split by
/// slices of each object's box in a fixed way, so the images do not depend on threads.
public struct SceneRenderer: Sendable {
  public let grid: Grid
  public let shiftMM: SIMD3<Double>
  public let modalities: [Modality]
  /// Also produce the liver fraction and the truth label maps.
  public let withTruth: Bool

  /// What a render produced.
  public struct Output: Sendable {
    /// One noise-free image per requested modality.
    public var images: [Modality: [Float]]
    /// Liver share of each voxel (0...1) and lesion / mimic ids where covered ≥ 50 %.
    public var liverFraction: [Float]?
    public var lesionLabels: [UInt16]?
    public var mimicLabels: [UInt16]?
  }

  public init(grid: Grid, shiftMM: SIMD3<Double> = .zero, modalities: [Modality], withTruth: Bool) {
    self.grid = grid
    self.shiftMM = shiftMM
    self.modalities = modalities
    self.withTruth = withTruth
  }

  /// Cover above which a voxel belongs to a truth label.
  static let labelCover: Float = 0.5
  /// Surfaces whose smallest radius of curvature is this many voxel half-diagonals or more are
  /// flat across a voxel: a tangent plane covers the voxel as the surface does to within a few
  /// per cent of a voxel (the sagitta over a voxel is h²/2R), exactly what supersampling
  /// approaches with many samples.
  static let flatCurvatureFactor = 4.0
  /// Widens the in/out tests for bodies whose distance is approximate (lobulated masses).
  static let safety = 1.05

  public func render(_ objects: [SceneObject]) -> Output {
    let n = grid.voxelCount
    // All channels in one buffer, channel c at offset c·n: the modalities, then the liver fraction.
    let channelTotal = modalities.count + (withTruth ? 1 : 0)
    var planes = [Float](repeating: 0, count: n * channelTotal)
    var lesionLabels = [UInt16](repeating: 0, count: withTruth ? n : 0)
    var mimicLabels = [UInt16](repeating: 0, count: withTruth ? n : 0)
    let geometry = VoxelGeometry(grid: grid)
    // Lesions too small to cover half a voxel anywhere get their best-covered voxel.
    var bestCover: [Int: (cover: Float, voxel: Int)] = [:]

    // While every object painted so far is the same in every axial slice and spans them all
    // (the body, the abdominal wall, the spine), so is the image: only slice 0 is painted, and
    // copied to the others before the first object that differs.
    var firstSliceOnly = geometry.isAxial
    let sliceSize = geometry.dims.x * geometry.dims.y
    func copyFirstSlice() {
      planes.withUnsafeMutableBufferPointer { p in
        for c in 0..<channelTotal {
          let first = p.baseAddress! + c * n
          for k in 1..<geometry.dims.z { (first + k * sliceSize).update(from: first, count: sliceSize) }
        }
      }
    }

    for object in objects {
      guard var objectBox = geometry.indexBox(of: object.solid.bounds.expanded(by: object.edgeWidthMM + geometry.halfDiagonal), shift: shiftMM)
      else { continue }
      if firstSliceOnly {
        let uniform = object.isAxiallyUniform && object.lesionLabel == 0 && object.mimicLabel == 0
        if uniform && objectBox.lower.z == 0 && objectBox.upper.z == geometry.dims.z - 1 {
          objectBox.upper.z = 0
        } else {
          copyFirstSlice()
          firstSliceOnly = false
        }
      }
      let box = objectBox
      let paintsLiver = withTruth && object.liverMembership != nil
      let signal = modalities.map { Float(object.signal[$0]) } + (withTruth ? [Float(object.liverMembership ?? 0)] : [])
      let signalBuffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: signal.count)
      _ = signalBuffer.initialize(from: signal)
      defer { signalBuffer.deallocate() }
      let channelCount = paintsLiver ? channelTotal : modalities.count
      let lesionID = withTruth ? object.lesionLabel : 0
      let mimicID = withTruth ? object.mimicLabel : 0
      let slices = box.upper.z - box.lower.z + 1
      let pieces = ParallelSlabs.ranges(total: slices, pieces: Swift.min(slices, 16))
      var pieceBest = [(cover: Float, voxel: Int)](repeating: (0, -1), count: pieces.count)
      let flat = object.edgeWidthMM == 0 && (object.curvatureRadiusMM ?? 0) >= SceneRenderer.flatCurvatureFactor * geometry.halfDiagonal
      let covers = CoverSampler(geometry: geometry, solid: object.compiled, edgeWidthMM: object.edgeWidthMM, shiftMM: shiftMM, tangentPlane: flat)
      let sliceCovers = object.isAxiallyUniform && geometry.isAxial ? covers.sliceCovers(box: box) : nil
      planes.withUnsafeMutableBufferPointer { pointers in
        lesionLabels.withUnsafeMutableBufferPointer { lesionOut in
          mimicLabels.withUnsafeMutableBufferPointer { mimicOut in
            pieceBest.withUnsafeMutableBufferPointer { bestOut in
              let shared = UncheckedSendable((pointers, lesionOut, mimicOut, bestOut, signalBuffer))
              let work = box.voxelCount > 100_000
              ParallelSlabs.forEach(count: pieces.count, maxThreads: work ? nil : 1) { p in
                let (targets, lesionLabel, mimicLabel, best, signalBuffer) = shared.value
                let kRange = (box.lower.z + pieces[p].lowerBound)...(box.lower.z + pieces[p].upperBound - 1)
                var painter = VoxelPainter(
                  targets: targets.baseAddress!, voxelCount: n, signal: UnsafeBufferPointer(signalBuffer), channelCount: channelCount,
                  lesionLabels: lesionLabel.baseAddress, lesionID: UInt16(lesionID), mimicLabels: mimicLabel.baseAddress, mimicID: UInt16(mimicID))
                if let sliceCovers {
                  for k in kRange {
                    for (offset, c) in sliceCovers { painter.paint(offset + sliceSize * k, c) }
                  }
                } else {
                  covers.forEachCoveredVoxel(box: box, kRange: kRange) { painter.paint($0, $1) }
                }
                best[p] = painter.best
              }
            }
          }
        }
      }
      if lesionID > 0 {
        for b in pieceBest where b.voxel >= 0 && b.cover > (bestCover[lesionID]?.cover ?? 0) { bestCover[lesionID] = b }
      }
    }
    if firstSliceOnly { copyFirstSlice() }
    if withTruth, !bestCover.isEmpty {
      // One pass finds the ids that made it into the map (not one scan per lesion).
      var present = [Bool](repeating: false, count: Int(UInt16.max) + 1)
      for label in lesionLabels { present[Int(label)] = true }
      for (id, best) in bestCover where !present[id] { lesionLabels[best.voxel] = UInt16(id) }
    }
    var images: [Modality: [Float]] = [:]
    if channelTotal == 1 {
      images[modalities[0]] = planes  // a single image needs no copy
    } else {
      for (index, m) in modalities.enumerated() { images[m] = Array(planes[(index * n)..<((index + 1) * n)]) }
    }
    return Output(
      images: images, liverFraction: withTruth ? Array(planes[(modalities.count * n)...]) : nil,
      lesionLabels: withTruth ? lesionLabels : nil, mimicLabels: withTruth ? mimicLabels : nil)
  }
}

/// Blends one object's signal into the channel planes voxel by voxel, and writes its truth
/// labels; a plain value with raw pointers, so the per-voxel call has no bounds checks, no
/// reference counting and no dynamic exclusivity checks of captured variables.
struct VoxelPainter {
  let targets: UnsafeMutablePointer<Float>
  let voxelCount: Int
  let signal: UnsafeBufferPointer<Float>
  let channelCount: Int
  let lesionLabels: UnsafeMutablePointer<UInt16>?
  let lesionID: UInt16
  let mimicLabels: UnsafeMutablePointer<UInt16>?
  let mimicID: UInt16
  /// The lesion's best-covered voxel so far.
  var best: (cover: Float, voxel: Int) = (0, -1)

  @inline(__always)
  mutating func paint(_ voxel: Int, _ c: Float) {
    if c == 1 {
      for ch in 0..<channelCount { targets[ch * voxelCount + voxel] = signal[ch] }
    } else {
      for ch in 0..<channelCount {
        let v = targets[ch * voxelCount + voxel]
        targets[ch * voxelCount + voxel] = v + c * (signal[ch] - v)
      }
    }
    if lesionID > 0 {
      if c >= SceneRenderer.labelCover { lesionLabels![voxel] = lesionID }
      if c > best.cover { best = (c, voxel) }
    }
    if mimicID > 0, c >= SceneRenderer.labelCover { mimicLabels![voxel] = mimicID }
  }
}

/// Voxel positions of a grid in world mm, and the boxes objects occupy in it.
struct VoxelGeometry: Sendable {
  let origin: SIMD3<Double>
  let columns: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
  let dims: SIMD3<Int>
  let inverse: AffineTransform
  /// Half the voxel's diagonal, mm.
  let halfDiagonal: Double
  /// Sub-voxel offsets (world mm) for supersampling, and those of one plane of them.
  let subsamples: [SIMD3<Double>]
  let planeSubsamples: [SIMD3<Double>]
  /// Each sub-sample's distance from the voxel centre, widened by the renderer's safety factor.
  let subsampleReach: [Double]
  /// Whether k runs along world z and i, j lie in axial planes.
  let isAxial: Bool

  struct IndexBox {
    var lower: SIMD3<Int>
    var upper: SIMD3<Int>
    var voxelCount: Int { (upper.x - lower.x + 1) * (upper.y - lower.y + 1) * (upper.z - lower.z + 1) }
  }

  init(grid: Grid) {
    let m = grid.voxelToWorld
    origin = m.apply(.zero)
    columns = (m.applyLinear(SIMD3(1, 0, 0)), m.applyLinear(SIMD3(0, 1, 0)), m.applyLinear(SIMD3(0, 0, 1)))
    dims = grid.dims
    inverse = m.inverted()!
    let lengths = SIMD3(length(columns.0), length(columns.1), length(columns.2))
    halfDiagonal = 0.5 * (lengths * lengths).sum().squareRoot()
    // Sub-samples per axis: at least 2, and spaced at most about 0.65 of the smallest voxel
    // edge (2×2×4 for 1.4×1.4×3.5 mm).
    let finest = lengths.min()
    let counts = SIMD3<Int>((0..<3).map { Swift.max(2, Int((1.5 * lengths[$0] / finest).rounded())) })
    var offsets: [SIMD3<Double>] = []
    for c in 0..<counts.z {
      for b in 0..<counts.y {
        for a in 0..<counts.x {
          let f = SIMD3((Double(a) + 0.5) / Double(counts.x) - 0.5, (Double(b) + 0.5) / Double(counts.y) - 0.5, (Double(c) + 0.5) / Double(counts.z) - 0.5)
          offsets.append(f.x * columns.0 + f.y * columns.1 + f.z * columns.2)
        }
      }
    }
    subsamples = offsets
    subsampleReach = offsets.map { length($0) * SceneRenderer.safety }
    planeSubsamples = Array(offsets.prefix(counts.x * counts.y)).map { SIMD3($0.x, $0.y, 0) }
    let (ci, cj, ck) = columns
    isAxial = ci.z == 0 && cj.z == 0 && ck.x == 0 && ck.y == 0
  }

  /// The farthest a voxel centre of a block of `size` voxels lies from the block's centre, mm.
  func centreSpread(_ size: SIMD3<Int>) -> Double {
    let half = 0.5 * (SIMD3<Double>(size) - 1)
    var spread = 0.0
    for signs in 0..<4 {
      let y = signs & 1 == 0 ? half.y : -half.y, z = signs & 2 == 0 ? half.z : -half.z
      spread = Swift.max(spread, length(half.x * columns.0 + y * columns.1 + z * columns.2))
    }
    return spread
  }

  @inline(__always)
  func world(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
    origin + Double(i) * columns.0 + Double(j) * columns.1 + Double(k) * columns.2
  }

  /// Index bounds of a world box moved by `shift`, clipped to the grid (nil when outside).
  func indexBox(of box: Box3, shift: SIMD3<Double>) -> IndexBox? {
    let clipped = box.intersection(Box3(lower: SIMD3(repeating: -1e6), upper: SIMD3(repeating: 1e6)))
    var lower = SIMD3<Double>(repeating: .infinity), upper = SIMD3<Double>(repeating: -.infinity)
    for corner in 0..<8 {
      let p = SIMD3(
        corner & 1 == 0 ? clipped.lower.x : clipped.upper.x, corner & 2 == 0 ? clipped.lower.y : clipped.upper.y,
        corner & 4 == 0 ? clipped.lower.z : clipped.upper.z) + shift
      let q = inverse.apply(p)
      lower = pointwiseMin(lower, q)
      upper = pointwiseMax(upper, q)
    }
    let lo = SIMD3<Int>((0..<3).map { Swift.max(0, Int(lower[$0].rounded(.down))) })
    let hi = SIMD3<Int>((0..<3).map { Swift.min(dims[$0] - 1, Int(upper[$0].rounded(.up))) })
    guard all(lo .<= hi) else { return nil }
    return IndexBox(lower: lo, upper: hi)
  }
}

/// The share of each voxel a solid covers.
struct CoverSampler: Sendable {
  let geometry: VoxelGeometry
  let solid: CompiledSolid
  let edgeWidthMM: Double
  let shiftMM: SIMD3<Double>
  /// Average voxels near the surface over its tangent plane instead of supersampling.
  let tangentPlane: Bool

  /// The share of the voxel centred at `p` (signed distance `d`) on the inner side of the
  /// solid's tangent plane: the distance is linearised with its gradient g (a tabulated field's
  /// own, otherwise central differences),
  /// and inside is where Σ tᵢ·(g·cᵢ) < −d for tᵢ uniform on [−½, ½] over the voxel's edge
  /// vectors cᵢ, whose distribution function is a piecewise cubic.
  @inline(__always)
  func planeCover(_ p: SIMD3<Double>, _ d: Double) -> Double {
    let g = solid.gradient(p, step: 0.25)
    let c = geometry.columns
    return BoxPlane.fractionBelow(widths: SIMD3(Swift.abs((g * c.0).sum()), Swift.abs((g * c.1).sum()), Swift.abs((g * c.2).sum())), offset: -d)
  }

  /// Membership of a point at signed distance `d`: a step, or a linear ramp over ±edge width.
  @inline(__always)
  func membership(_ d: Double) -> Double {
    if edgeWidthMM == 0 { return d < 0 ? 1 : 0 }
    return Swift.max(0, Swift.min(1, 0.5 - d / (2 * edgeWidthMM)))
  }

  /// The mean membership over the voxel's sub-samples. A sub-sample whose offset from the
  /// centre (widened by the safety factor) is shorter than the centre's distance from the edge
  /// band lies on the side the centre's distance decides, so its distance is not evaluated:
  /// the sum and its order are those of evaluating every sub-sample.
  /// A blurred edge's ramp reads the distance's value, not just its sign, and inside lobulated
  /// blobs the bound is not Lipschitz far from the surface (it may change by several mm within
  /// a voxel while keeping its sign): there only sub-samples beyond the ramp's outer end are
  /// skipped, where the bound holds.
  @inline(__always)
  func supersampledCover(_ p: SIMD3<Double>, _ d: Double) -> Float {
    let g = geometry
    var sum = 0.0
    if edgeWidthMM == 0 {
      for s in g.subsamples.indices {
        let reach = g.subsampleReach[s]
        if d >= reach { continue }  // outside: membership 0
        sum += d <= -reach || solid.distance(p + g.subsamples[s]) < 0 ? 1 : 0
      }
    } else {
      for s in g.subsamples.indices where d - g.subsampleReach[s] < edgeWidthMM {
        sum += membership(solid.distance(p + g.subsamples[s]))
      }
    }
    return Float(sum / Double(g.subsamples.count))
  }

  /// Covers of the first slice of `box` as (offset within a slice, cover), for a solid that
  /// is the same in every axial slice: supersampled in-plane only.
  func sliceCovers(box: VoxelGeometry.IndexBox) -> [(Int, Float)] {
    let g = geometry
    let reach = g.halfDiagonal * SceneRenderer.safety + edgeWidthMM
    var covers: [(Int, Float)] = []
    let k = box.lower.z
    for j in box.lower.y...box.upper.y {
      for i in box.lower.x...box.upper.x {
        let p = g.world(i, j, k) - shiftMM
        let d = solid.distance(p)
        if d >= reach { continue }
        let offset = i + g.dims.x * j
        if d <= -reach {
          covers.append((offset, 1))
          continue
        }
        var sum = 0.0
        for o in g.planeSubsamples { sum += membership(solid.distance(p + o)) }
        let cover = Float(sum / Double(g.planeSubsamples.count))
        if cover > 0 { covers.append((offset, cover)) }
      }
    }
    return covers
  }

  /// Calls `body(flat index, cover)` for every voxel of `box` with slices `kRange` that the
  /// solid covers at all, in index order within blocks of 4×4×2 voxels.
  ///
  /// A block, and then each of its 2×2×1 sub-blocks, whose centre lies farther from the
  /// surface than its farthest voxel centre plus a voxel's reach is wholly in or out: by the
  /// distance bound (widened by the safety factor) every voxel in it would test the same way
  /// one by one. Only voxels of sub-blocks near the surface are evaluated.
  func forEachCoveredVoxel(box: VoxelGeometry.IndexBox, kRange: ClosedRange<Int>, _ body: (Int, Float) -> Void) {
    let g = geometry
    let reachVoxel = g.halfDiagonal * SceneRenderer.safety + edgeWidthMM
    let block = SIMD3<Int>(4, 4, 2)
    let reachBlock = g.centreSpread(block) * SceneRenderer.safety + reachVoxel
    let reachSub = g.centreSpread(SIMD3(2, 2, 1)) * SceneRenderer.safety + reachVoxel
    let nx = g.dims.x, nxy = g.dims.x * g.dims.y
    // Sub-block states, indexed (i−i0)/2 + 2·(j−j0)/2 + 4·(k−k0): out, in, or near the surface.
    let (outside, inside, near): (UInt8, UInt8, UInt8) = (0, 1, 2)
    var states = SIMD8<UInt8>()
    for k0 in stride(from: kRange.lowerBound, through: kRange.upperBound, by: block.z) {
      let k1 = Swift.min(k0 + block.z - 1, kRange.upperBound)
      for j0 in stride(from: box.lower.y, through: box.upper.y, by: block.y) {
        let j1 = Swift.min(j0 + block.y - 1, box.upper.y)
        for i0 in stride(from: box.lower.x, through: box.upper.x, by: block.x) {
          let i1 = Swift.min(i0 + block.x - 1, box.upper.x)
          let d = solid.distance(0.5 * (g.world(i0, j0, k0) + g.world(i1, j1, k1)) - shiftMM)
          if d >= reachBlock { continue }
          if d <= -reachBlock {
            for k in k0...k1 {
              for j in j0...j1 {
                for i in i0...i1 { body(i + nx * j + nxy * k, 1) }
              }
            }
            continue
          }
          for k in k0...k1 {
            for jb in stride(from: j0, through: j1, by: 2) {
              for ib in stride(from: i0, through: i1, by: 2) {
                let (ie, je) = (Swift.min(ib + 1, i1), Swift.min(jb + 1, j1))
                let ds = solid.distance(0.5 * (g.world(ib, jb, k) + g.world(ie, je, k)) - shiftMM)
                states[(ib - i0) / 2 + 2 * ((jb - j0) / 2) + 4 * (k - k0)] = ds >= reachSub ? outside : ds <= -reachSub ? inside : near
              }
            }
          }
          for k in k0...k1 {
            for j in j0...j1 {
              for i in i0...i1 {
                let state = states[(i - i0) / 2 + 2 * ((j - j0) / 2) + 4 * (k - k0)]
                if state == outside { continue }
                let voxel = i + nx * j + nxy * k
                if state == inside {
                  body(voxel, 1)
                  continue
                }
                let p = g.world(i, j, k) - shiftMM
                let dv = solid.distance(p)
                if dv >= reachVoxel { continue }
                if dv <= -reachVoxel {
                  body(voxel, 1)
                  continue
                }
                let cover: Float
                if tangentPlane {
                  cover = Float(planeCover(p, dv))
                } else {
                  cover = supersampledCover(p, dv)
                }
                if cover > 0 { body(voxel, cover) }
              }
            }
          }
        }
      }
    }
  }
}

/// The share of a box below a plane.
enum BoxPlane {
  /// P(Σ tᵢ·wᵢ < offset) for independent tᵢ uniform on [−½, ½] and widths wᵢ ≥ 0: the share
  /// of a box (edges projected on the plane normal have lengths wᵢ) below a plane `offset`
  /// above its centre. Exact (the distribution of a sum of three uniforms is piecewise cubic);
  /// a width under 10⁻³ of the largest counts as zero, which changes the share by less than that.
  static func fractionBelow(widths: SIMD3<Double>, offset: Double) -> Double {
    // Sorted ascending without an array (this runs once per surface voxel).
    var (a, b, c) = (widths.x, widths.y, widths.z)
    if a > b { swap(&a, &b) }
    if b > c { swap(&b, &c) }
    if a > b { swap(&a, &b) }
    let total = a + b + c
    guard c > 1e-12 else { return offset > 0 ? 1 : 0 }
    let s = offset + total / 2
    if s <= 0 { return 0 }
    if s >= total { return 1 }
    if b < 1e-3 * c { return Swift.min(1, Swift.max(0, (offset + c / 2) / c)) }
    if a < 1e-3 * c {
      func sq(_ x: Double) -> Double { x > 0 ? x * x : 0 }
      return Swift.min(1, Swift.max(0, (sq(s) - sq(s - b) - sq(s - c) + sq(s - b - c)) / (2 * b * c)))
    }
    func cube(_ x: Double) -> Double { x > 0 ? x * x * x : 0 }
    let value = cube(s) - cube(s - a) - cube(s - b) - cube(s - c) + cube(s - a - b) + cube(s - a - c) + cube(s - b - c) - cube(s - a - b - c)
    return Swift.min(1, Swift.max(0, value / (6 * a * b * c)))
  }
}

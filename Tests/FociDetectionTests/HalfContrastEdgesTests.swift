import FociComponents
import FociCore
import Testing

@testable import FociDetection

/// Trimming enhancing foci to their half-contrast edge, on balls rendered with partial volume.
@Suite("Half-contrast edges")
struct HalfContrastEdgesTests {
  static let spacing = SIMD3(1.4, 1.4, 3.5)
  static let dims = SIMD3(48, 48, 20)
  static let grid = Grid(dims: dims, spacingMM: spacing)
  static let (parenchyma, threshold): (Float, Float) = (100, 130)

  /// Each voxel's share inside a ball (4³ sub-samples), and the subtraction of a liver at
  /// `parenchyma` holding that ball at `parenchyma + contrast`.
  static func ball(centre: SIMD3<Double>, radius: Double, contrast: Float) -> (cover: [Float], subtraction: [Float]) {
    var cover = [Float](repeating: 0, count: grid.voxelCount)
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
      var inside = 0
      for s in 0..<64 {
        let sub = SIMD3<Double>(Double(s & 3), Double(s >> 2 & 3), Double(s >> 4))
        let offset: SIMD3<Double> = (sub + 0.5) / 4 - 0.5
        let voxel = SIMD3<Double>(Double(i), Double(j), Double(k))
        let p: SIMD3<Double> = (voxel + offset) * spacing - centre
        if (p * p).sum() <= radius * radius { inside += 1 }
      }
      cover[grid.offset(i, j, k)] = Float(inside) / 64
    } } }
    return (cover, cover.map { parenchyma + $0 * contrast })
  }

  static func foci(_ subtraction: [Float], above limit: Float = threshold) -> ComponentLabels {
    ConnectedComponents.label(Volume(grid: grid, voxels: subtraction.map { $0 > limit ? UInt8(1) : 0 }), minimumVoxels: 3)
  }

  static func trim(_ foci: ComponentLabels, _ subtraction: [Float], layers: Int = 2, neighbourVoxels: Int = 0) -> ComponentLabels {
    HalfContrastEdges.trim(
      foci, values: subtraction, parenchyma: parenchyma, threshold: threshold, layers: layers,
      connectivity: .corners26, minimumVoxels: 3, neighbourVoxels: neighbourVoxels)
  }

  /// Whether voxel `n` has a 26-neighbour labelled `id` (inside the grid).
  static func touches(_ labels: [UInt32], _ n: Int, _ id: UInt32) -> Bool {
    let (i, j, k) = (n % dims.x, n / dims.x % dims.y, n / (dims.x * dims.y))
    for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
      let (a, b, c) = (i + dx, j + dy, k + dz)
      guard a >= 0, a < dims.x, b >= 0, b < dims.y, c >= 0, c < dims.z else { continue }
      if labels[grid.offset(a, b, c)] == id { return true }
    } } }
    return false
  }

  @Test("a strongly enhancing ball is trimmed to the voxels at least half inside it", arguments: [4.0, 7.5, 12.0])
  func trimsToHalfCover(radius: Double) {
    let centre = SIMD3(33.3, 34.1, 35.6)
    let (cover, subtraction) = Self.ball(centre: centre, radius: radius, contrast: 300)
    let halfInside = cover.filter { $0 >= 0.5 }.count
    let before = Self.foci(subtraction)
    let after = Self.trim(before, subtraction)
    #expect(before.count == 1 && after.count == 1)
    // The threshold takes every voxel more than a tenth inside; the trim keeps those at least
    // half inside: exactly, as the ball's level is its full contrast here.
    #expect(before.voxelCounts[0] > halfInside + halfInside / 5, "\(before.voxelCounts[0]) vs \(halfInside)")
    let labels = after.labels.labels32
    if radius >= 7 {
      #expect(after.voxelCounts[0] == halfInside, "\(after.voxelCounts[0]) vs \(halfInside)")
      for n in cover.indices { #expect((labels[n] != 0) == (cover[n] >= 0.5)) }
    } else {
      // A small ball has few voxels wholly inside, so its level is under its full contrast and
      // the trim stops short of the half: never past it.
      #expect(after.voxelCounts[0] < before.voxelCounts[0] && after.voxelCounts[0] <= halfInside + halfInside / 5)
      for n in cover.indices where cover[n] >= 0.5 { #expect(labels[n] != 0) }
    }
  }

  @Test("layers bound the trim; 0 leaves foci as they are")
  func layersBoundTheTrim() {
    // A ball whose ramp is five voxels wide in-plane: one layer goes one voxel deep.
    var subtraction = [Float](repeating: Self.parenchyma, count: Self.grid.voxelCount)
    let centre = SIMD3(24.0, 24.0, 10.0)
    for k in 0..<Self.dims.z { for j in 0..<Self.dims.y { for i in 0..<Self.dims.x {
      let d: SIMD3<Double> = (SIMD3<Double>(Double(i), Double(j), Double(k)) - centre) * SIMD3<Double>(1, 1, 2.5)
      let r = (d * d).sum().squareRoot()
      subtraction[Self.grid.offset(i, j, k)] = Self.parenchyma + Float(300 * min(1, max(0, (12 - r) / 5)))
    } } }
    let before = Self.foci(subtraction)
    let untouched = Self.trim(before, subtraction, layers: 0)
    #expect(untouched.labels.labels32 == before.labels.labels32)
    let one = Self.trim(before, subtraction, layers: 1), two = Self.trim(before, subtraction, layers: 2)
    #expect(before.voxelCounts[0] > one.voxelCounts[0] && one.voxelCounts[0] > two.voxelCounts[0])
    // Every voxel one layer removed was on the outside of the focus.
    let b = before.labels.labels32, o = one.labels.labels32
    for n in b.indices where b[n] != 0 && o[n] == 0 {
      let (i, j, k) = (n % Self.dims.x, n / Self.dims.x % Self.dims.y, n / (Self.dims.x * Self.dims.y))
      let neighbours = [(i - 1, j, k), (i + 1, j, k), (i, j - 1, k), (i, j + 1, k), (i, j, k - 1), (i, j, k + 1)]
      #expect(neighbours.contains { b[Self.grid.offset($0.0, $0.1, $0.2)] == 0 })
    }
  }

  /// Two box lesions (8 and 10 voxels along x, 6 × 4 across) enhancing 400, joined by a line
  /// of voxels at 180 (over the threshold, under the half level), 16 voxels long.
  static func bridgedLesions() -> [Float] {
    var subtraction = [Float](repeating: parenchyma, count: grid.voxelCount)
    for k in 8..<12 { for j in 20..<26 {
      for i in 6..<14 { subtraction[grid.offset(i, j, k)] = 400 }
      for i in 30..<40 { subtraction[grid.offset(i, j, k)] = 400 }
    } }
    for i in 14..<30 { subtraction[grid.offset(i, 22, 10)] = 180 }
    return subtraction
  }

  @Test("two lesions joined by a faint bridge come apart, numbered in raster order")
  func splitsBridges() {
    let subtraction = Self.bridgedLesions()
    let joined = Self.foci(subtraction)
    #expect(joined.count == 1)
    let apart = Self.trim(joined, subtraction)
    #expect(apart.voxelCounts == [8 * 6 * 4, 10 * 6 * 4])
    #expect(apart.labels[6, 20, 8] == 1 && apart.labels[30, 20, 8] == 2 && apart.labels[20, 22, 10] == 0)
  }

  @Test("a focus mostly under the threshold (the second channel's) is left alone")
  func leavesNonEnhancingFoci() {
    // A dark focus (found by other images) with a few bright voxels inside.
    var subtraction = [Float](repeating: Self.parenchyma, count: Self.grid.voxelCount)
    var mask = [UInt8](repeating: 0, count: Self.grid.voxelCount)
    for k in 8..<12 { for j in 20..<28 { for i in 20..<28 { mask[Self.grid.offset(i, j, k)] = 1 } } }
    for i in 22..<26 { subtraction[Self.grid.offset(i, 24, 10)] = 600 }
    let foci = ConnectedComponents.label(Volume(grid: Self.grid, voxels: mask))
    #expect(Self.trim(foci, subtraction).labels.labels32 == foci.labels.labels32)
  }

  @Test("a rim-enhancing lesion keeps its filled core, and foci never fall under the minimum size")
  func keepsCoresAndSmallFoci() {
    // A shell 6 mm thick around a non-enhancing core, holes filled.
    var subtraction = [Float](repeating: Self.parenchyma, count: Self.grid.voxelCount)
    let centre = SIMD3(24.0, 24.0, 10.0)
    for k in 0..<Self.dims.z { for j in 0..<Self.dims.y { for i in 0..<Self.dims.x {
      let d: SIMD3<Double> = (SIMD3<Double>(Double(i), Double(j), Double(k)) - centre) * Self.spacing
      let r = (d * d).sum().squareRoot()
      // A faint partial-volume skin outside, and a slit through the rim at y = 24, z = 10 that
      // enhances too little for the half level: a way in for the trim, which the layers bound.
      let slit = j == 24 && k == 10 && i > 24
      if r <= 14 { subtraction[Self.grid.offset(i, j, k)] = r > 12 ? 180 : r > 8 ? (slit ? 200 : 400) : 90 }
    } } }
    // A tiny partial-volume focus: three voxels, one bright and two faint.
    for (i, value) in [(5, 180), (6, 400), (7, 170)] { subtraction[Self.grid.offset(i, 5, 3)] = Float(value) }
    let filled = HoleFilling.fillHoles(in: Self.foci(subtraction), connectivity: .corners26)
    let core = Self.grid.offset(24, 24, 10)
    #expect(filled.count == 2 && filled.labels.labels32[core] != 0)
    let trimmed = Self.trim(filled, subtraction)
    #expect(trimmed.count == 2)
    #expect(trimmed.voxelCounts.max()! < filled.voxelCounts.max()!, "the skin is trimmed")
    #expect(trimmed.labels.labels32[core] != 0, "the core stays part of the lesion")
    for i in 18...24 { #expect(trimmed.labels.labels32[Self.grid.offset(i, 24, 10)] != 0, "core voxel \(i)") }
    #expect(trimmed.voxelCounts.min() == 3, "the tiny focus keeps its three voxels")
  }

  @Test("a weaker lesion touching a strong one, peeled away whole, is kept as a lesion of its own")
  func keepsPeeledNeighbours() {
    // A 9 mm ball enhancing 400 over the liver and, touching it in-plane, a 4.5 mm ball
    // enhancing 60 (twice the threshold's margin): one focus at the threshold, whose level
    // halves to about 300, far over the weak ball, which is three slices thick.
    let strong = Self.ball(centre: SIMD3(30, 33.6, 35), radius: 9, contrast: 400)
    let weak = Self.ball(centre: SIMD3(42.7, 33.6, 35), radius: 4.5, contrast: 60)
    let subtraction = zip(strong.subtraction, weak.subtraction).map { $0 + $1 - Self.parenchyma }
    let joined = Self.foci(subtraction)
    #expect(joined.count == 1)
    let weakCore = Self.grid.offset(30, 24, 10)
    #expect(weak.cover[weakCore] == 1 && joined.labels.labels32[weakCore] != 0)

    let plain = Self.trim(joined, subtraction)
    #expect(plain.count == 1 && plain.labels.labels32[weakCore] == 0, "the peel takes the weak ball whole")

    let kept = Self.trim(joined, subtraction, neighbourVoxels: 3)
    #expect(kept.count == 2)
    let labels = kept.labels.labels32
    let (strongID, weakID) = (labels[Self.grid.offset(21, 24, 10)], labels[weakCore])
    #expect(strongID != 0 && weakID != 0 && strongID != weakID)
    // The strong lesion is trimmed as without the rescue.
    let plainLabels = plain.labels.labels32
    for n in labels.indices { #expect((labels[n] == strongID) == (plainLabels[n] != 0)) }
    // The weak lesion lies in the weak ball, keeps at least a third of its half-cover voxels,
    // and is cut from the strong one (no 26-contact).
    let weakVoxels = labels.indices.filter { labels[$0] == weakID }
    let halfCover = weak.cover.filter { $0 >= 0.5 }.count
    #expect(weakVoxels.allSatisfy { weak.cover[$0] > 0 })
    #expect(3 * weakVoxels.count >= halfCover, "\(weakVoxels.count) of \(halfCover)")
    #expect(!weakVoxels.contains { Self.touches(labels, $0, strongID) })
  }

  @Test(
    "the shell the peel takes from a lesion, a bridge and a lesion at the grid's edge are never kept on their own",
    arguments: [(SIMD3(33.3, 34.1, 35.6), 4.0), (SIMD3(33.3, 34.1, 35.6), 7.5), (SIMD3(33.3, 34.1, 35.6), 12.0), (SIMD3(0.4, 3.0, 0.5), 9.0)])
  func neverKeepsShells(centre: SIMD3<Double>, radius: Double) {
    let (_, subtraction) = Self.ball(centre: centre, radius: radius, contrast: 300)
    let before = Self.foci(subtraction)
    #expect(Self.trim(before, subtraction, neighbourVoxels: 3).labels.labels32 == Self.trim(before, subtraction).labels.labels32)
    // Two lesions joined by a line over the threshold, 16 voxels long: its middle is far from
    // both, but one voxel thick.
    let bridged = Self.bridgedLesions()
    let joined = Self.foci(bridged)
    #expect(Self.trim(joined, bridged, neighbourVoxels: 3).voxelCounts == [8 * 6 * 4, 10 * 6 * 4])
  }
}

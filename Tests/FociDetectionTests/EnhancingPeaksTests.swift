import FociComponents
import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociDetection

/// Splitting enhancing foci by their peaks, on partial-volume balls (`HalfContrastEdgesTests`'
/// renderer and grid: 1.4 × 1.4 × 3.5 mm, parenchyma 100, threshold 130).
@Suite("Enhancing peaks")
struct EnhancingPeaksTests {
  typealias Balls = HalfContrastEdgesTests
  static let (strongCentre, weakCentre) = (SIMD3(25.2, 33.6, 35.0), SIMD3(37.4, 33.6, 35.0))

  /// A strongly enhancing ball of radius 6 mm and a weaker one of 4 mm, 2.2 mm apart, joined
  /// over the threshold by a partial-volume bridge a voxel thick (1.6 times the threshold's
  /// margin) on the row through both centres.
  static func pair() -> (strong: [Float], weak: [Float], subtraction: [Float]) {
    let strong = Balls.ball(centre: strongCentre, radius: 6, contrast: 400)
    let weak = Balls.ball(centre: weakCentre, radius: 4, contrast: 150)
    var subtraction = zip(strong.subtraction, weak.subtraction).map { $0 + $1 - Balls.parenchyma }
    let bridge = Balls.parenchyma + 1.6 * (Balls.threshold - Balls.parenchyma)
    for i in 20..<26 {
      let n = Balls.grid.offset(i, 24, 10)
      subtraction[n] = max(subtraction[n], bridge)
    }
    return (strong.cover, weak.cover, subtraction)
  }

  static func split(_ foci: ComponentLabels, _ subtraction: [Float], ratio: Float = 1.25, sigmaMM: Double = 1.5) -> ComponentLabels {
    EnhancingPeaks.split(
      foci, values: subtraction, parenchyma: Balls.parenchyma, threshold: Balls.threshold, ratio: ratio, minimumVoxels: 3,
      sigmaMM: sigmaMM, connectivity: .corners26)
  }

  static func label(_ foci: ComponentLabels, at centre: SIMD3<Double>) -> UInt32 {
    let v = SIMD3<Int>((centre / Balls.spacing).rounded(.down))
    return foci.labels.labels32[Balls.grid.offset(v.x, v.y, v.z)]
  }

  @Test("two joined balls become one focus each, and the weaker keeps its half-cover voxels through the trim")
  func joinedBallsSplit() {
    let (_, weak, subtraction) = Self.pair()
    let joined = Balls.foci(subtraction)
    #expect(joined.count == 1, "the threshold joins the pair")
    let parts = Self.split(joined, subtraction)
    #expect(parts.count == 2)
    let (a, b) = (Self.label(parts, at: Self.strongCentre), Self.label(parts, at: Self.weakCentre))
    #expect(a != 0 && b != 0 && a != b)
    // Nothing but the cut between them is lost, and no voxel outside the joined focus is added.
    let before = joined.labels.labels32, after = parts.labels.labels32
    for n in after.indices where after[n] != 0 { #expect(before[n] != 0) }
    #expect(parts.voxelCounts.reduce(0, +) < joined.voxelCounts[0] && parts.voxelCounts.reduce(0, +) > joined.voxelCounts[0] * 4 / 5)
    // Trimmed as one, the pair's level is the strong ball's and the weak one is peeled to a
    // remnant; split, each is trimmed at its own level and the weak ball keeps most voxels at
    // least half inside it (the cut takes a few, and the strong ball's tail lifts the weak
    // part's level a little).
    let halfInside = weak.indices.filter { weak[$0] >= 0.5 }
    let trimmedWhole = Balls.trim(joined, subtraction).labels.labels32
    let trimmedParts = Balls.trim(parts, subtraction)
    let weakID = Self.label(trimmedParts, at: Self.weakCentre)
    #expect(weakID != 0 && weakID != Self.label(trimmedParts, at: Self.strongCentre))
    let keptWhole = halfInside.filter { trimmedWhole[$0] != 0 }.count
    let keptParts = halfInside.filter { trimmedParts.labels.labels32[$0] == weakID }.count
    #expect(keptWhole < halfInside.count / 2, "\(keptWhole) of \(halfInside.count)")
    #expect(keptParts * 4 >= halfInside.count * 3, "\(keptParts) of \(halfInside.count)")
  }

  @Test("a single ball, even with seeded noise, is returned exactly as it was", arguments: [0.0, 1.5])
  func singlePeakUnchanged(sigmaMM: Double) {
    var (_, subtraction) = Balls.ball(centre: Self.strongCentre, radius: 9, contrast: 150)
    var rng = SeededGenerator(seed: 7)
    // Gaussian noise (Box–Muller) of 3 units: a tenth of the threshold's margin.
    for n in subtraction.indices {
      let (u, v) = (Float.random(in: 1e-7..<1, using: &rng), Float.random(in: 0..<1, using: &rng))
      subtraction[n] += 3 * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    let foci = Balls.foci(subtraction)
    let parts = Self.split(foci, subtraction, sigmaMM: sigmaMM)
    #expect(parts.count == foci.count && parts.voxelCounts == foci.voxelCounts)
    #expect(parts.labels.labels32 == foci.labels.labels32)
  }

  @Test("a saddle shallower than the ratio, and ratio ≤ 1, leave the focus whole")
  func shallowSaddleAndOff() {
    let (_, _, subtraction) = Self.pair()
    let joined = Balls.foci(subtraction)
    #expect(Self.split(joined, subtraction, ratio: 1).labels.labels32 == joined.labels.labels32)
    #expect(Self.split(joined, subtraction, ratio: 3).count == 1, "the weak ball does not rise threefold over the seam")
  }

  @Test("a focus mostly under the threshold (the second channel's) is not split")
  func mostlyUnderThresholdUnchanged() {
    let (_, _, subtraction) = Self.pair()
    // The two balls inside a wide region under the threshold, labelled together as the
    // detection's union of both channels would.
    var mask = subtraction.map { $0 > Balls.threshold ? UInt8(1) : 0 }
    for k in 6..<14 { for j in 12..<36 { for i in 10..<38 { mask[Balls.grid.offset(i, j, k)] = 1 } } }
    let foci = ConnectedComponents.label(Volume(grid: Balls.grid, voxels: mask), minimumVoxels: 3)
    #expect(foci.count == 1)
    let parts = Self.split(foci, subtraction)
    #expect(parts.labels.labels32 == foci.labels.labels32)
  }

  @Test("a split focus's pieces never join a focus it touches, and foci come out in raster order")
  func touchingFociStayApart() {
    let (_, _, subtraction) = Self.pair()
    // The joined pair as focus 2, and under it (lower z, so first in raster order) a slab of
    // the second channel's that touches it, labelled apart as detection may leave them (a
    // focus in another's filled hole).
    let pairMask = subtraction.map { $0 > Balls.threshold }
    var labels = [UInt32](repeating: 0, count: Balls.grid.voxelCount)
    var counts = [0, 0]
    for n in labels.indices where pairMask[n] {
      labels[n] = 2
      counts[1] += 1
    }
    let lowest = labels.indices.first { labels[$0] != 0 }! / (Balls.dims.x * Balls.dims.y)
    for j in 12..<36 { for i in 10..<38 {
      let n = Balls.grid.offset(i, j, lowest - 1)
      labels[n] = 1
      counts[0] += 1
    } }
    let foci = ComponentLabels(labels: LabelVolume(grid: Balls.grid, labels: labels), voxelCounts: counts)
    let parts = Self.split(foci, subtraction)
    #expect(parts.count == 3)
    let out = parts.labels.labels32
    // The slab is untouched and first; the pair's pieces follow, numbered by first voxel.
    for n in labels.indices where labels[n] == 1 { #expect(out[n] == 1) }
    #expect(parts.voxelCounts[0] == counts[0])
    let firsts = (1...3).map { id in out.firstIndex(of: UInt32(id))! }
    #expect(firsts == firsts.sorted())
    #expect(Set([Self.label(parts, at: Self.strongCentre), Self.label(parts, at: Self.weakCentre)]) == [2, 3])
  }
}

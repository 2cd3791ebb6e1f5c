import FociComponents
import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociDetection

@Suite struct MarkerWatershedTests {
  /// A row of `score` as a volume of one row.
  static func row(_ score: [Float]) -> (score: [Float], dims: SIMD3<Int>) { (score, SIMD3(score.count, 1, 1)) }

  /// Markers: the 26-connected parts of `score` over `level`.
  static func markers(_ score: [Float], over level: Float, dims: SIMD3<Int>) -> [UInt32] {
    let mask = score.map { $0 > level ? UInt8(1) : 0 }
    return ConnectedComponents.label(Volume(grid: Grid(dims: dims, spacingMM: SIMD3(1, 1, 1)), voxels: mask), connectivity: .corners26)
      .labels.labels32
  }

  /// A marker as the groups of voxels sharing an id (ids themselves are arbitrary).
  static func groups(_ markers: [UInt32]) -> Set<[Int]> {
    var byID: [UInt32: [Int]] = [:]
    for (n, id) in markers.enumerated() where id != 0 { byID[id, default: []].append(n) }
    return Set(byID.values)
  }

  /// The splitting by recursion over one marker at a time: from the level a set parted at,
  /// step up until two or more of its parts qualify, then refine each of those.
  static func reference(_ set: [Int], from level: Float, score: [Float], dims: SIMD3<Int>, ratio: Float, least: Int) -> [[Int]] {
    var level = level * ratio
    while true {
      let above = set.filter { score[$0] > level }
      guard above.count >= 2 * least else { return [set] }
      // Parts of `above`, by the brute-force flood fill.
      var mask = [Bool](repeating: false, count: score.count)
      for n in above { mask[n] = true }
      let labels = FloodFillOracle.label(mask, dims: dims, connectivity: .corners26).labels
      let parts = Dictionary(grouping: above) { labels[$0] }.values.map { $0.sorted() }
      let qualifying = parts.filter { part in part.count >= least && part.contains { score[$0] >= level * ratio } }
      if qualifying.count >= 2 {
        return qualifying.flatMap { reference($0, from: level, score: score, dims: dims, ratio: ratio, least: least) }
      }
      level *= ratio
    }
  }

  @Test func twoPeaksJoinedBySaddleBecomeTwoMarkers() {
    // Peak A (6) at 2–4, a saddle of 2.6, peak B (4) at 9–11; one core over 2 holds both.
    let (score, dims) = Self.row([0, 3, 6, 6, 6, 3, 2.6, 2.6, 3.3, 4, 4, 4, 3, 0])
    var m = Self.markers(score, over: 2, dims: dims)
    #expect(Self.groups(m).count == 1)
    let count = MarkerWatershed.splitPeaks(&m, over: 2, score: score, dims: dims, ratio: 1.25, minimumVoxels: 3)
    // At 3.125 the parts are 1–5 (tops 6) and 8–12 (top 4 ≥ 3.9): two markers, the saddle and
    // the shoulders under 3.125 left to the flood.
    #expect(Self.groups(m) == [[2, 3, 4], [8, 9, 10, 11]] && count == 3, "ids 2 and 3; the first is gone")
    #expect(Self.groups(m) == Set(Self.reference(Array(1...12), from: 2, score: score, dims: dims, ratio: 1.25, least: 3)))
    // The flood then gives each peak its basin, cut apart at the saddle.
    let markers = m.map { Int32($0) }
    let (basin, _) = MarkerWatershed.flood(score: score, markers: markers, basins: count, grow: 1, dims: dims)
    #expect(basin[3] != 0 && basin[10] != 0 && basin[3] != basin[10])
  }

  @Test func aPeakTooSmallOrTooShallowStaysJoined() {
    // B holds 2 voxels over the parting level: too few at 3 voxels, enough at 2.
    let (narrow, dims) = Self.row([0, 3, 6, 6, 6, 3, 2.6, 4, 4, 2.5, 0])
    var m = Self.markers(narrow, over: 2, dims: dims)
    #expect(MarkerWatershed.splitPeaks(&m, over: 2, score: narrow, dims: dims, ratio: 1.25, minimumVoxels: 3) == 1)
    #expect(Self.groups(m) == [[1, 2, 3, 4, 5, 6, 7, 8, 9]], "unchanged")
    m = Self.markers(narrow, over: 2, dims: dims)
    #expect(MarkerWatershed.splitPeaks(&m, over: 2, score: narrow, dims: dims, ratio: 1.25, minimumVoxels: 2) == 3)
    #expect(Self.groups(m) == [[2, 3, 4], [7, 8]])
    // Under 1 voxel counts as 1: single-voxel peaks may part, and the levels still end.
    m = Self.markers(narrow, over: 2, dims: dims)
    _ = MarkerWatershed.splitPeaks(&m, over: 2, score: narrow, dims: dims, ratio: 1.25, minimumVoxels: 0)
    #expect(Self.groups(m) == [[2, 3, 4], [7, 8]])
    // B rises from the saddle (2.6) to 3.3 only: under a step (3.125 · 1.25) above where it
    // parts, so noise-like, and the core stays one marker.
    let (shallow, _) = Self.row([0, 3, 6, 6, 6, 3, 2.6, 3.3, 3.3, 3.3, 2.5])
    m = Self.markers(shallow, over: 2, dims: dims)
    _ = MarkerWatershed.splitPeaks(&m, over: 2, score: shallow, dims: dims, ratio: 1.25, minimumVoxels: 3)
    #expect(Self.groups(m).count == 1)
    // A ratio of 0 (off) leaves markers alone.
    m = Self.markers(narrow, over: 2, dims: dims)
    let before = m
    #expect(MarkerWatershed.splitPeaks(&m, over: 2, score: narrow, dims: dims, ratio: 0, minimumVoxels: 2) == 1 && m == before)
  }

  @Test(arguments: [3, 7, 12])
  func splittingMatchesTheRecursiveReference(seed: UInt64) {
    // Seeded blobs of random height and width, with noise, on a small grid.
    var rng = SeededGenerator(seed: seed)
    let dims = SIMD3(24, 20, 8)
    var score = [Float](repeating: 0, count: dims.x * dims.y * dims.z)
    for _ in 0..<9 {
      let c = SIMD3(Double.random(in: 0..<24, using: &rng), Double.random(in: 0..<20, using: &rng), Double.random(in: 0..<8, using: &rng))
      let height = Double.random(in: 2...9, using: &rng), width = Double.random(in: 1.2...3.5, using: &rng)
      for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
        let d = SIMD3(Double(i), Double(j), Double(k) * 2) - SIMD3(c.x, c.y, c.z * 2)
        score[i + dims.x * (j + dims.y * k)] += Float(height * exp(-(d * d).sum() / (2 * width * width)))
      } } }
    }
    for n in score.indices { score[n] += Float.random(in: -0.2...0.2, using: &rng) }
    var m = Self.markers(score, over: 2, dims: dims)
    let cores = Self.groups(m)
    let count = MarkerWatershed.splitPeaks(&m, over: 2, score: score, dims: dims, ratio: 1.25, minimumVoxels: 3)
    let expected = cores.flatMap { Self.reference($0, from: 2, score: score, dims: dims, ratio: 1.25, least: 3) }
    #expect(Self.groups(m) == Set(expected.map { $0.sorted() }))
    #expect(Set(m).subtracting([0]).count == expected.count && Int(m.max() ?? 0) <= count)
    #expect(expected.count > cores.count, "the scene has cores to split (seed \(seed))")
  }
}

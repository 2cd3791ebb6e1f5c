import FociCore
import Testing
import _FociTestSupport

@Suite("VoxelBox and LabelVolume boxes")
struct VoxelBoxTests {
  /// A sparse random label map (seeded) with labels up to `maxLabel`.
  static func sparse(dims: SIMD3<Int>, density: Double, maxLabel: UInt32, seed: UInt64) -> [UInt32] {
    var rng = SeededGenerator(seed: seed)
    return (0..<(dims.x * dims.y * dims.z)).map { _ in
      Double.random(in: 0..<1, using: &rng) < density ? UInt32.random(in: 1...maxLabel, using: &rng) : 0
    }
  }

  /// The box by brute force: min and max of every non-zero voxel's position.
  static func bruteForceBox(_ v: [UInt32], dims: SIMD3<Int>) -> (SIMD3<Int>, SIMD3<Int>)? {
    var lo = dims, hi = SIMD3<Int>(repeating: -1)
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x where v[i + dims.x * (j + dims.y * k)] != 0 {
      lo = pointwiseMin(lo, SIMD3(i, j, k))
      hi = pointwiseMax(hi, SIMD3(i, j, k))
    } } }
    return hi.x < 0 ? nil : (lo, hi)
  }

  @Test(arguments: [(0.0, UInt64(1)), (0.0005, 2), (0.01, 3), (0.3, 4)])
  func enclosingMatchesBruteForce(density: Double, seed: UInt64) throws {
    let dims = SIMD3(23, 17, 11)
    let v = Self.sparse(dims: dims, density: density, maxLabel: 9, seed: seed)
    let expected = Self.bruteForceBox(v, dims: dims)
    let box = VoxelBox.enclosing(nonZeroOf: v, dims: dims)
    #expect((box == nil) == (expected == nil))
    guard let box, let expected else { return }
    #expect(box.lower == expected.0 && box.size == expected.1 &- expected.0 &+ 1)
    // A margin grows it, clamped to the grid.
    let wide = try #require(VoxelBox.enclosing(nonZeroOf: v.map { UInt16($0) }, dims: dims, margin: 2))
    #expect(wide.lower == pointwiseMax(expected.0 &- 2, .zero))
    #expect(wide.lower &+ wide.size &- 1 == pointwiseMin(expected.1 &+ 2, dims &- 1))
  }

  @Test(arguments: [UInt32(9), 70_000])
  func labelVolumesCropAndPasteInTheirOwnWidth(maxLabel: UInt32) throws {
    let dims = SIMD3(19, 13, 7)
    let grid = Grid(dims: dims, spacingMM: SIMD3(1.4, 1.4, 3.5))
    var v = [UInt32](repeating: 0, count: grid.voxelCount)
    // Labels in a corner region only, so the box is smaller than the grid.
    let some = Self.sparse(dims: dims, density: 0.2, maxLabel: maxLabel, seed: 9)
    for k in 2..<5 { for j in 3..<9 { for i in 4..<12 { v[grid.offset(i, j, k)] = some[grid.offset(i, j, k)] } } }
    v[grid.offset(4, 3, 2)] = maxLabel
    let map = LabelVolume(grid: grid, labels: v)
    #expect(map.bytesPerLabel == (maxLabel > 65_535 ? 4 : 2))
    let box = try #require(map.enclosingBox(margin: 1))
    #expect(box == VoxelBox.enclosing(nonZeroOf: v, dims: dims, margin: 1))
    let cropped = map.crop32(box)
    #expect(cropped == box.crop(v))
    let back = LabelVolume(grid: Grid(dims: box.size, spacingMM: grid.spacingMM), labels: cropped).pasted(at: box, in: grid)
    #expect(back.labels32 == v && back.maxLabel == maxLabel && back.bytesPerLabel == map.bytesPerLabel)
  }
}

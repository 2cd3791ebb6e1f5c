import FociCore
import Testing
import _FociTestSupport

@testable import FociComponents

@Suite("Connected components")
struct ConnectedComponentsTests {
  static let densities = [0.05, 0.15, 0.3, 0.45, 0.6]

  func randomMask(_ dims: SIMD3<Int>, density: Double, seed: UInt64) -> [Bool] {
    var rng = SeededGenerator(seed: seed)
    return (0..<(dims.x * dims.y * dims.z)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
  }

  func run(_ mask: [Bool], _ dims: SIMD3<Int>, _ c: Connectivity, minimumVoxels: Int = 1, slabs: Int? = nil, threads: Int? = nil) -> ComponentLabels {
    let grid = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    let bytes = mask.map { $0 ? UInt8(1) : 0 }
    return bytes.withUnsafeBufferPointer {
      ConnectedComponents.label($0, grid: grid, connectivity: c, minimumVoxels: minimumVoxels, maxThreads: threads, slabs: slabs)
    }
  }

  func expectEqualsOracle(_ mask: [Bool], _ dims: SIMD3<Int>, _ c: Connectivity, minimumVoxels: Int = 1, slabs: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let oracle = FloodFillOracle.label(mask, dims: dims, connectivity: c, minimumVoxels: minimumVoxels)
    let ours = run(mask, dims, c, minimumVoxels: minimumVoxels, slabs: slabs)
    #expect(ours.count == oracle.sizes.count, sourceLocation: sourceLocation)
    #expect(ours.voxelCounts == oracle.sizes, sourceLocation: sourceLocation)
    #expect(ours.labels.labels32 == oracle.labels, "labels differ from the flood fill", sourceLocation: sourceLocation)
  }

  @Test("random volumes equal the flood fill, label for label", arguments: Connectivity.allCases, densities)
  func randomVolumes(connectivity: Connectivity, density: Double) {
    // Rows of 7, 8 and 9 voxels put the joins' eight-byte window reads at the row ends.
    let shapes = [SIMD3(23, 17, 11), SIMD3(40, 9, 30), SIMD3(1, 50, 20), SIMD3(31, 1, 1), SIMD3(7, 6, 5), SIMD3(8, 7, 6), SIMD3(9, 5, 8)]
    for (n, dims) in shapes.enumerated() {
      let mask = randomMask(dims, density: density, seed: UInt64(n) &* 977 &+ UInt64(density * 1000))
      for slabs in [1, 2, 5, dims.z] {
        expectEqualsOracle(mask, dims, connectivity, slabs: slabs)
      }
    }
  }

  @Test("minimum size drops small components and renumbers the rest", arguments: Connectivity.allCases)
  func minimumSize(connectivity: Connectivity) {
    let dims = SIMD3(30, 20, 12)
    let mask = randomMask(dims, density: 0.2, seed: 5)
    for minimum in [2, 3, 10] { expectEqualsOracle(mask, dims, connectivity, minimumVoxels: minimum, slabs: 4) }
  }

  @Test("the same labels for any slab and thread count")
  func invariance() {
    let dims = SIMD3(64, 48, 40)
    let mask = randomMask(dims, density: 0.3, seed: 9)
    let reference = run(mask, dims, .corners26, slabs: 1, threads: 1)
    for slabs in [2, 3, 7, 40] {
      for threads in [1, 2, 8] {
        #expect(run(mask, dims, .corners26, slabs: slabs, threads: threads).labels.labels32 == reference.labels.labels32)
      }
    }
  }

  @Test("adversarial shapes", arguments: Connectivity.allCases)
  func adversarial(connectivity: Connectivity) {
    let dims = SIMD3(24, 24, 16)
    func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + dims.x * (y + dims.y * z) }
    // A comb: one spine along x at y = 0, teeth along y, in every slice; teeth joined only at the spine.
    var comb = [Bool](repeating: false, count: dims.x * dims.y * dims.z)
    for z in 0..<dims.z { for x in 0..<dims.x { comb[index(x, 0, z)] = true }; for x in stride(from: 0, to: dims.x, by: 2) { for y in 0..<dims.y { comb[index(x, y, z)] = true } } }
    // A square spiral in each slice, slices alternately shifted so only diagonals connect them.
    var spiral = [Bool](repeating: false, count: comb.count)
    for z in 0..<dims.z {
      var (x0, y0, x1, y1) = (0, 0, dims.x - 1, dims.y - 1)
      while x0 <= x1 && y0 <= y1 {
        for x in x0...x1 { spiral[index(x, y0, z)] = true }
        for y in y0...y1 { spiral[index(x1, y, z)] = true }
        if y1 > y0 + 1 { for x in (x0 + 2)...max(x0 + 2, x1) where x <= x1 { spiral[index(x, y1, z)] = true } }
        x0 += 2; y0 += 2; x1 -= 2; y1 -= 2
      }
    }
    // One staircase crossing every slice (and so every slab border) by a corner only.
    var stairs = [Bool](repeating: false, count: comb.count)
    for z in 0..<dims.z { stairs[index(z % dims.x, z % dims.y, z)] = true }
    // Lone voxels at every corner, edge midpoint and face centre.
    var lone = [Bool](repeating: false, count: comb.count)
    for z in [0, dims.z / 2, dims.z - 1] { for y in [0, dims.y / 2, dims.y - 1] { for x in [0, dims.x / 2, dims.x - 1] { lone[index(x, y, z)] = true } } }
    for mask in [comb, spiral, stairs, lone] {
      for slabs in [1, 3, dims.z] { expectEqualsOracle(mask, dims, connectivity, slabs: slabs) }
    }
    // The staircase is one component only with corner contact.
    #expect(run(stairs, dims, connectivity, slabs: dims.z).count == (connectivity == .corners26 ? 1 : dims.z))
  }

  @Test("more than 65,535 components get 32-bit labels")
  func manyComponents() {
    let dims = SIMD3(130, 130, 32)
    var mask = [Bool](repeating: false, count: dims.x * dims.y * dims.z)
    for z in stride(from: 0, to: dims.z, by: 2) { for y in stride(from: 0, to: dims.y, by: 2) { for x in stride(from: 0, to: dims.x, by: 2) { mask[x + dims.x * (y + dims.y * z)] = true } } }
    let result = run(mask, dims, .corners26)
    #expect(result.count == 65 * 65 * 16)
    #expect(result.labels.maxLabel == UInt32(result.count))
    #expect(result.labels.bytesPerLabel == 4)
  }

  @Test("runs render any byte range of the label map, 16- and 32-bit", arguments: [false, true])
  func runLabelBytes(many: Bool) {
    // Every other voxel of every other row and slice: 65 × 65 × 16 components in 32-bit;
    // random blobs in 16-bit.
    let dims = many ? SIMD3(130, 130, 32) : SIMD3(37, 29, 23)
    var mask = randomMask(dims, density: 0.08, seed: 21)
    if many {
      mask = (0..<mask.count).map { n in
        let (x, y, z) = (n % dims.x, (n / dims.x) % dims.y, n / (dims.x * dims.y))
        return x % 2 == 0 && y % 2 == 0 && z % 2 == 0
      }
    }
    let grid = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    let bytes = mask.map { $0 ? UInt8(1) : 0 }
    let runs = bytes.withUnsafeBufferPointer {
      ConnectedComponents.labelRuns($0, grid: grid, connectivity: .corners26, minimumVoxels: many ? 1 : 2, maxThreads: nil)
    }
    let whole = runs.componentLabels()
    #expect(whole.voxelCounts == run(mask, dims, .corners26, minimumVoxels: many ? 1 : 2).voxelCounts)
    #expect(runs.count == (many ? 65 * 65 * 16 : whole.count) && whole.count > 10)
    let expected: [UInt8] =
      switch whole.labels.storage {
      case .uint16(let a): a.withUnsafeBytes { Array($0) }
      case .uint32(let a): a.withUnsafeBytes { Array($0) }
      }
    #expect(runs.scalarType == (many ? .uint32 : .uint16))
    // Cut the bytes at random places (mid-voxel, mid-row) and at both ends.
    var rng = SeededGenerator(seed: 3)
    var cuts = [0, expected.count] + (0..<40).map { _ in Int.random(in: 0...expected.count, using: &rng) }
    cuts.sort()
    var rendered = [UInt8](repeating: 0xAA, count: expected.count)
    rendered.withUnsafeMutableBytes { out in
      for (a, b) in zip(cuts, cuts.dropFirst()) { runs.fill(bytes: a..<b, into: out.baseAddress! + a) }
    }
    #expect(rendered == expected)
  }

  @Test("float volumes: every non-zero voxel is foreground")
  func floatMask() {
    let grid = Grid(dims: SIMD3(5, 1, 1), spacingMM: SIMD3(1, 1, 1))
    let result = ConnectedComponents.label(Volume(grid: grid, voxels: [0, 0.5, -2, 0, 7] as [Float]), connectivity: .faces6)
    #expect(result.labels.labels32 == [0, 1, 1, 0, 2])
    #expect(result.voxelCounts == [2, 1])
  }

  @Test("empty and full volumes")
  func trivial() {
    let dims = SIMD3(7, 5, 3)
    #expect(run([Bool](repeating: false, count: 105), dims, .corners26).count == 0)
    let full = run([Bool](repeating: true, count: 105), dims, .faces6, slabs: 3)
    #expect(full.count == 1 && full.labels.labels32.allSatisfy { $0 == 1 } && full.voxelCounts == [105])
  }
}

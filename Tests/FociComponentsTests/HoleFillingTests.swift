import FociCore
import Testing
import _FociTestSupport

@testable import FociComponents

@Suite("Hole filling")
struct HoleFillingTests {
  func components(_ mask: [Bool], _ dims: SIMD3<Int>, _ c: Connectivity) -> ComponentLabels {
    let grid = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    return ConnectedComponents.label(Volume(grid: grid, voxels: mask.map { $0 ? UInt8(1) : 0 }), connectivity: c)
  }

  /// Brute force on the whole volume: for each component, flood the (dual-connected) outside
  /// from beyond the volume's faces through every voxel not of that component.
  func oracle(_ labels: [UInt32], _ dims: SIMD3<Int>, count: Int, connectivity: Connectivity) -> [UInt32] {
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    let offsets = (connectivity == .faces6 ? Connectivity.corners26 : Connectivity.faces6).offsets
    var claims = [[Int]](repeating: [], count: labels.count)
    var boxVolume = [Int](repeating: 0, count: count + 1)
    for c in 1...max(1, count) where count > 0 {
      var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(Int.min, Int.min, Int.min)
      for v in 0..<labels.count where labels[v] == UInt32(c) {
        let p = SIMD3(v % nx, (v / nx) % ny, v / (nx * ny))
        lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
      }
      boxVolume[c] = (hi.x - lo.x + 1) * (hi.y - lo.y + 1) * (hi.z - lo.z + 1)
      // Padded volume: index (x+1, y+1, z+1); the padding is outside.
      let (px, py, pz) = (nx + 2, ny + 2, nz + 2)
      var outside = [Bool](repeating: false, count: px * py * pz)
      var stack: [SIMD3<Int>] = []
      for z in 0..<pz { for y in 0..<py { for x in 0..<px where x == 0 || y == 0 || z == 0 || x == px - 1 || y == py - 1 || z == pz - 1 {
        outside[x + px * (y + py * z)] = true; stack.append(SIMD3(x, y, z)) } } }
      while let p = stack.popLast() {
        for o in offsets {
          let q = p &+ o
          guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < px, q.y < py, q.z < pz else { continue }
          let n = q.x + px * (q.y + py * q.z)
          if outside[n] { continue }
          let v = (q.x - 1) + nx * ((q.y - 1) + ny * (q.z - 1))
          if labels[v] == UInt32(c) { continue }
          outside[n] = true
          stack.append(q)
        }
      }
      for v in 0..<labels.count where labels[v] == 0 {
        let p = SIMD3(v % nx + 1, (v / nx) % ny + 1, v / (nx * ny) + 1)
        if !outside[p.x + px * (p.y + py * p.z)] { claims[v].append(c) }
      }
    }
    var out = labels
    for v in 0..<labels.count where !claims[v].isEmpty {
      // Innermost claimant: smallest box, ties to the larger id.
      out[v] = UInt32(claims[v].min { (boxVolume[$0], -$0) < (boxVolume[$1], -$1) }!)
    }
    return out
  }

  func ball(_ dims: SIMD3<Int>, _ inside: (SIMD3<Double>) -> Bool) -> [Bool] {
    var mask = [Bool](repeating: false, count: dims.x * dims.y * dims.z)
    for z in 0..<dims.z { for y in 0..<dims.y { for x in 0..<dims.x {
      mask[x + dims.x * (y + dims.y * z)] = inside(SIMD3(Double(x), Double(y), Double(z)) - SIMD3(Double(dims.x / 2), Double(dims.y / 2), Double(dims.z / 2)))
    } } }
    return mask
  }

  @Test("a hollow ball becomes the solid ball", arguments: Connectivity.allCases)
  func hollowBall(connectivity: Connectivity) {
    let dims = SIMD3(24, 24, 24)
    let shell = ball(dims) { p in let r = (p * p).sum().squareRoot(); return r <= 9 && r > 6 }
    let solid = ball(dims) { p in (p * p).sum().squareRoot() <= 9 }
    let filled = HoleFilling.fillHoles(in: components(shell, dims, connectivity), connectivity: connectivity)
    #expect(filled.count == 1)
    #expect(filled.labels.labels32 == solid.map { $0 ? 1 : 0 })
    #expect(filled.voxelCounts == [solid.filter { $0 }.count])
  }

  @Test("a shell pierced by a face-wide channel stays open; a torus keeps its hole")
  func openShapes() {
    let dims = SIMD3(24, 24, 24)
    var shell = ball(dims) { p in let r = (p * p).sum().squareRoot(); return r <= 9 && r > 6 }
    for x in 12..<24 { shell[x + 24 * (12 + 24 * 12)] = false }  // a straight channel to the outside
    let c = components(shell, dims, .corners26)
    #expect(HoleFilling.fillHoles(in: c, connectivity: .corners26).labels.labels32 == c.labels.labels32)
    let torus = ball(dims) { p in let q = (p.x * p.x + p.y * p.y).squareRoot() - 7; return q * q + p.z * p.z <= 9 }
    let t = components(torus, dims, .corners26)
    #expect(HoleFilling.fillHoles(in: t, connectivity: .corners26).labels.labels32 == t.labels.labels32)
  }

  @Test("a gap that only the components' own connectivity closes: closed for 26, open for 6")
  func dualConnectivity() {
    // A one-voxel cavity whose 6 face neighbours are walls, one of them missing but diagonally
    // bridged: 26-connected walls close the cavity to 6-connected background.
    let dims = SIMD3(5, 5, 5)
    var mask = [Bool](repeating: false, count: 125)
    func set(_ x: Int, _ y: Int, _ z: Int) { mask[x + 5 * (y + 5 * z)] = true }
    for (x, y, z) in [(2, 2, 1), (2, 2, 3), (1, 2, 2), (3, 2, 2), (2, 1, 2), (2, 3, 2)] { set(x, y, z) }
    let closed26 = HoleFilling.fillHoles(in: components(mask, dims, .corners26), connectivity: .corners26)
    #expect(closed26.labels.labels32[2 + 5 * (2 + 5 * 2)] == 1)
    let open6 = HoleFilling.fillHoles(in: components(mask, dims, .faces6), connectivity: .faces6)
    #expect(open6.labels.labels32[2 + 5 * (2 + 5 * 2)] == 0)
  }

  @Test("random volumes equal a whole-volume flood fill", arguments: Connectivity.allCases, [0.3, 0.45, 0.6])
  func randomAgainstOracle(connectivity: Connectivity, density: Double) {
    let dims = SIMD3(14, 12, 10)
    var rng = SeededGenerator(seed: UInt64(density * 100) + UInt64(connectivity.rawValue))
    let mask = (0..<(dims.x * dims.y * dims.z)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
    let c = components(mask, dims, connectivity)
    let filled = HoleFilling.fillHoles(in: c, connectivity: connectivity)
    let expected = oracle(c.labels.labels32, dims, count: c.count, connectivity: connectivity)
    #expect(filled.labels.labels32 == expected)
    if density >= 0.6, connectivity != .faces6 { #expect(expected != c.labels.labels32, "dense random volumes have enclosed voxels") }
    var sizes = [Int](repeating: 0, count: c.count)
    for l in expected where l > 0 { sizes[Int(l) - 1] += 1 }
    #expect(filled.voxelCounts == sizes)
  }
}

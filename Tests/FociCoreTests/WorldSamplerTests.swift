import FociCore
import Foundation
import Testing
import _FociTestSupport

@Suite struct WorldSamplerTests {
  /// An oblique grid: rotated about two axes, anisotropic, offset from the origin.
  static func obliqueGrid(dims: SIMD3<Int>) -> Grid {
    let (a, b) = (0.4, -0.25)
    let spacing = SIMD3(2.1, 1.7, 5.5)
    // Columns: the voxel axes in world coordinates (a rotation times the spacing).
    let x = SIMD3(cos(a), sin(a), 0) * spacing.x
    let y = SIMD3(-sin(a) * cos(b), cos(a) * cos(b), sin(b)) * spacing.y
    let z = SIMD3(sin(a) * sin(b), -cos(a) * sin(b), cos(b)) * spacing.z
    let origin = SIMD3(-31.5, 12.25, 80.0)
    let affine = AffineTransform(rows: (
      SIMD4(x.x, y.x, z.x, origin.x), SIMD4(x.y, y.y, z.y, origin.y), SIMD4(x.z, y.z, z.z, origin.z)))
    return Grid(dims: dims, spacingMM: spacing, voxelToWorld: affine)
  }

  /// Trilinear interpolation at a continuous voxel position by the textbook formula over the
  /// eight corners, each index clamped onto the grid.
  static func reference(_ volume: Volume<Float>, at v: SIMD3<Double>) -> Double {
    let d = volume.grid.dims
    let i0 = SIMD3(Int(v.x.rounded(.down)), Int(v.y.rounded(.down)), Int(v.z.rounded(.down)))
    var sum = 0.0
    for dz in 0...1 { for dy in 0...1 { for dx in 0...1 {
      let i = SIMD3(min(max(i0.x + dx, 0), d.x - 1), min(max(i0.y + dy, 0), d.y - 1), min(max(i0.z + dz, 0), d.z - 1))
      let t = v - SIMD3(Double(i0.x), Double(i0.y), Double(i0.z))
      let w = (dx == 1 ? t.x : 1 - t.x) * (dy == 1 ? t.y : 1 - t.y) * (dz == 1 ? t.z : 1 - t.z)
      sum += w * Double(volume.voxels[i.x + d.x * (i.y + d.y * i.z)])
    } } }
    return sum
  }

  @Test func matchesTextbookTrilinearOnAnObliqueGrid() throws {
    var rng = SeededGenerator(seed: 11)
    let grid = Self.obliqueGrid(dims: SIMD3(9, 7, 5))
    let volume = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: -50...400, using: &rng) })
    let sampler = try #require(WorldSampler(volume))
    for _ in 0..<2000 {
      // Voxel positions from half a voxel outside to half a voxel past the last centre.
      let v = SIMD3(
        Double.random(in: -0.5...8.5, using: &rng), Double.random(in: -0.5...6.5, using: &rng), Double.random(in: -0.5...4.5, using: &rng))
      let value = try #require(sampler.value(at: grid.voxelToWorld.apply(v)))
      let expected = Self.reference(volume, at: v)
      #expect(abs(Double(value) - expected) <= 1e-3, "at voxel position \(v)")
    }
  }

  @Test func voxelCentresGiveTheirValuesAndLinearFieldsAreExact() throws {
    let grid = Self.obliqueGrid(dims: SIMD3(6, 5, 4))
    // A field linear in the voxel index is reproduced exactly between centres.
    let linear = { (v: SIMD3<Double>) in 3 + 2 * v.x - 1.5 * v.y + 4 * v.z }
    var voxels = [Float](repeating: 0, count: grid.voxelCount)
    for k in 0..<4 { for j in 0..<5 { for i in 0..<6 {
      voxels[i + 6 * (j + 5 * k)] = Float(linear(SIMD3(Double(i), Double(j), Double(k))))
    } } }
    let sampler = try #require(WorldSampler(Volume(grid: grid, voxels: voxels)))
    for n in [0, 7, 33, 119] {
      let (i, j, k) = (n % 6, (n / 6) % 5, n / 30)
      #expect(abs(try #require(sampler.value(at: grid.world(i, j, k))) - voxels[n]) < 1e-4)
    }
    for v in [SIMD3(0.5, 0.5, 0.5), SIMD3(4.25, 3.75, 2.5), SIMD3(1.1, 0.2, 2.9)] {
      #expect(abs(Double(try #require(sampler.value(at: grid.voxelToWorld.apply(v)))) - linear(v)) < 1e-3)
    }
  }

  @Test func outsideHalfAVoxelPastTheEdgeIsNothing() throws {
    let grid = Self.obliqueGrid(dims: SIMD3(4, 4, 3))
    let sampler = try #require(WorldSampler(Volume(grid: grid, voxels: [Float](repeating: 7, count: grid.voxelCount))))
    // Just inside the half-voxel border: the edge value (corners past the edge clamp onto it).
    for v in [SIMD3(-0.49, 0, 0), SIMD3(3.49, 3.49, 2.49), SIMD3(1, -0.49, 2.49)] {
      #expect(abs(try #require(sampler.value(at: grid.voxelToWorld.apply(v))) - 7) < 1e-4)
    }
    for v in [SIMD3(-0.51, 0, 0), SIMD3(3.51, 1, 1), SIMD3(1, 1, 2.51), SIMD3(1, 1, -3)] {
      #expect(sampler.value(at: grid.voxelToWorld.apply(v)) == nil, "at \(v)")
    }
    #expect(sampler.value(at: SIMD3(.nan, 0, 0)) == nil)
  }

  @Test func singularAffineHasNoSampler() {
    let flat = AffineTransform(rows: (SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 0, 0)))
    let grid = Grid(dims: SIMD3(2, 2, 2), spacingMM: SIMD3(1, 1, 1), voxelToWorld: flat)
    #expect(WorldSampler(Volume(grid: grid, voxels: [Float](repeating: 1, count: 8))) == nil)
  }
}

import FociCore
import Testing

@Suite("Grid")
struct GridTests {
  let grid = Grid(dims: SIMD3(4, 3, 2), spacingMM: SIMD3(1.4, 1.4, 3.5))

  @Test("flat offsets run x fastest")
  func offsets() {
    #expect(grid.offset(0, 0, 0) == 0)
    #expect(grid.offset(1, 0, 0) == 1)
    #expect(grid.offset(0, 1, 0) == 4)
    #expect(grid.offset(0, 0, 1) == 12)
    #expect(grid.offset(3, 2, 1) == grid.voxelCount - 1)
  }

  @Test("voxel volume and world position honour the spacing")
  func units() {
    #expect(abs(grid.voxelVolumeMM3 - 1.4 * 1.4 * 3.5) < 1e-12)
    #expect(grid.world(1, 2, 1) == SIMD3(1.4, 2.8, 3.5))
    #expect(grid.affineSource == .pixdim)
  }

  @Test("same space: equal within tolerance, different when shifted or resized")
  func sameSpace() {
    var moved = grid
    moved.voxelToWorld = AffineTransform(rows: (SIMD4(1.4, 0, 0, 0.5), SIMD4(0, 1.4, 0, 0), SIMD4(0, 0, 3.5, 0)))
    #expect(grid.occupiesSameSpace(as: grid))
    #expect(!grid.occupiesSameSpace(as: moved))
    #expect(grid.occupiesSameSpace(as: moved, toleranceMM: 0.6))
    let bigger = Grid(dims: SIMD3(5, 3, 2), spacingMM: SIMD3(1.4, 1.4, 3.5))
    #expect(!grid.occupiesSameSpace(as: bigger))
  }
}

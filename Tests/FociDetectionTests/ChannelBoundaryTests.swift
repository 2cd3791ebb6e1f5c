import FociComponents
import FociCore
import Testing
import _FociTestSupport

@testable import FociDetection

@Suite struct ChannelBoundaryTests {
  static let dims = SIMD3(40, 30, 20)

  /// A mask of the voxels within `radius` (voxels) of `centre`, and beyond `inner` of it.
  static func ball(_ centre: SIMD3<Double>, _ radius: Double, inner: Double = -1) -> [UInt8] {
    var mask = [UInt8](repeating: 0, count: dims.x * dims.y * dims.z)
    for z in 0..<dims.z { for y in 0..<dims.y { for x in 0..<dims.x {
      let d = SIMD3(Double(x), Double(y), Double(z)) - centre
      let r = (d * d).sum().squareRoot()
      if r <= radius && r > inner { mask[x + dims.x * (y + dims.y * z)] = 1 }
    } } }
    return mask
  }

  /// Components of the union of two masks, 26-connected.
  static func components(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let union = zip(a, b).map { $0 | $1 }
    return ConnectedComponents.label(Volume(grid: Grid(dims: dims, spacingMM: SIMD3(1, 1, 1)), voxels: union)).count
  }

  static func separate(_ dark: [UInt8], _ bright: [UInt8], minimumFocus: Int = 20) -> [UInt8] {
    ChannelBoundary.separate(dark, from: bright, dims: dims, contactLimit: 0.15, minimumFocusVoxels: minimumFocus)
  }

  @Test func aDarkLesionBesideAnEnhancingOneIsKeptApart() {
    // Radius 5 at x = 12 and x = 23: the last dark voxels (x = 17) touch the first bright ones.
    let dark = Self.ball(SIMD3(12, 15, 10), 5), bright = Self.ball(SIMD3(23, 15, 10), 5)
    #expect(Self.components(dark, bright) == 1)
    let kept = Self.separate(dark, bright)
    #expect(Self.components(kept, bright) == 2)
    // Only the seam goes: every dropped voxel touched the bright ball.
    let dropped = zip(dark, kept).filter { $0 != $1 }.count
    #expect(dropped > 0 && dropped < dark.filter { $0 != 0 }.count / 10, "\(dropped) voxels dropped")
  }

  @Test func aCoreInsideItsEnhancingRimStaysWithIt() {
    let centre = SIMD3(20.0, 15, 10)
    let core = Self.ball(centre, 4), rim = Self.ball(centre, 7, inner: 4)
    #expect(Self.separate(core, rim) == core)
  }

  @Test func aLesionSeenByBothChannelsStaysWhole() {
    // The dark region covers a third of the enhancing ball and more: they overlap.
    let dark = Self.ball(SIMD3(14, 15, 10), 6), bright = Self.ball(SIMD3(20, 15, 10), 5)
    #expect(Self.separate(dark, bright) == dark)
  }

  @Test func aSpeckOfEnhancementAtADarkLesionsEdgeIsNoNeighbour() {
    let dark = Self.ball(SIMD3(15, 15, 10), 6)
    // Five voxels in a row just outside the dark ball.
    var speck = [UInt8](repeating: 0, count: dark.count)
    for x in 22..<27 { speck[x + Self.dims.x * (15 + Self.dims.y * 10)] = 1 }
    #expect(Self.components(dark, speck) == 1)
    #expect(Self.separate(dark, speck) == dark)
    #expect(Self.separate(dark, speck, minimumFocus: 5) != dark, "a focus of its own size is a neighbour")
  }
}

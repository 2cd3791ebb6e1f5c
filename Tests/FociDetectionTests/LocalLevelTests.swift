import FociCore
import FociFilters
import Foundation
import Testing
import _FociTestSupport

@testable import FociDetection

@Suite struct LocalLevelTests {
  @Test func blockwiseLocalLevelMatchesTheFullResolutionAverage() {
    // A smooth field with a gradient and a bump, weighted by an ellipsoidal mask.
    let (grid, image, weight) = Self.scene(seed: 3)
    let level = LocalLevel(weight: weight, grid: grid, sigmaMM: 15).level(of: image)
    let sums = GaussianSmoothing.smooth(Volume(grid: grid, voxels: zip(image, weight).map { $0 * $1 }), sigmaMM: 15, method: .spatial).voxels
    let weights = GaussianSmoothing.smooth(Volume(grid: grid, voxels: weight), sigmaMM: 15, method: .spatial).voxels
    var worst: Float = 0
    for n in 0..<grid.voxelCount where weight[n] != 0 {
      worst = max(worst, abs(level[n] - sums[n] / weights[n]) / (sums[n] / weights[n]))
    }
    #expect(worst < 0.01, "largest relative difference \(worst)")
  }

  @Test func aFirstOrderLevelFollowsAGradientToTheEdgeOfItsWeight() {
    // An image that rises 1 % per 3 mm along x (a coil field), weighted only on an ellipsoid:
    // near the ellipsoid's edge a weighted mean is pulled inward, a weighted plane is not.
    let grid = Grid(dims: SIMD3(90, 70, 30), spacingMM: SIMD3(1.4, 1.4, 3.5))
    var image = [Float](repeating: 0, count: grid.voxelCount), weight = image
    for k in 0..<30 { for j in 0..<70 { for i in 0..<90 {
      let p = SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM
      let e = (p - SIMD3(63, 49, 52)) / SIMD3(58, 45, 48)
      image[grid.offset(i, j, k)] = Float(200 * (1 + 0.01 * p.x / 3))
      weight[grid.offset(i, j, k)] = (e * e).sum() <= 1 ? 1 : 0
    } } }
    let mean = LocalLevel(weight: weight, grid: grid, sigmaMM: 15).level(of: image)
    let plane = LocalLevel(weight: weight, grid: grid, sigmaMM: 15, firstOrder: true).level(of: image)
    var worstMean: Float = 0, worstPlane: Float = 0
    for n in 0..<grid.voxelCount where weight[n] != 0 {
      worstMean = max(worstMean, abs(mean[n] - image[n]) / image[n])
      worstPlane = max(worstPlane, abs(plane[n] - image[n]) / image[n])
    }
    #expect(worstMean > 0.03, "the mean is biased at the edge: \(worstMean)")
    // Where the window holds under 40 % of a full window's weight (the ellipsoid's corners) the
    // plane's slope fades towards the mean's, so its error there is small but not zero.
    #expect(worstPlane < 0.015 && worstPlane < 0.4 * worstMean, "the plane follows the gradient: \(worstPlane) against \(worstMean)")
  }


  /// A field with a gradient, a bump and noise, weighted on an ellipsoid with holes.
  static func scene(seed: UInt64) -> (grid: Grid, image: [Float], weight: [Float]) {
    let grid = Grid(dims: SIMD3(90, 70, 30), spacingMM: SIMD3(1.4, 1.4, 3.5))
    var image = [Float](repeating: 0, count: grid.voxelCount), weight = image
    var rng = SeededGenerator(seed: seed)
    for k in 0..<30 { for j in 0..<70 { for i in 0..<90 {
      let p = SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM
      let e = (p - SIMD3(63, 49, 52)) / SIMD3(58, 45, 48)
      let n = grid.offset(i, j, k)
      image[n] = Float(200 + 0.5 * p.x - 0.3 * p.z + 30 * exp(-((p - SIMD3(40, 40, 50)) * (p - SIMD3(40, 40, 50))).sum() / 400))
        + Float.random(in: -5...5, using: &rng)
      weight[n] = (e * e).sum() <= 1 && Double.random(in: 0...1, using: &rng) > 0.2 ? 1 : 0
    } } }
    return (grid, image, weight)
  }

  @Test(arguments: [false, true])
  func severalImagesAtOnceGiveTheBitsOfEachAlone(firstOrder: Bool) {
    let (grid, image, weight) = Self.scene(seed: 5)
    let other = image.enumerated().map { 0.7 * $0.element + Float($0.offset % 13) }
    // The mask: the weight's ellipsoid and a band around it, where some voxels have no weight near.
    let mask = (0..<grid.voxelCount).map { n in weight[n] != 0 || n % 3 == 0 ? UInt8(1) : 0 }
    let level = LocalLevel(weight: weight, grid: grid, sigmaMM: 15, firstOrder: firstOrder)
    let together = level.ratios(of: [image, other], inside: mask)
    let alone = [level.ratios(of: [image], inside: mask)[0], level.ratios(of: [other], inside: mask)[0]]
    #expect(together == alone)
    // Each ratio is the image over its level where that is over 1, 1 where it is not, 0 outside.
    for (q, values) in [image, other].enumerated() {
      let levels = level.level(of: values, inside: mask)
      let expected = (0..<grid.voxelCount).map { n -> Float in
        mask[n] == 0 ? 0 : levels[n] > 1 ? values[n] / levels[n] : 1
      }
      #expect(together[q] == expected)
    }
    #expect(level.ratios(of: [], inside: mask).isEmpty)
  }
}

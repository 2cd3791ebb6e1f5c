import FociCore
import Foundation
import Testing
import _FociTestSupport

@testable import FociFilters

@Suite("Filters")
struct FiltersTests {
  @Test("radix selection equals sorting, negatives, duplicates and all", arguments: [1, 2, 7, 1000, 4097])
  func selection(count: Int) {
    var rng = SeededGenerator(seed: UInt64(count))
    var values = (0..<count).map { _ in Float.random(in: -1000...1000, using: &rng).rounded() / 4 }
    if count > 4 { values[3] = -0.0; values[4] = 0 }
    let sorted = values.sorted()
    values.withUnsafeBufferPointer { v in
      for rank in Set([0, count / 3, count / 2, count - 1]) { #expect(OrderStatistic.select(v, rank: rank) == sorted[rank]) }
      let median = count % 2 == 1 ? Double(sorted[count / 2]) : (Double(sorted[count / 2 - 1]) + Double(sorted[count / 2])) / 2
      #expect(OrderStatistic.median(v) == median)
      for rank in Set([0, count / 3, count / 2 - 1, count - 2]) where rank >= 0 && rank + 1 < count {
        let (first, second) = OrderStatistic.selectPair(v, rank: rank)
        #expect(first == sorted[rank] && second == sorted[rank + 1])
      }
    }
  }

  @Test("pairs of ranks across bucket edges and in large inputs counted in pieces")
  func pairsAcrossBuckets() {
    // Values whose keys differ in the top 16 bits (1, 2, 1e6, −3) and duplicates: the pair
    // (rank, rank + 1) straddles buckets and slots.
    let values: [Float] = [1, 2, 2, 1e6, -3, 1, 1e6, -3]
    let sorted = values.sorted()
    values.withUnsafeBufferPointer { v in
      for rank in 0..<(values.count - 1) {
        let (a, b) = OrderStatistic.selectPair(v, rank: rank)
        #expect(a == sorted[rank] && b == sorted[rank + 1], "rank \(rank)")
      }
    }
    var rng = SeededGenerator(seed: 77)
    let large = (0..<600_001).map { _ in Float.random(in: -50...450, using: &rng) }
    let sortedLarge = large.sorted()
    large.withUnsafeBufferPointer { v in
      #expect(OrderStatistic.median(v) == Double(sortedLarge[300_000]))
      let even = UnsafeBufferPointer(rebasing: v[0..<600_000])
      let evenSorted = Array(even).sorted()
      #expect(OrderStatistic.median(even) == (Double(evenSorted[299_999]) + Double(evenSorted[300_000])) / 2)
    }
  }

  @Test("median and MAD inside a mask, with the threshold rule")
  func robust() throws {
    let grid = Grid(dims: SIMD3(4, 1, 1), spacingMM: SIMD3(1, 1, 1))
    let volume = Volume(grid: grid, voxels: [1, 2, 4, 100] as [Float])
    let mask = Volume(grid: grid, voxels: [1, 1, 1, 0] as [UInt8])
    let s = try #require(RobustStatistics(of: volume, within: mask))
    #expect(s.median == 2 && s.mad == 1 && s.count == 3)
    #expect(abs(s.threshold(k: 3) - (2 + 3 * 1.4826)) < 1e-12)
    #expect(RobustStatistics(of: volume, within: Volume(grid: grid, repeating: UInt8(0))) == nil)
    // Normal samples: 1.4826·MAD estimates σ.
    var rng = SeededGenerator(seed: 4)
    let g2 = Grid(dims: SIMD3(100, 100, 10), spacingMM: SIMD3(1, 1, 1))
    let normal = (0..<g2.voxelCount).map { _ -> Float in
      let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), w = Double.random(in: 0..<1, using: &rng)
      return Float(200 + 15 * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * w))
    }
    let n = try #require(RobustStatistics(of: Volume(grid: g2, voxels: normal)))
    #expect(abs(n.median - 200) < 0.5 && abs(n.robustSigma - 15) < 0.5)
  }

  @Test(
    "Gaussian smoothing keeps constants, matches a brute-force 3D convolution, honours mm",
    arguments: [GaussianSmoothing.Method.spatial, .fft])
  func smoothing(method: GaussianSmoothing.Method) {
    let grid = Grid(dims: SIMD3(9, 8, 7), spacingMM: SIMD3(1, 1.5, 3))
    let constant = GaussianSmoothing.smooth(Volume(grid: grid, repeating: Float(5)), sigmaMM: 2, method: method)
    #expect(constant.voxels.allSatisfy { abs($0 - 5) < 1e-5 })
    var rng = SeededGenerator(seed: 6)
    let v = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: 0...10, using: &rng) })
    let sigma = 2.0
    let smoothed = GaussianSmoothing.smooth(v, sigmaMM: sigma, method: method)
    let kernels = (0..<3).map { GaussianSmoothing.kernel(sigmaVoxels: sigma / grid.spacingMM[$0]) }
    for (i, j, k) in [(0, 0, 0), (4, 4, 3), (8, 7, 6), (2, 5, 1)] {
      var sum = 0.0
      let r = kernels.map { $0.count / 2 }
      for c in -r[2]...r[2] { for b in -r[1]...r[1] { for a in -r[0]...r[0] {
        let w = Double(kernels[0][a + r[0]]) * Double(kernels[1][b + r[1]]) * Double(kernels[2][c + r[2]])
        let (x, y, z) = (min(8, max(0, i + a)), min(7, max(0, j + b)), min(6, max(0, k + c)))
        sum += w * Double(v[x, y, z])
      } } }
      #expect(abs(Double(smoothed[i, j, k]) - sum) < 1e-4)
    }
    // 3 mm slices get a third of the voxel-unit width of 1 mm columns.
    #expect(kernels[0].count == 13 && kernels[2].count == 5)
  }

  @Test("the in-plane pass through a slice buffer equals an x pass then a y pass, bit for bit")
  func inPlanePass() {
    let dims = SIMD3(37, 29, 5)
    var rng = SeededGenerator(seed: 21)
    let input = (0..<(dims.x * dims.y * dims.z)).map { _ in Float.random(in: 0...100, using: &rng) }
    for (x, y) in [(1.4, 1.4), (0.6, 2.5), (4.0, 0.3)] {
      let (kx, ky) = (GaussianSmoothing.kernel(sigmaVoxels: x), GaussianSmoothing.kernel(sigmaVoxels: y))
      let twoPasses = GaussianSmoothing.pass(GaussianSmoothing.pass(input, dims: dims, axis: 0, kernel: kx), dims: dims, axis: 1, kernel: ky)
      #expect(GaussianSmoothing.inPlanePass(input, dims: dims, x: kx, y: ky) == twoPasses)
    }
  }

  @Test("wide kernels: the FFT path equals the spatial passes, and automatic switches to it")
  func fourierSmoothing() {
    let grid = Grid(dims: SIMD3(47, 38, 17), spacingMM: SIMD3(1.4, 1.4, 3.5))
    var rng = SeededGenerator(seed: 12)
    let v = Volume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Float.random(in: 0...100, using: &rng) })
    for sigma in [0.7, 3.0, 9.0, 25.0] {
      let spatial = GaussianSmoothing.smooth(v, sigmaMM: sigma, method: .spatial)
      let fourier = GaussianSmoothing.smooth(v, sigmaMM: sigma, method: .fft)
      let worst = zip(spatial.voxels, fourier.voxels).map { abs($0 - $1) }.max()!
      #expect(worst < 2e-3, "σ \(sigma) mm: largest difference \(worst)")
    }
    // σ 9 mm: 6.4 voxels in-plane, 39 + 39 + 17 taps, past the switch.
    let automatic = GaussianSmoothing.smooth(v, sigmaMM: 9, method: .automatic)
    #expect(automatic.voxels == GaussianSmoothing.smooth(v, sigmaMM: 9, method: .fft).voxels)
    let narrow = GaussianSmoothing.smooth(v, sigmaMM: 1, method: .automatic)
    #expect(narrow.voxels == GaussianSmoothing.smooth(v, sigmaMM: 1, method: .spatial).voxels)
  }

  @Test("subtraction is post minus pre")
  func subtraction() {
    let grid = Grid(dims: SIMD3(3, 1, 1), spacingMM: SIMD3(1, 1, 1))
    let d = Subtraction.difference(Volume(grid: grid, voxels: [5, 3, 1] as [Float]), minus: Volume(grid: grid, voxels: [1, 1, 1] as [Float]))
    #expect(d.voxels == [4, 2, 0])
  }
}

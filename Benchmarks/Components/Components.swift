// Connected components on lesion-like masks, with and without 2 % random voxels.
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target Components
// Peers (cc3d, SimpleITK, scipy) on the same kind of volumes: Benchmarks/peers/run-ccl-peers.sh.
import Benchmark
import FociComponents
import FociCore

/// Seeded blobs (radius 1-12 voxels, squashed 2.5× along z as on 3.5 mm slices), and the same
/// plus `noise` of random voxels.
func lesionMask(_ dims: SIMD3<Int>, noise: Double, seed: UInt64) -> Volume<UInt8> {
  var state = seed
  func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) / Double(1 << 53)
  }
  let grid = Grid(dims: dims, spacingMM: SIMD3(1.4, 1.4, 3.5))
  var voxels = [UInt8](repeating: 0, count: grid.voxelCount)
  let blobs = Int(40 * Double(grid.voxelCount) / Double(256 * 208 * 72))
  for _ in 0..<blobs {
    let c = SIMD3(next() * Double(dims.x), next() * Double(dims.y), next() * Double(dims.z))
    let r = 1 + next() * 11
    for k in max(0, Int(c.z - r)) ..< min(dims.z, Int(c.z + r) + 2) {
      for j in max(0, Int(c.y - r)) ..< min(dims.y, Int(c.y + r) + 2) {
        for i in max(0, Int(c.x - r)) ..< min(dims.x, Int(c.x + r) + 2) {
          let d = SIMD3(Double(i) - c.x, Double(j) - c.y, (Double(k) - c.z) * 2.5)
          if (d * d).sum() <= r * r { voxels[grid.offset(i, j, k)] = 1 }
        }
      }
    }
  }
  if noise > 0 { for n in 0..<voxels.count where next() < noise { voxels[n] = 1 } }
  return Volume(grid: grid, voxels: voxels)
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .peakMemoryResident], timeUnits: .microseconds,
    maxDuration: .seconds(10), maxIterations: 30)
  for dims in [SIMD3(256, 208, 72), SIMD3(512, 512, 256)] {
    let tag = "\(dims.x)x\(dims.y)x\(dims.z)"
    for (kind, noise) in [("lesions", 0.0), ("lesions+2%", 0.02)] {
      let mask = lesionMask(dims, noise: noise, seed: 42)
      for threads in [1, 2] {
        Benchmark("label 26 \(kind) \(tag) \(threads)t") { benchmark in
          for _ in benchmark.scaledIterations {
            blackHole(ConnectedComponents.label(mask, connectivity: .corners26, maxThreads: threads).count)
          }
        }
      }
    }
  }
}

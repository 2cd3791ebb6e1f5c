// Detection of one study on the default phantom grid (256×208×72 at 1.4×1.4×3.5 mm):
// motion correction, subtraction, liver statistics, threshold, components, hole filling.
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target Detection
// Until the phantom generator exists the study is drawn here: a body, a two-lobed liver,
// 30 enhancing lesions of 2-25 mm (the larger with necrotic cores), noise σ 6, and the
// arterial phase shifted by (1.5, -1, 0.5) voxels.
import Benchmark
import FociCore
import FociDetection

func syntheticStudy() -> (native: Volume<Float>, arterial: Volume<Float>, liver: Volume<UInt8>) {
  let grid = Grid(dims: SIMD3(256, 208, 72), spacingMM: SIMD3(1.4, 1.4, 3.5))
  var state: UInt64 = 7
  func uniform() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) / Double(1 << 53)
  }
  let lesions = (0..<30).map { _ in
    (SIMD3(120 + uniform() * 130, 110 + uniform() * 90, 60 + uniform() * 130), 1 + uniform() * 12)
  }
  func scene(_ shift: SIMD3<Double>, arterial: Bool) -> ([Float], [UInt8]) {
    var values = [Float](repeating: 0, count: grid.voxelCount)
    var liver = [UInt8](repeating: 0, count: grid.voxelCount)
    for k in 0..<72 { for j in 0..<208 { for i in 0..<256 {
      let p = (SIMD3(Double(i), Double(j), Double(k)) - shift) * grid.spacingMM
      let body = ((p.x - 179) / 170) * ((p.x - 179) / 170) + ((p.y - 145) / 130) * ((p.y - 145) / 130) <= 1
      let d1 = (p - SIMD3(160, 150, 125)) / SIMD3(90, 75, 80), d2 = (p - SIMD3(250, 130, 140)) / SIMD3(60, 45, 45)
      let inLiver = body && ((d1 * d1).sum() <= 1 || (d2 * d2).sum() <= 1)
      var v: Double = body ? 120 : 5
      if inLiver { v = arterial ? 240 : 200 }
      if inLiver {
        for (c, r) in lesions {
          let d = ((p - c) * (p - c)).sum().squareRoot()
          if d <= r { v = arterial ? (r > 8 && d < r / 2 ? 180 : 330) : 170 }
        }
      }
      let n = grid.offset(i, j, k)
      values[n] = Float(v + (uniform() - 0.5) * 20.8)
      liver[n] = inLiver ? 1 : 0
    } } }
    return (values, liver)
  }
  let (native, liver) = scene(.zero, arterial: false)
  let (arterial, _) = scene(SIMD3(1.5, -1, 0.5), arterial: true)
  return (Volume(grid: grid, voxels: native), Volume(grid: grid, voxels: arterial), Volume(grid: grid, voxels: liver))
}

let benchmarks: @Sendable () -> Void = {
  let study = syntheticStudy()
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 20)
  Benchmark("detect one study 256x208x72 (motion correction on)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try! FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liver).foci.count)
    }
  }
  Benchmark("detect one study 256x208x72 (motion correction off)") { benchmark in
    var settings = DetectionSettings()
    settings.motionCorrection = nil
    for _ in benchmark.scaledIterations {
      blackHole(try! FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liver, settings: settings).foci.count)
    }
  }
}

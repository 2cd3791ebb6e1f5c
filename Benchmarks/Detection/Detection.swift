// Detection of one default-grid phantom study (256×208×72 at 1.4×1.4×3.5 mm, study 1 of
// seed 1, as `hepafoci phantom --seed 1` writes it): motion correction of the arterial phase,
// subtraction, liver statistics, threshold, components, hole filling. The study is rendered
// once, outside the timed loop. Also Gaussian smoothing of its subtraction, by spatial passes
// and by the FFT, at a narrow and a wide σ: where `GaussianSmoothing.fftKernelTaps` comes from.
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target Detection
import Benchmark
import FociCore
import FociDetection
import FociFilters
import FociPhantom

func phantomStudy() -> (native: Volume<Float>, arterial: Volume<Float>, liver: Volume<UInt8>) {
  let design = StudyDesign.draw(settings: PhantomSettings(), index: 0)
  let images = StudyImages.render(design)
  func float(_ image: Volume<Int16>?) -> Volume<Float> { Volume(grid: image!.grid, voxels: image!.voxels.map { Float($0) }) }
  return (float(images.images[.native]), float(images.images[.arterial]), images.liverMask)
}

let benchmarks: @Sendable () -> Void = {
  // The heap policy `hepafoci` runs under: volume-sized blocks are reused, not re-faulted.
  HeapReuse.enable()
  let study = phantomStudy()
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 30)
  Benchmark("detect one phantom study 256x208x72 (motion correction on)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try! FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liver).foci.count)
    }
  }
  Benchmark("detect one phantom study 256x208x72 (motion correction off)") { benchmark in
    var settings = DetectionSettings()
    settings.motionCorrection = nil
    for _ in benchmark.scaledIterations {
      blackHole(try! FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liver, settings: settings).foci.count)
    }
  }
  let subtraction = try! FocusDetection.detect(native: study.native, arterial: study.arterial, liverMask: study.liver).subtraction
  for sigma in [2.0, 4.0, 6.0] {
    for method in [GaussianSmoothing.Method.spatial, .fft] {
      Benchmark("Gaussian σ \(Int(sigma)) mm 256x208x72 (\(method))") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(GaussianSmoothing.smooth(subtraction, sigmaMM: sigma, method: method)) }
      }
    }
  }
}

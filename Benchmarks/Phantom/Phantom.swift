// Phantom generation on the default grid (256×208×72 at 1.4×1.4×3.5 mm), study 1 of seed 1:
// drawing the study (anatomy, lesions, true sizes) and rendering its six images (partial
// volume, coil field, Rician noise), in process, without writing files.
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target Phantom
// The cohort figure (100 studies written to disk) comes from Benchmarks/phantom-cohort.sh.
import Benchmark
import FociPhantom

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident], maxIterations: 10)
  let settings = PhantomSettings()
  Benchmark("draw one default study (design and true sizes)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(StudyDesign.draw(settings: settings, index: 0)) }
  }
  let design = StudyDesign.draw(settings: settings, index: 0)
  Benchmark("render one default study (six images, one thread per image)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(StudyImages.render(design, parallel: true)) }
  }
  Benchmark("render one default study (images in turn, as in a cohort)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(StudyImages.render(design, parallel: false)) }
  }
}

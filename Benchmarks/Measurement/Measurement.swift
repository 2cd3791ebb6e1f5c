// Lesion measurement: the geometry of one 190 mm lesion (the largest in the clinical study)
// at 1.4 × 1.4 × 3.5 mm, a ball of about 800,000 voxels, and of a lobulated one (four
// overlapping balls) of the same reach: exact Feret diameter through the convex hull, axial
// diameters, moments, digital hull, surface.
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target Measurement
import Benchmark
import FociComponents
import FociCore
import FociMeasurement

func lesionRuns(_ inside: (SIMD3<Double>) -> Bool, dims: SIMD3<Int>) -> (LesionRuns, Grid) {
  let grid = Grid(dims: dims, spacingMM: SIMD3(1.4, 1.4, 3.5))
  let centre = SIMD3<Double>(Double(dims.x - 1), Double(dims.y - 1), Double(dims.z - 1)) / 2 * grid.spacingMM
  var mask = Volume(grid: grid, repeating: UInt8(0))
  for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
    if inside(SIMD3(Double(i), Double(j), Double(k)) * grid.spacingMM - centre) { mask[i, j, k] = 1 }
  } } }
  let components = ConnectedComponents.label(mask)
  return (LesionRuns(components.labels, count: components.count), grid)
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxIterations: 30)
  let dims = SIMD3(142, 142, 58)
  let (ball, grid) = lesionRuns({ ($0 * $0).sum() <= 95 * 95 }, dims: dims)
  Benchmark("geometry of a 190 mm ball (Feret, axial, moments, hulls)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(LesionGeometry(runs: ball.lesions[0], grid: grid).feretDiameterMM) }
  }
  let lobes = [SIMD3(-45.0, 0, 0), SIMD3(45, 0, 0), SIMD3(0, 40, 30), SIMD3(0, -40, -30)]
  let (cluster, clusterGrid) = lesionRuns({ p in lobes.contains { ((p - $0) * (p - $0)).sum() <= 50 * 50 } }, dims: dims)
  Benchmark("geometry of a lobulated 190 mm lesion") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(LesionGeometry(runs: cluster.lesions[0], grid: clusterGrid).feretDiameterMM) }
  }
}

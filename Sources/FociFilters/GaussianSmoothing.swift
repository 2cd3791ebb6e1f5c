import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Separable Gaussian smoothing with the width given in mm, so anisotropic voxels get the
/// same physical blur along every axis.
///
/// The kernel is sampled out to 3σ and normalised to sum 1; beyond the grid the edge voxel is
/// repeated. Each pass runs over lines in parallel with a fixed split, so the result does not
/// depend on the number of threads.
public enum GaussianSmoothing {
  /// `volume` blurred by a Gaussian of standard deviation `sigmaMM` (0 leaves an axis alone).
  public static func smooth(_ volume: Volume<Float>, sigmaMM: Double) -> Volume<Float> {
    guard sigmaMM > 0 else { return volume }
    var current = volume.voxels
    for axis in 0..<3 {
      let sigmaVoxels = sigmaMM / volume.grid.spacingMM[axis]
      guard sigmaVoxels >= 0.05, volume.grid.dims[axis] > 1 else { continue }
      current = pass(current, dims: volume.grid.dims, axis: axis, kernel: kernel(sigmaVoxels: sigmaVoxels))
    }
    return Volume(grid: volume.grid, voxels: current, sourceType: volume.sourceType)
  }

  /// Normalised samples of a Gaussian at integer offsets −r...r, r = ⌈3σ⌉.
  static func kernel(sigmaVoxels s: Double) -> [Float] {
    let radius = Int(ceil(3 * s))
    let weights = (-radius...radius).map { exp(-Double($0 * $0) / (2 * s * s)) }
    let total = weights.reduce(0, +)
    return weights.map { Float($0 / total) }
  }

  static func pass(_ input: [Float], dims: SIMD3<Int>, axis: Int, kernel: [Float]) -> [Float] {
    let n = dims[axis]
    let stride = axis == 0 ? 1 : axis == 1 ? dims.x : dims.x * dims.y
    let radius = kernel.count / 2
    // Lines along `axis`, enumerated by their start offsets.
    let others = axis == 0 ? (dims.y, dims.z) : axis == 1 ? (dims.x, dims.z) : (dims.x, dims.y)
    let lines = others.0 * others.1
    return input.withUnsafeBufferPointer { source in
      let src = UncheckedSendable(source)
      return [Float](unsafeUninitializedCapacity: input.count) { out, initialized in
        let dst = UncheckedSendable(out)
        let pieces = ParallelSlabs.ranges(total: lines, pieces: min(lines, 64))
        ParallelSlabs.forEach(count: pieces.count) { p in
          var line = [Float](repeating: 0, count: n)
          for l in pieces[p] {
            let (a, b) = (l % others.0, l / others.0)
            let start = axis == 0 ? dims.x * (a + dims.y * b) : axis == 1 ? a + dims.x * dims.y * b : a + dims.x * b
            for i in 0..<n { line[i] = src.value[start + i * stride] }
            for i in 0..<n {
              var sum: Float = 0
              for t in 0..<kernel.count {
                let j = min(n - 1, max(0, i + t - radius))
                sum += kernel[t] * line[j]
              }
              dst.value[start + i * stride] = sum
            }
          }
        }
        initialized = input.count
      }
    }
  }
}

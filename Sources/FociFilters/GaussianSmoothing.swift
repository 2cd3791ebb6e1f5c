import FociCore
import FociFFT

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Separable Gaussian smoothing with the width given in mm, so anisotropic voxels get the
/// same physical blur along every axis.
///
/// The kernel is sampled out to 3σ and normalised to sum 1; beyond the grid the edge voxel is
/// repeated. Narrow kernels run as three 1D passes over lines in parallel with a fixed split;
/// wide ones as one multiplication in the Fourier domain of the volume padded by the kernel's
/// radius with repeated edge voxels, which computes the same sum (to float rounding) with a
/// cost that does not grow with σ. Either way the result does not depend on the number of
/// threads.
public enum GaussianSmoothing {
  /// How the convolution is computed.
  public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
    /// Spatial passes while the three kernels together have at most `fftKernelTaps` taps,
    /// else the FFT.
    case automatic
    case spatial
    case fft
  }

  /// Total taps of the three 1D kernels above which `automatic` uses the FFT. On this
  /// project's 2-core reference machine both cost about the same there (see Benchmarks).
  public static let fftKernelTaps = 54

  /// `volume` blurred by a Gaussian of standard deviation `sigmaMM` (0 leaves an axis alone).
  public static func smooth(_ volume: Volume<Float>, sigmaMM: Double, method: Method = .automatic) -> Volume<Float> {
    guard sigmaMM > 0 else { return volume }
    let kernels: [[Float]?] = (0..<3).map { axis in
      let sigmaVoxels = sigmaMM / volume.grid.spacingMM[axis]
      guard sigmaVoxels >= 0.05, volume.grid.dims[axis] > 1 else { return nil }
      return kernel(sigmaVoxels: sigmaVoxels)
    }
    let taps = kernels.reduce(0) { $0 + ($1?.count ?? 0) }
    if method == .fft || (method == .automatic && taps > fftKernelTaps) {
      return Volume(grid: volume.grid, voxels: fourier(volume.voxels, dims: volume.grid.dims, kernels: kernels), sourceType: volume.sourceType)
    }
    var current = volume.voxels
    var axes = Array(0..<3)
    if let x = kernels[0], let y = kernels[1] {
      current = inPlanePass(current, dims: volume.grid.dims, x: x, y: y)
      axes = [2]
    }
    for axis in axes {
      guard let kernel = kernels[axis] else { continue }
      current = pass(current, dims: volume.grid.dims, axis: axis, kernel: kernel)
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

  /// One 1D convolution along `axis`, edge voxels repeated. Along x each row is copied into a
  /// buffer padded with its edge values, so the inner loop has no bounds logic; along y and z
  /// the rows under the kernel's taps (clamped at the edges) are summed. Either way an output
  /// row is summed eight voxels at a time over all taps in registers, in tap order, so every
  /// voxel's sum is ordered as a tap-by-tap loop would order it. Slices (for x and y) or output
  /// planes (for z) run in parallel.
  static func pass(_ input: [Float], dims: SIMD3<Int>, axis: Int, kernel: [Float]) -> [Float] {
    let radius = kernel.count / 2
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    return input.withUnsafeBufferPointer { source in
      let src = UncheckedSendable(source)
      return [Float](unsafeUninitializedCapacity: input.count) { out, initialized in
        let dst = UncheckedSendable(out)
        kernel.withUnsafeBufferPointer { weights in
          let w = UncheckedSendable(weights)
          ParallelSlabs.forEach(count: nz) { k in
            let taps = w.value
            let rows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: taps.count)
            defer { rows.deallocate() }
            if axis == 0 {
              let line = UnsafeMutablePointer<Float>.allocate(capacity: nx + 2 * radius)
              defer { line.deallocate() }
              for t in 0..<taps.count { rows[t] = UnsafePointer(line + t) }
              for j in 0..<ny {
                let offset = nx * (j + ny * k)
                xPassRow(src.value.baseAddress! + offset, count: nx, radius: radius, line: line, rows: rows, weights: taps, into: dst.value.baseAddress! + offset)
              }
            } else {
              for j in 0..<ny {
                for t in 0..<taps.count {
                  let (y, z) =
                    axis == 1
                    ? (min(ny - 1, max(0, j + t - radius)), k)
                    : (j, min(nz - 1, max(0, k + t - radius)))
                  rows[t] = UnsafePointer(src.value.baseAddress! + nx * (y + ny * z))
                }
                weightedSum(rows: rows, weights: taps, count: nx, fromZero: true, into: dst.value.baseAddress! + nx * (j + ny * k))
              }
            }
          }
        }
        initialized = input.count
      }
    }
  }

  /// The x and then the y pass, slice by slice through a slice-sized buffer: the same sums as
  /// two `pass` calls (each voxel's taps in the same order), without writing and reading back
  /// a whole intermediate volume.
  static func inPlanePass(_ input: [Float], dims: SIMD3<Int>, x: [Float], y: [Float]) -> [Float] {
    let (rx, ry) = (x.count / 2, y.count / 2)
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    return input.withUnsafeBufferPointer { source in
      let src = UncheckedSendable(source)
      return [Float](unsafeUninitializedCapacity: input.count) { out, initialized in
        let dst = UncheckedSendable(out)
        x.withUnsafeBufferPointer { xTaps in
          y.withUnsafeBufferPointer { yTaps in
            let taps = UncheckedSendable((xTaps, yTaps))
            ParallelSlabs.forEach(count: nz) { k in
              let (xw, yw) = taps.value
              let slice = UnsafeMutablePointer<Float>.allocate(capacity: nx * ny)
              let line = UnsafeMutablePointer<Float>.allocate(capacity: nx + 2 * rx)
              let rows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: Swift.max(xw.count, yw.count))
              defer {
                slice.deallocate()
                line.deallocate()
                rows.deallocate()
              }
              for t in 0..<xw.count { rows[t] = UnsafePointer(line + t) }
              for j in 0..<ny {
                xPassRow(src.value.baseAddress! + nx * (j + ny * k), count: nx, radius: rx, line: line, rows: rows, weights: xw, into: slice + nx * j)
              }
              for j in 0..<ny {
                for t in 0..<yw.count { rows[t] = UnsafePointer(slice + nx * min(ny - 1, max(0, j + t - ry))) }
                weightedSum(rows: rows, weights: yw, count: nx, fromZero: true, into: dst.value.baseAddress! + nx * (j + ny * k))
              }
            }
          }
        }
        initialized = input.count
      }
    }
  }

  /// One row of the x pass: the row copied into `line` with `radius` repeated edge voxels on
  /// each side (the caller points `rows[t]` at `line + t`), then summed over the taps.
  @inline(__always)
  static func xPassRow(
    _ row: UnsafePointer<Float>, count nx: Int, radius: Int, line: UnsafeMutablePointer<Float>,
    rows: UnsafeMutablePointer<UnsafePointer<Float>>, weights: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    line.update(repeating: row[0], count: radius)
    (line + radius).update(from: row, count: nx)
    (line + radius + nx).update(repeating: row[nx - 1], count: radius)
    weightedSum(rows: rows, weights: weights, count: nx, fromZero: false, into: out)
  }

  /// `out[i] = Σₜ weights[t]·rows[t][i]` for i < `count`, added in tap order, starting from 0
  /// (`fromZero`) or from the first product.
  @inline(__always)
  static func weightedSum(
    rows: UnsafeMutablePointer<UnsafePointer<Float>>, weights: UnsafeBufferPointer<Float>, count: Int, fromZero: Bool,
    into out: UnsafeMutablePointer<Float>
  ) {
    let taps = weights.count
    var i = 0
    while i + 8 <= count {
      var sum = fromZero ? SIMD8<Float>(repeating: 0) + weights[0] * UnsafeRawPointer(rows[0] + i).loadUnaligned(as: SIMD8<Float>.self)
        : weights[0] * UnsafeRawPointer(rows[0] + i).loadUnaligned(as: SIMD8<Float>.self)
      for t in 1..<taps { sum += weights[t] * UnsafeRawPointer(rows[t] + i).loadUnaligned(as: SIMD8<Float>.self) }
      UnsafeMutableRawPointer(out + i).storeBytes(of: sum, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      var sum = fromZero ? 0 + weights[0] * rows[0][i] : weights[0] * rows[0][i]
      for t in 1..<taps { sum += weights[t] * rows[t][i] }
      out[i] = sum
      i += 1
    }
  }

  /// The separable convolution by the FFT: the volume padded by each kernel's radius with
  /// repeated edge voxels (so every output's kernel support lies inside the padded data and
  /// the transform's wrap-around never reaches it), zero-padded further to an FFT-friendly
  /// size, multiplied by the kernels' spectra (real: the kernels are symmetric), transformed
  /// back and cropped.
  static func fourier(_ input: [Float], dims: SIMD3<Int>, kernels: [[Float]?]) -> [Float] {
    let radius = SIMD3((0..<3).map { (kernels[$0]?.count ?? 1) / 2 })
    let padded = dims &+ radius &* 2
    let size = SIMD3((0..<3).map { RealFFT3D.goodSize(atLeast: padded[$0]) })
    let fft = RealFFT3D.shared(dims: size)
    let real = FFTBuffer(floats: fft.realCount)
    let (sx, sy) = (size.x, size.y)
    input.withUnsafeBufferPointer { source in
      let src = UncheckedSendable(source)
      ParallelSlabs.forEach(count: padded.z) { k in
        let z = min(dims.z - 1, max(0, k - radius.z))
        for j in 0..<padded.y {
          let y = min(dims.y - 1, max(0, j - radius.y))
          let from = src.value.baseAddress! + dims.x * (y + dims.y * z)
          let to = real.pointer + sx * (j + sy * k)
          for i in 0..<padded.x { to[i] = from[min(dims.x - 1, max(0, i - radius.x))] }
        }
      }
    }
    let spectrum = FFTBuffer(floats: fft.complexFloatCount)
    fft.forward(real, into: spectrum)
    // The kernel's DFT along each axis, with the 1/N of the unnormalised inverse folded in.
    let halfX = size.x / 2 + 1
    let response: [[Float]] = (0..<3).map { axis in
      let n = size[axis], count = axis == 0 ? halfX : n
      let scale = 1 / Double(n)
      guard let kernel = kernels[axis] else { return [Float](repeating: Float(scale), count: count) }
      let r = kernel.count / 2
      return (0..<count).map { f in
        var sum = Double(kernel[r])
        for t in stride(from: 1, through: r, by: 1) {
          sum += 2 * Double(kernel[r + t]) * cos(2 * Double.pi * Double(f * t) / Double(n))
        }
        return Float(sum * scale)
      }
    }
    ParallelSlabs.forEach(count: size.z) { k in
      for j in 0..<size.y {
        let w = response[2][k] * response[1][j]
        let row = spectrum.pointer + 2 * halfX * (j + size.y * k)
        for i in 0..<halfX {
          let g = w * response[0][i]
          row[2 * i] *= g
          row[2 * i + 1] *= g
        }
      }
    }
    fft.inverse(spectrum, into: real)
    return [Float](unsafeUninitializedCapacity: input.count) { out, initialized in
      let dst = UncheckedSendable(out)
      ParallelSlabs.forEach(count: dims.z) { k in
        for j in 0..<dims.y {
          let from = real.pointer + radius.x + sx * (j + radius.y + sy * (k + radius.z))
          let to = dst.value.baseAddress! + dims.x * (j + dims.y * k)
          for i in 0..<dims.x { to[i] = from[i] }
        }
      }
      initialized = input.count
    }
  }
}

/// A box of voxels inside a grid, for working on the part of a volume that matters (a liver's
/// or the foci's bounding box) and putting the result back in place.
public struct VoxelBox: Sendable, Hashable {
  /// The whole grid's dimensions.
  public let dims: SIMD3<Int>
  /// The box's first voxel in the whole grid.
  public let lower: SIMD3<Int>
  /// The box's dimensions.
  public let size: SIMD3<Int>

  /// The box from `lower` to `upper` (inclusive) grown by `margin` voxels on every side and
  /// clipped to the grid.
  public init(lower: SIMD3<Int>, upper: SIMD3<Int>, margin: Int = 0, dims: SIMD3<Int>) {
    self.dims = dims
    self.lower = pointwiseMax(lower &- margin, .zero)
    size = pointwiseMin(upper &+ margin, dims &- 1) &- self.lower &+ 1
  }

  /// The box of the non-zero voxels of `voxels` (a grid of `dims`) grown by `margin`, or nil
  /// when every voxel is zero.
  @inlinable
  public static func enclosing<T: FixedWidthInteger>(nonZeroOf voxels: [T], dims: SIMD3<Int>, margin: Int = 0) -> VoxelBox? {
    precondition(voxels.count == dims.x * dims.y * dims.z, "voxel count must match the dims")
    // Each slice's bounds in parallel (first and last non-zero of each row), then combined.
    var lows = [SIMD3<Int>](repeating: dims, count: dims.z)
    var highs = [SIMD3<Int>](repeating: SIMD3(repeating: -1), count: dims.z)
    voxels.withUnsafeBufferPointer { v in
      lows.withUnsafeMutableBufferPointer { lows in
        highs.withUnsafeMutableBufferPointer { highs in
          let shared = UncheckedSendable((v, lows, highs))
          ParallelSlabs.forEach(count: dims.z) { k in
            let (v, lows, highs) = shared.value
            var lo = dims, hi = SIMD3<Int>(repeating: -1)
            for j in 0..<dims.y {
              let row = v.baseAddress! + dims.x * (j + dims.y * k)
              var first = 0
              while first < dims.x && row[first] == 0 { first &+= 1 }
              guard first < dims.x else { continue }
              var last = dims.x &- 1
              while row[last] == 0 { last &-= 1 }
              lo = pointwiseMin(lo, SIMD3(first, j, k))
              hi = pointwiseMax(hi, SIMD3(last, j, k))
            }
            lows[k] = lo
            highs[k] = hi
          }
        }
      }
    }
    let lo = lows.reduce(dims) { pointwiseMin($0, $1) }, hi = highs.reduce(SIMD3(repeating: -1)) { pointwiseMax($0, $1) }
    return hi.x < 0 ? nil : VoxelBox(lower: lo, upper: hi, margin: margin, dims: dims)
  }

  /// The box's voxels of `source` (a whole grid), in raster order; slices in parallel.
  @inlinable
  public func crop<T: BitwiseCopyable & Sendable>(_ source: [T]) -> [T] {
    let (d, lo, s) = (dims, lower, size)
    return source.withUnsafeBufferPointer { input in
      [T](unsafeUninitializedCapacity: s.x * s.y * s.z) { out, initialized in
        let shared = UncheckedSendable((input, out))
        ParallelSlabs.forEach(count: s.z) { k in
          let (input, out) = shared.value
          for j in 0..<s.y {
            let from = lo.x + d.x * (lo.y + j + d.y * (lo.z + k))
            (out.baseAddress! + s.x * (j + s.y * k)).initialize(from: input.baseAddress! + from, count: s.x)
          }
        }
        initialized = s.x * s.y * s.z
      }
    }
  }

  /// A whole grid holding `box` (the box's voxels in raster order) in place and `background`
  /// everywhere else.
  @inlinable
  public func paste<T: BitwiseCopyable & Sendable>(_ box: [T], background: T) -> [T] {
    let (d, lo, s) = (dims, lower, size)
    var out = [T](repeating: background, count: d.x * d.y * d.z)
    out.withUnsafeMutableBufferPointer { target in
      box.withUnsafeBufferPointer { input in
        let shared = UncheckedSendable((target, input))
        ParallelSlabs.forEach(count: s.z) { k in
          let (target, input) = shared.value
          for j in 0..<s.y {
            let to = lo.x + d.x * (lo.y + j + d.y * (lo.z + k))
            (target.baseAddress! + to).update(from: input.baseAddress! + s.x * (j + s.y * k), count: s.x)
          }
        }
      }
    }
    return out
  }
}

extension Volume where Voxel == UInt8 {
  /// Inclusive voxel bounds of the non-zero voxels (a mask's bounding box), or nil when there
  /// are none. Slices are scanned in parallel; in each row only the first and last non-zero
  /// voxel matter.
  public func nonZeroBounds() -> (lower: SIMD3<Int>, upper: SIMD3<Int>)? {
    let dims = grid.dims
    let empty = (SIMD3(Int.max, Int.max, Int.max), SIMD3(Int.min, Int.min, Int.min))
    var slices = [(SIMD3<Int>, SIMD3<Int>)](repeating: empty, count: dims.z)
    voxels.withUnsafeBufferPointer { m in
      slices.withUnsafeMutableBufferPointer { out in
        let (source, target) = (UncheckedSendable(m), UncheckedSendable(out))
        ParallelSlabs.forEach(count: dims.z) { z in
          var (lower, upper) = empty
          for y in 0..<dims.y {
            let row = source.value.baseAddress! + dims.x * (y + dims.y * z)
            guard let first = (0..<dims.x).first(where: { row[$0] != 0 }) else { continue }
            let last = (first..<dims.x).last(where: { row[$0] != 0 })!
            lower = pointwiseMin(lower, SIMD3(first, y, z))
            upper = pointwiseMax(upper, SIMD3(last, y, z))
          }
          target.value[z] = (lower, upper)
        }
      }
    }
    let lower = slices.map(\.0).reduce(empty.0, pointwiseMin)
    let upper = slices.map(\.1).reduce(empty.1, pointwiseMax)
    return lower.x == Int.max ? nil : (lower, upper)
  }
}

import FociCore

/// Applies a translation to a volume by trilinear interpolation.
public enum Translation {
  /// `out(x) = volume(x + shiftVoxels)`, sampling outside the grid at the nearest edge voxel.
  /// With the shift a `PhaseCorrelation` estimate reports, this puts the moving volume onto
  /// the fixed one. Slices are computed in parallel; the result does not depend on threads.
  public static func resample(_ volume: Volume<Float>, shiftVoxels shift: SIMD3<Double>) -> Volume<Float> {
    let dims = volume.grid.dims
    let taps = TrilinearShift(grid: volume.grid, first: .zero, count: dims, shift: shift)
    let voxels = volume.voxels.withUnsafeBufferPointer { src in
      [Float](unsafeUninitializedCapacity: volume.grid.voxelCount) { out, initialized in
        HugePages.advise(out)
        let input = UncheckedSendable(src), target = UncheckedSendable(out)
        ParallelSlabs.forEach(count: dims.z) { k in
          var plane = TrilinearShift.PlaneSampler(taps, source: input.value, k: k)
          defer { plane.deallocate() }
          for j in 0..<dims.y {
            plane.sampleRow(j: j, into: target.value.baseAddress! + volume.grid.offset(0, j, k))
          }
        }
        initialized = volume.grid.voxelCount
      }
    }
    return Volume(grid: volume.grid, voxels: voxels, sourceType: volume.sourceType)
  }

  /// `resample` inside the box `lower...upper` (inclusive voxel bounds) only; outside it the
  /// volume is copied unchanged. For callers that measure inside a region (the liver), at a
  /// fraction of the cost.
  public static func resample(
    _ volume: Volume<Float>, shiftVoxels shift: SIMD3<Double>, inside lower: SIMD3<Int>, _ upper: SIMD3<Int>
  ) -> Volume<Float> {
    let dims = volume.grid.dims
    let first = pointwiseMax(lower, SIMD3(0, 0, 0)), last = pointwiseMin(upper, dims &- 1)
    guard first.x <= last.x, first.y <= last.y, first.z <= last.z else { return volume }
    let count = last &- first &+ 1
    let taps = TrilinearShift(grid: volume.grid, first: first, count: count, shift: shift)
    // A new array written once, plane by plane in parallel: rows through the box are sampled
    // inside it and copied outside, the rest copied (a copy-on-write of the whole volume
    // followed by sampling would copy on one thread first).
    let voxels = volume.voxels.withUnsafeBufferPointer { src in
      [Float](unsafeUninitializedCapacity: volume.grid.voxelCount) { out, initialized in
        HugePages.advise(out)
        let input = UncheckedSendable(src), target = UncheckedSendable(out)
        ParallelSlabs.forEach(count: dims.z) { k in
          let (s, o) = (input.value.baseAddress!, target.value.baseAddress!)
          let plane = volume.grid.offset(0, 0, k)
          guard (first.z...last.z).contains(k) else {
            (o + plane).update(from: s + plane, count: dims.x * dims.y)
            return
          }
          var sampler = TrilinearShift.PlaneSampler(taps, source: input.value, k: k - first.z)
          defer { sampler.deallocate() }
          for j in 0..<dims.y {
            let row = plane + dims.x * j
            guard (first.y...last.y).contains(j) else {
              (o + row).update(from: s + row, count: dims.x)
              continue
            }
            (o + row).update(from: s + row, count: first.x)
            sampler.sampleRow(j: j - first.y, into: o + row + first.x)
            (o + row + last.x + 1).update(from: s + row + last.x + 1, count: dims.x - 1 - last.x)
          }
        }
        initialized = volume.grid.voxelCount
      }
    }
    return Volume(grid: volume.grid, voxels: voxels, sourceType: volume.sourceType)
  }

  /// `out(x) = volume(x + shiftVoxels) − reference(x)`: the resampling and a subtraction in one
  /// pass, sparing a volume-sized intermediate (a corrected post-contrast phase minus the
  /// native one). Equal to resampling then subtracting, voxel for voxel.
  public static func resample(
    _ volume: Volume<Float>, shiftVoxels shift: SIMD3<Double>, minus reference: Volume<Float>
  ) -> Volume<Float> {
    precondition(reference.grid.dims == volume.grid.dims, "the reference must share the volume's grid")
    let dims = volume.grid.dims
    let taps = TrilinearShift(grid: volume.grid, first: .zero, count: dims, shift: shift)
    let voxels = volume.voxels.withUnsafeBufferPointer { src in
      reference.voxels.withUnsafeBufferPointer { ref in
        [Float](unsafeUninitializedCapacity: volume.grid.voxelCount) { out, initialized in
          HugePages.advise(out)
          let input = UncheckedSendable(src), subtrahend = UncheckedSendable(ref), target = UncheckedSendable(out)
          ParallelSlabs.forEach(count: dims.z) { k in
            var plane = TrilinearShift.PlaneSampler(taps, source: input.value, k: k)
            defer { plane.deallocate() }
            for j in 0..<dims.y {
              let start = volume.grid.offset(0, j, k)
              let row = target.value.baseAddress! + start
              plane.sampleRow(j: j, into: row)
              for i in 0..<dims.x { row[i] -= subtrahend.value[start + i] }
            }
          }
          initialized = volume.grid.voxelCount
        }
      }
    }
    return Volume(grid: volume.grid, voxels: voxels)
  }
}

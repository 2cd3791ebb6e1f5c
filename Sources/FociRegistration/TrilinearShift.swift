import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Trilinear sampling of a volume at positions moved by one constant shift.
///
/// Because the shift is the same for every voxel, each axis needs only two source indices per
/// output position (clamped to the grid: outside it, the edge voxel is repeated) and one
/// weight; `Translation` and the phase-correlation window both sample through these taps.
struct TrilinearShift {
  /// Source indices along one axis for output positions `first ..< first + count`.
  struct AxisTaps {
    var lower: [Int]
    var upper: [Int]
    /// Weight of `upper`: the fractional part of the shift.
    var weight: Float
    /// Output positions whose taps are not clamped: there `lower` is position + `offset` and
    /// `upper` is `lower` + 1.
    var interior: Range<Int>
    var offset: Int

    init(length n: Int, first: Int, count: Int, shift: Double) {
      let base = floor(shift)
      lower = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base))) }
      upper = (0..<count).map { max(0, min(n - 1, first + $0 + Int(base) + 1)) }
      weight = Float(shift - base)
      offset = first + Int(base)
      let start = min(count, max(0, -offset)), end = max(start, min(count, n - 1 - offset))
      interior = start..<end
    }
  }

  let x: AxisTaps, y: AxisTaps, z: AxisTaps
  let nx: Int, nxy: Int

  /// Taps for the output box `first ..< first + count` of `grid`, sampled at x + `shift`.
  init(grid: Grid, first: SIMD3<Int>, count: SIMD3<Int>, shift: SIMD3<Double>) {
    x = AxisTaps(length: grid.dims.x, first: first.x, count: count.x, shift: shift.x)
    y = AxisTaps(length: grid.dims.y, first: first.y, count: count.y, shift: shift.y)
    z = AxisTaps(length: grid.dims.z, first: first.z, count: count.z, shift: shift.z)
    nx = grid.dims.x
    nxy = grid.dims.x * grid.dims.y
  }
}

extension TrilinearShift {
  /// Samples the rows of one output plane k (rows asked for in increasing order). Each output
  /// voxel mixes four source rows, (y0, z0), (y1, z0), (y0, z1) and (y1, z1), first along x;
  /// with a fractional y shift output rows j and j + 1 share a source row, so each source row
  /// is interpolated along x once, kept in one of two slots, and reused.
  struct PlaneSampler {
    let taps: TrilinearShift
    let source: UnsafeBufferPointer<Float>
    let z0: Int, z1: Int
    let width: Int
    /// Two slots of x-interpolated source rows, each holding one y for both planes.
    private let scratch: UnsafeMutablePointer<Float>
    private var slotY = SIMD2(-1, -1)

    init(_ taps: TrilinearShift, source: UnsafeBufferPointer<Float>, k: Int) {
      self.taps = taps
      self.source = source
      z0 = taps.z.lower[k] * taps.nxy
      z1 = taps.z.upper[k] * taps.nxy
      width = taps.x.lower.count
      scratch = .allocate(capacity: 4 * Swift.max(1, width))
    }

    func deallocate() { scratch.deallocate() }

    /// Slot `slot`'s rows: (plane z0, plane z1).
    private func rows(_ slot: Int) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
      (scratch + 2 * slot * width, scratch + (2 * slot + 1) * width)
    }

    /// Interpolates source row `y` of both planes along x into `slot`.
    private mutating func fill(_ slot: Int, y: Int) {
      let (r0, r1) = rows(slot)
      interpolate(source.baseAddress! + z0 + y * taps.nx, into: r0)
      interpolate(source.baseAddress! + z1 + y * taps.nx, into: r1)
      slotY[slot] = y
    }

    /// Clamped taps at the row's ends from the tables, the interior from consecutive voxels
    /// (contiguous loads the compiler can vectorise).
    private func interpolate(_ p: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
      let fx = taps.x.weight
      taps.x.lower.withUnsafeBufferPointer { lower in
        taps.x.upper.withUnsafeBufferPointer { upper in
          for i in 0..<taps.x.interior.lowerBound { out[i] = p[lower[i]] + fx * (p[upper[i]] - p[lower[i]]) }
          for i in taps.x.interior.upperBound..<width { out[i] = p[lower[i]] + fx * (p[upper[i]] - p[lower[i]]) }
        }
      }
      let offset = taps.x.offset
      for i in taps.x.interior {
        let x0 = i &+ offset
        out[i] = p[x0] + fx * (p[x0 &+ 1] - p[x0])
      }
    }

    /// Fills `out[0 ..< width]` with output row `j` of this plane.
    mutating func sampleRow(j: Int, into out: UnsafeMutablePointer<Float>) {
      let (fy, fz) = (taps.y.weight, taps.z.weight)
      let (ya, yb) = (taps.y.lower[j], taps.y.upper[j])
      if taps.x.weight == 0, fy == 0, fz == 0 {
        // A whole-voxel shift: a copy.
        let row = source.baseAddress! + z0 + ya * taps.nx
        taps.x.lower.withUnsafeBufferPointer { lower in
          for i in 0..<width { out[i] = row[lower[i]] }
        }
        return
      }
      // The slot holding ya, else fill the one yb does not need; then the slot holding yb.
      let a = slotY[0] == ya ? 0 : slotY[1] == ya ? 1 : slotY[0] == yb ? 1 : 0
      if slotY[a] != ya { fill(a, y: ya) }
      let b = slotY[a] == yb ? a : 1 - a
      if slotY[b] != yb { fill(b, y: yb) }
      let (a0, a1) = rows(a), (b0, b1) = rows(b)
      for i in 0..<width {
        let c0 = a0[i] + fy * (b0[i] - a0[i])
        out[i] = c0 + fz * ((a1[i] + fy * (b1[i] - a1[i])) - c0)
      }
    }
  }
}

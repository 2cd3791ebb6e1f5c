import FociCore

/// Separable box erosion and dilation of binary masks (radius r: a (2r+1)-voxel window).
enum Morphology {
  static func erode(_ mask: [UInt8], dims: SIMD3<Int>, radius: SIMD3<Int>) -> [UInt8] {
    filter(mask, dims: dims, radius: radius, keepWhenAll: true)
  }

  static func dilate(_ mask: [UInt8], dims: SIMD3<Int>, radius: SIMD3<Int>) -> [UInt8] {
    filter(mask, dims: dims, radius: radius, keepWhenAll: false)
  }

  /// Erosion: a voxel stays when every voxel of the window is set (outside the grid counts as
  /// unset). Dilation: a voxel is set when any voxel of the window is.
  ///
  /// Each axis is a running count of set voxels in the window. Along x it runs within a row;
  /// along y and z it runs over whole rows at once (a count per column of the row), so memory
  /// is read row by row instead of one voxel per slice or per row.
  private static func filter(_ mask: [UInt8], dims: SIMD3<Int>, radius: SIMD3<Int>, keepWhenAll: Bool) -> [UInt8] {
    var current = mask.map { $0 != 0 ? UInt8(1) : 0 }
    for axis in 0..<3 where radius[axis] > 0 {
      current = pass(current, dims: dims, axis: axis, radius: radius[axis], keepWhenAll: keepWhenAll)
    }
    return current
  }

  private static func pass(_ input: [UInt8], dims: SIMD3<Int>, axis: Int, radius r: Int, keepWhenAll: Bool) -> [UInt8] {
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    let window = 2 * r + 1
    return input.withUnsafeBufferPointer { source in
      [UInt8](unsafeUninitializedCapacity: input.count) { out, initialized in
        let shared = UncheckedSendable((source.baseAddress!, out.baseAddress!))
        if axis == 0 {
          // Rows in parallel pieces.
          let rows = ny * nz
          ParallelSlabs.forEach(count: 8) { piece in
            let (a, b) = shared.value
            for row in (rows * piece / 8)..<(rows * (piece + 1) / 8) {
              let (line, target) = (a + row * nx, b + row * nx)
              var count = 0
              for t in 0..<min(r, nx) { count += Int(line[t]) }
              for t in 0..<nx {
                if t + r < nx { count += Int(line[t + r]) }
                if t - r - 1 >= 0 { count -= Int(line[t - r - 1]) }
                target[t] = keepWhenAll ? (count == window ? 1 : 0) : (count > 0 ? 1 : 0)
              }
            }
          }
        } else {
          // Along y: the rows of one slice; along z: the rows of one y across slices.
          let (length, groups) = axis == 1 ? (ny, nz) : (nz, ny)
          let (rowStep, groupStep) = axis == 1 ? (nx, nx * ny) : (nx * ny, nx)
          ParallelSlabs.forEach(count: groups) { group in
            let (a, b) = shared.value
            let base = group * groupStep
            let counts = UnsafeMutablePointer<UInt16>.allocate(capacity: nx)
            defer { counts.deallocate() }
            counts.initialize(repeating: 0, count: nx)
            func add(_ t: Int) {
              let row = a + base + t * rowStep
              for i in 0..<nx { counts[i] &+= UInt16(row[i]) }
            }
            func subtract(_ t: Int) {
              let row = a + base + t * rowStep
              for i in 0..<nx { counts[i] &-= UInt16(row[i]) }
            }
            for t in 0..<min(r, length) { add(t) }
            let full = UInt16(window)
            for t in 0..<length {
              if t + r < length { add(t + r) }
              if t - r - 1 >= 0 { subtract(t - r - 1) }
              let target = b + base + t * rowStep
              if keepWhenAll {
                for i in 0..<nx { target[i] = counts[i] == full ? 1 : 0 }
              } else {
                for i in 0..<nx { target[i] = counts[i] > 0 ? 1 : 0 }
              }
            }
          }
        }
        initialized = input.count
      }
    }
  }
}

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
  private static func filter(_ mask: [UInt8], dims: SIMD3<Int>, radius: SIMD3<Int>, keepWhenAll: Bool) -> [UInt8] {
    var current = mask.map { $0 != 0 ? UInt8(1) : 0 }
    let strides = [1, dims.x, dims.x * dims.y]
    for axis in 0..<3 where radius[axis] > 0 {
      let r = radius[axis], length = dims[axis], stride = strides[axis], window = 2 * r + 1
      var next = current
      let lines = current.count / length
      current.withUnsafeBufferPointer { source in
        next.withUnsafeMutableBufferPointer { target in
          let (input, output) = (UncheckedSendable(source), UncheckedSendable(target))
          // Lines along `axis` are independent: a running count of set voxels in the window.
          ParallelSlabs.forEach(count: 8) { piece in
            let lower = lines * piece / 8, upper = lines * (piece + 1) / 8
            for line in lower..<upper {
              let start: Int
              switch axis {
              case 0: start = line * dims.x
              case 1: start = (line % dims.x) + (line / dims.x) * dims.x * dims.y
              default: start = line
              }
              let a = input.value.baseAddress! + start, b = output.value.baseAddress! + start
              var count = 0
              for t in 0..<min(r, length) { count += Int(a[t * stride]) }
              for t in 0..<length {
                if t + r < length { count += Int(a[(t + r) * stride]) }
                if t - r - 1 >= 0 { count -= Int(a[(t - r - 1) * stride]) }
                b[t * stride] = keepWhenAll ? (count == window ? 1 : 0) : (count > 0 ? 1 : 0)
              }
            }
          }
        }
      }
      current = next
    }
    return current
  }
}

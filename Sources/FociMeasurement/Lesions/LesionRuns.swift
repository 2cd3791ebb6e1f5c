import FociCore

/// The voxels of every lesion of a label map, as runs along x.
///
/// Measurements work on runs rather than voxel lists: a run's sums of coordinates and squares
/// have closed forms, only its two ends can be extreme points of the lesion, and a lesion's
/// runs are visited in raster order without touching the rest of the volume again.
public struct LesionRuns: Sendable {
  /// Voxels `x0 ..< x1` of row `y` of slice `z`.
  public struct Run: Sendable, Hashable {
    public var x0: Int32
    public var x1: Int32
    public var y: Int32
    public var z: Int32
    public var length: Int { Int(x1 - x0) }
  }

  /// The ranges of `runs` (raster order) that share a slice, in slice order.
  static func sliceRanges(_ runs: [Run]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start = 0
    for i in runs.indices.dropFirst() where runs[i].z != runs[start].z {
      ranges.append(start..<i)
      start = i
    }
    if !runs.isEmpty { ranges.append(start..<runs.count) }
    return ranges
  }

  public let grid: Grid
  /// `lesions[id − 1]`: the runs of lesion `id`, in raster order (z, then y, then x).
  public let lesions: [[Run]]

  /// Gathers the runs of labels 1...`count` (larger labels are ignored). Slices are scanned in
  /// parallel and joined in order, so the result does not depend on threads.
  public init(_ labels: LabelVolume, count: Int) {
    grid = labels.grid
    switch labels.storage {
    case .uint16(let a): lesions = Self.gather(a, grid: labels.grid, count: count)
    case .uint32(let a): lesions = Self.gather(a, grid: labels.grid, count: count)
    }
  }

  static func gather<L: FixedWidthInteger & Sendable>(_ labels: [L], grid: Grid, count: Int) -> [[Run]] {
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    var perSlice = [[(id: Int32, run: Run)]](repeating: [], count: nz)
    labels.withUnsafeBufferPointer { source in
      perSlice.withUnsafeMutableBufferPointer { out in
        let (input, target) = (UncheckedSendable(source), UncheckedSendable(out))
        ParallelSlabs.forEach(count: nz) { z in
          var found: [(id: Int32, run: Run)] = []
          for y in 0..<ny {
            let row = input.value.baseAddress! + nx * (y + ny * z)
            var x = 0
            while x < nx {
              let id = row[x]
              if id == 0 {
                x += 1
                continue
              }
              let start = x
              while x < nx, row[x] == id { x += 1 }
              if Int(id) <= count {
                found.append((Int32(id), Run(x0: Int32(start), x1: Int32(x), y: Int32(y), z: Int32(z))))
              }
            }
          }
          target.value[z] = found
        }
      }
    }
    var lesions = [[Run]](repeating: [], count: count)
    for slice in perSlice { for (id, run) in slice { lesions[Int(id) - 1].append(run) } }
    return lesions
  }
}

import FociCore

/// How two label maps on one grid overlap: voxels per label on each side, voxels shared by each
/// pair of labels, and where each predicted label's centroid falls. One pass over the voxels.
public struct LabelOverlap: Sendable {
  /// A true label and a predicted label.
  public struct Pair: Sendable, Hashable, Comparable {
    public var truth: Int
    public var predicted: Int
    public init(truth: Int, predicted: Int) { (self.truth, self.predicted) = (truth, predicted) }
    public static func < (a: Pair, b: Pair) -> Bool { (a.truth, a.predicted) < (b.truth, b.predicted) }
  }

  /// `truthVoxels[id]`: voxels of true label `id` (index 0: background, unused).
  public let truthVoxels: [Int]
  /// `predictedVoxels[id]`: voxels of predicted label `id`.
  public let predictedVoxels: [Int]
  /// Voxels each overlapping pair shares (pairs that share none are absent).
  public let shared: [Pair: Int]
  /// The true label at the voxel nearest each predicted label's centroid (0: background),
  /// indexed by predicted id. A crescent's centroid may lie outside it.
  public let truthAtPredictedCentroid: [Int]

  /// Voxels labelled on both sides, whatever the labels.
  public var sharedVoxels: Int { shared.values.reduce(0, +) }
  public var truthForeground: Int { truthVoxels.reduce(0, +) }
  public var predictedForeground: Int { predictedVoxels.reduce(0, +) }

  /// Overlap of `truth` and `predicted`, which must lie on the same voxel grid (same dims).
  public init(truth: LabelVolume, predicted: LabelVolume) {
    precondition(truth.grid.dims == predicted.grid.dims, "label maps on different grids")
    let scan: Scan =
      switch (truth.storage, predicted.storage) {
      case (.uint16(let t), .uint16(let p)): Self.scan(t, p, grid: truth.grid, truthMax: truth.maxLabel, predictedMax: predicted.maxLabel)
      case (.uint16(let t), .uint32(let p)): Self.scan(t, p, grid: truth.grid, truthMax: truth.maxLabel, predictedMax: predicted.maxLabel)
      case (.uint32(let t), .uint16(let p)): Self.scan(t, p, grid: truth.grid, truthMax: truth.maxLabel, predictedMax: predicted.maxLabel)
      case (.uint32(let t), .uint32(let p)): Self.scan(t, p, grid: truth.grid, truthMax: truth.maxLabel, predictedMax: predicted.maxLabel)
      }
    truthVoxels = scan.truthVoxels
    predictedVoxels = scan.predictedVoxels
    shared = scan.shared
    // The centroid's nearest voxel, looked up in the truth.
    let dims = truth.grid.dims
    var atCentroid = [Int](repeating: 0, count: scan.predictedVoxels.count)
    for id in 1..<max(1, scan.predictedVoxels.count) where scan.predictedVoxels[id] > 0 {
      let c = scan.coordinateSums[id] / Double(scan.predictedVoxels[id])
      let i = min(max(Int(c.x.rounded()), 0), dims.x - 1)
      let j = min(max(Int(c.y.rounded()), 0), dims.y - 1)
      let k = min(max(Int(c.z.rounded()), 0), dims.z - 1)
      atCentroid[id] = Int(truth[i, j, k])
    }
    truthAtPredictedCentroid = atCentroid
  }

  /// Intersection over union of a pair.
  public func iou(_ pair: Pair) -> Double {
    let s = shared[pair] ?? 0
    let union = truthVoxels[pair.truth] + predictedVoxels[pair.predicted] - s
    return union > 0 ? Double(s) / Double(union) : 0
  }

  private struct Scan {
    var truthVoxels: [Int]
    var predictedVoxels: [Int]
    var shared: [Pair: Int]
    var coordinateSums: [SIMD3<Double>]
  }

  private static func scan<T: FixedWidthInteger, P: FixedWidthInteger>(
    _ truth: [T], _ predicted: [P], grid: Grid, truthMax: UInt32, predictedMax: UInt32
  ) -> Scan {
    var truthVoxels = [Int](repeating: 0, count: Int(truthMax) + 1)
    var predictedVoxels = [Int](repeating: 0, count: Int(predictedMax) + 1)
    var sums = [SIMD3<Double>](repeating: .zero, count: Int(predictedMax) + 1)
    var shared: [Pair: Int] = [:]
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    truth.withUnsafeBufferPointer { t in
      predicted.withUnsafeBufferPointer { p in
        // Neighbouring voxels mostly share their pair: count a stretch, then store it once.
        var current = Pair(truth: 0, predicted: 0)
        var stretch = 0
        func flush() {
          if stretch > 0 { shared[current, default: 0] += stretch }
          stretch = 0
        }
        for z in 0..<nz {
          for y in 0..<ny {
            let base = nx * (y + ny * z)
            for x in 0..<nx {
              let a = Int(t[base + x]), b = Int(p[base + x])
              truthVoxels[a] += 1
              if b == 0 { continue }
              predictedVoxels[b] += 1
              sums[b] += SIMD3(Double(x), Double(y), Double(z))
              if a == 0 { continue }
              if a != current.truth || b != current.predicted {
                flush()
                current = Pair(truth: a, predicted: b)
              }
              stretch += 1
            }
          }
        }
        flush()
      }
    }
    truthVoxels[0] = 0
    return Scan(truthVoxels: truthVoxels, predictedVoxels: predictedVoxels, shared: shared, coordinateSums: sums)
  }
}

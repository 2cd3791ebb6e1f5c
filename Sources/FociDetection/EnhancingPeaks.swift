import FociComponents
import FociCore
import FociFilters

/// Splits enhancing foci that hold two or more separate peaks of the subtraction.
///
/// Two enhancing lesions a voxel or two apart share a partial-volume seam that is over the
/// threshold too, so thresholding joins them into one focus. The half-contrast trim then gives
/// the pair one level, the stronger lesion's, and peels a weaker neighbour away as if it were
/// the stronger one's blurred edge; or the pair is counted and measured as one lesion. Here
/// each focus the trim would work on (mostly over the threshold,
/// `HalfContrastEdges.minimumEnhancingShare`) is searched for separate peaks
/// (`MarkerWatershed.splitPeaks` on the smoothed subtraction as a score: 1 at the threshold, 0
/// at the parenchyma's median), and one that holds several is flooded from them, with a voxel's cut
/// between the parts, so each is labelled, trimmed and measured on its own. Foci of the second
/// channel (a dark lesion with a speck of enhancement inside) and foci with one peak are left
/// exactly as they are.
enum EnhancingPeaks {
  /// `foci` with every focus that holds separate peaks divided into one focus per peak,
  /// renumbered in raster order with `connectivity` (`foci` itself when none is split).
  /// - Parameters:
  ///   - values: the subtraction on the foci's grid.
  ///   - parenchyma: the liver's median subtraction; `threshold` the value foci were cut at.
  ///   - ratio: a peak parts from another when both rise this factor over the score of the
  ///     saddle between them (above the threshold); ≤ 1 leaves every focus whole.
  ///   - minimumVoxels: the fewest voxels each peak holds where it parts from the other.
  ///   - sigmaMM: the Gaussian smoothing of the subtraction peaks are read on (0 = none).
  static func split(
    _ foci: ComponentLabels, values: [Float], parenchyma: Float, threshold: Float, ratio: Float, minimumVoxels: Int, sigmaMM: Double,
    connectivity: Connectivity
  ) -> ComponentLabels {
    guard ratio > 1, threshold > parenchyma, foci.count > 0, let box = foci.labels.enclosingBox(margin: 1) else { return foci }
    let labels = foci.labels.crop32(box)
    let boxValues = box.crop(values)
    // Which foci may be split: those mostly over the threshold.
    var above = [Int](repeating: 0, count: foci.count + 1)
    for n in labels.indices where labels[n] != 0 && boxValues[n] > threshold { above[Int(labels[n])] += 1 }
    let eligible = [false] + (0..<foci.count).map { c in
      foci.voxelCounts[c] >= 2 * minimumVoxels && Double(above[c + 1]) >= HalfContrastEdges.minimumEnhancingShare * Double(foci.voxelCounts[c])
    }
    guard eligible.contains(true) else { return foci }
    // Eligible foci are markers whole, scoring over 0 everywhere (filled holes included, so
    // the flood keeps them); everything else scores −1, so the flood never enters it.
    let scale = 1 / (threshold - parenchyma)
    // Peaks are read on the smoothed subtraction: inside a large lesion, voxel noise alone
    // rises a step over many saddles.
    let smoothed =
      sigmaMM > 0
      ? GaussianSmoothing.smooth(Volume(grid: Grid(dims: box.size, spacingMM: foci.grid.spacingMM), voxels: boxValues), sigmaMM: sigmaMM).voxels
      : boxValues
    var markers = [UInt32](repeating: 0, count: labels.count)
    var score = [Float](repeating: -1, count: labels.count)
    for n in labels.indices where eligible[Int(labels[n])] {
      markers[n] = labels[n]
      score[n] = Swift.max(Float.ulpOfOne, (smoothed[n] - parenchyma) * scale)
    }
    let count = MarkerWatershed.splitPeaks(&markers, over: 1, score: score, dims: box.size, ratio: ratio, minimumVoxels: minimumVoxels)
    guard count > foci.count else { return foci }
    // A split focus keeps markers on its peaks only, and the flood gives its other voxels to
    // them; foci not split have no open voxel and stay whole.
    var split = [Bool](repeating: false, count: foci.count + 1)
    for n in labels.indices where eligible[Int(labels[n])] && markers[n] != labels[n] { split[Int(labels[n])] = true }
    let (parts, _) = MarkerWatershed.flood(score: score, markers: markers.map { Int32($0) }, basins: count, grow: 0, dims: box.size)
    // The pieces of the split foci (a cut part may come apart further), 1 where a voxel remains.
    let remaining = [UInt8](unsafeUninitializedCapacity: labels.count) { out, initialized in
      for n in labels.indices { out[n] = split[Int(labels[n])] && parts[n] != 0 ? 1 : 0 }
      initialized = labels.count
    }
    let grid = Grid(dims: box.size, spacingMM: foci.grid.spacingMM)
    let pieces = ConnectedComponents.label(Volume(grid: grid, voxels: remaining), connectivity: connectivity).labels.labels32
    // Renumbered in raster order of first voxels: a focus not split keeps its voxels as one
    // focus, a split one becomes its pieces; no two foci are joined, even where they touch
    // (a focus in another's filled hole). The margin holds no focus, so the box's raster order
    // is the grid's.
    var focusID = [UInt32](repeating: 0, count: foci.count + 1)
    var pieceID: [SIMD2<UInt32>: UInt32] = [:]  // (focus, piece): only split foci's voxels
    var counts: [Int] = []
    var out = [UInt32](repeating: 0, count: labels.count)
    func next() -> UInt32 {
      counts.append(0)
      return UInt32(counts.count)
    }
    for n in labels.indices where labels[n] != 0 {
      let c = Int(labels[n])
      let id: UInt32
      if !split[c] {
        if focusID[c] == 0 { focusID[c] = next() }
        id = focusID[c]
      } else {
        guard pieces[n] != 0 else { continue }  // the cut between peaks
        let key = SIMD2(labels[n], pieces[n])
        if let known = pieceID[key] {
          id = known
        } else {
          id = next()
          pieceID[key] = id
        }
      }
      out[n] = id
      counts[Int(id) - 1] += 1
    }
    return ComponentLabels(labels: LabelVolume(grid: grid, labels: out).pasted(at: box, in: foci.grid), voxelCounts: counts)
  }
}

import FociComponents
import FociCore

/// Trims foci of clear contrast to their half-contrast boundary: enhancing foci on the
/// subtraction, and the second channel's regions on their darkness score.
///
/// A threshold of a few MADs over the parenchyma takes every voxel a strongly enhancing lesion
/// covers even partly: with a lesion–liver contrast ten times the threshold's margin, a voxel
/// a tenth inside counts, and so does the ramp of a blurred contour. The foci come out about a
/// voxel too wide all round (on the phantoms, active lesions twice their true volume under
/// 5 mm, 1.3–1.5× above). The lesion's own edge is where the subtraction is halfway between
/// the parenchyma and the lesion: voxels at least half inside.
///
/// Each focus whose voxels are mostly above the threshold (`minimumEnhancingShare`) gets a
/// level: the upper quartile of its voxels above the threshold (its solid or rim, robust to
/// noise and to partial-volume voxels). Where half the way from the parenchyma's median to
/// that level is above the threshold, voxels under it are peeled from the focus's outside,
/// one layer of 6-neighbours at a time, at most `layers` deep, so a gap in an enhancing rim
/// cannot open a filled core. Foci mostly of the second channel (lesions that do not enhance
/// more than the liver) are left as they are. A focus is never peeled below `minimumVoxels`;
/// pieces a peel cuts off are kept when they reach `minimumVoxels` or are all that is left of
/// their focus. The result is renumbered in raster order, and its holes filled again (when
/// detection fills holes).
public enum HalfContrastEdges {
  /// The share of a focus's voxels that must be above the threshold for it to be trimmed.
  public static let minimumEnhancingShare = 0.4
  /// The quantile of a focus's above-threshold voxels taken as its level.
  public static let levelQuantile = 0.75

  /// `foci` trimmed on `values` (the same grid; the subtraction, or a score): `parenchyma` is
  /// the liver's typical value, `threshold` the value foci were cut at.
  public static func trim(
    _ foci: ComponentLabels, values: [Float], parenchyma: Float, threshold: Float, layers: Int,
    connectivity: Connectivity, minimumVoxels: Int, fillHoles: Bool = true, quantile: Double = levelQuantile,
    neighbourVoxels: Int = 0
  ) -> ComponentLabels {
    guard layers > 0, foci.count > 0 else { return foci }
    // Only the foci's box and a voxel around it matter: that shell holds no focus, so every
    // focus voxel has the same neighbours there as in the whole grid, pieces come in the same
    // raster order, and holes are the same (a background region reaching the shell reaches
    // the outside). Work in the box, paste back.
    guard let box = foci.labels.enclosingBox(margin: 1) else { return foci }
    let grid = Grid(dims: box.size, spacingMM: foci.grid.spacingMM)
    var labels = foci.labels.crop32(box)
    let boxValues = box.crop(values)
    let levels = halfLevels(labels, count: foci.count, values: boxValues, parenchyma: parenchyma, threshold: threshold, quantile: quantile)
    guard levels.contains(where: { $0 > -Float.infinity }) else { return foci }

    var remaining = foci.voxelCounts
    var peeling = levels
    var peeledAny = false
    // Each peeled voxel with its focus, for the neighbours' rescue.
    var peeled: [(voxel: Int, focus: UInt32)] = []
    for _ in 0..<layers {
      let removals = outerVoxelsUnder(peeling, labels: labels, values: boxValues, dims: grid.dims)
      guard !removals.isEmpty else { break }
      var perFocus = [Int](repeating: 0, count: foci.count)
      for n in removals { perFocus[Int(labels[n]) - 1] += 1 }
      var stop = [Bool](repeating: false, count: foci.count)
      for c in 0..<foci.count where perFocus[c] > 0 && remaining[c] - perFocus[c] < minimumVoxels { stop[c] = true }
      for n in removals where !stop[Int(labels[n]) - 1] {
        remaining[Int(labels[n]) - 1] -= 1
        if neighbourVoxels > 0 { peeled.append((n, labels[n])) }
        labels[n] = 0
        peeledAny = true
      }
      for c in 0..<foci.count where stop[c] { peeling[c] = -.infinity }
    }
    guard peeledAny else { return foci }
    if neighbourVoxels > 0 {
      restoreNeighbours(
        peeled, labels: &labels, values: boxValues, threshold: threshold, dims: grid.dims, layers: layers,
        minimumVoxels: max(neighbourVoxels, minimumVoxels))
    }
    var kept = renumbered(labels, focusCount: foci.count, grid: grid, connectivity: connectivity, minimumVoxels: minimumVoxels)
    if fillHoles { kept = HoleFilling.fillHoles(in: kept, connectivity: connectivity) }
    // Pasted back in the labels' own width: widening the whole map to 32 bits and narrowing it
    // again cost more than the trim itself.
    return ComponentLabels(labels: kept.labels.pasted(at: box, in: foci.grid), voxelCounts: kept.voxelCounts)
  }

  /// Gives back, as foci of their own, the parts of what the peel removed that lie beyond the
  /// peel's reach: a weaker lesion touching a strongly enhancing one joins its focus at the
  /// threshold, and the stronger one's half-contrast level then peels the whole of it away
  /// (it is a few slices thick). Peeling `layers` deep leaves a shell at most `layers` steps
  /// (26-neighbour) from the kept core, whatever the core's shape, so peeled voxels more than
  /// `layers` steps from it (through peeled voxels; unreachable counts as far) lie beyond
  /// the peel's reach. They are grouped 26-connected; a group
  /// of at least `minimumVoxels` voxels, at least half of them over the threshold, and at
  /// least three voxels across in-plane somewhere (a thin bridge or vessel is not a lesion), is
  /// labelled with its focus again. Steps ≥ 2 mean no 26-contact with the core, so the
  /// renumbering finds each group as a piece of its own, with at least a voxel's cut to the core.
  static func restoreNeighbours(
    _ peeled: [(voxel: Int, focus: UInt32)], labels: inout [UInt32], values: [Float], threshold: Float, dims: SIMD3<Int>,
    layers: Int, minimumVoxels: Int
  ) {
    // Step counts up to `layers` + 1 are told apart; 255 is "not reached".
    let farDepth = UInt8(min(layers + 1, 254))
    guard peeled.count >= minimumVoxels else { return }
    let (nx, ny) = (dims.x, dims.y)
    // The 26 neighbours of `n` inside the box (a focus may touch the grid's edge, where the
    // box has no margin).
    let around = UnsafeMutablePointer<Int>.allocate(capacity: 26)
    defer { around.deallocate() }
    func neighbours(_ n: Int, _ body: (Int) -> Void) {
      for t in 0..<Neighbours26.list(n, dims: dims, into: around) { body(around[t]) }
    }
    // 0 outside the peeled voxels, 255 not reached yet, else the step count.
    var steps = [UInt8](repeating: 0, count: labels.count)
    for (n, _) in peeled { steps[n] = .max }
    var front: [Int] = []
    for (n, _) in peeled {
      var touches = false
      neighbours(n) { if labels[$0] != 0 { touches = true } }
      if touches { front.append(n) }
    }
    for n in front { steps[n] = 1 }
    var depth: UInt8 = 1
    while depth + 1 < farDepth, !front.isEmpty {
      depth += 1
      var next: [Int] = []
      for n in front {
        neighbours(n) { m in
          if steps[m] == .max {
            steps[m] = depth
            next.append(m)
          }
        }
      }
      front = next
    }
    let far = peeled.filter { steps[$0.voxel] == .max }
    guard far.count >= minimumVoxels else { return }
    var mask = [UInt8](repeating: 0, count: labels.count)
    for (n, _) in far { mask[n] = 1 }
    let groups = ConnectedComponents.label(Volume(grid: Grid(dims: dims, spacingMM: SIMD3(1, 1, 1)), voxels: mask), connectivity: .corners26)
    let ids = groups.labels.labels32
    var over = [Int](repeating: 0, count: groups.count)
    var thick = [Bool](repeating: false, count: groups.count)
    for (n, _) in far {
      let g = Int(ids[n]) - 1
      if values[n] > threshold { over[g] += 1 }
      // A lesion, not a vessel or a bridge: some voxel's four in-plane neighbours are in it.
      let (i, j) = (n % nx, n / nx % ny)
      if i > 0, i < nx - 1, j > 0, j < ny - 1, mask[n - 1] != 0, mask[n + 1] != 0, mask[n - nx] != 0, mask[n + nx] != 0 { thick[g] = true }
    }
    for (n, focus) in far {
      let g = Int(ids[n]) - 1
      if thick[g] && groups.voxelCounts[g] >= minimumVoxels && 2 * over[g] >= groups.voxelCounts[g] { labels[n] = focus }
    }
  }

  /// Per focus, the value halfway from the parenchyma to its level, or −∞ for foci
  /// that are not trimmed.
  static func halfLevels(_ labels: [UInt32], count: Int, values: [Float], parenchyma: Float, threshold: Float, quantile: Double) -> [Float] {
    // Each focus's values above the threshold, gathered into one flat buffer (counted first,
    // so no per-focus array grows), then the level picked by selection instead of a sort.
    var voxels = [Int](repeating: 0, count: count)
    var start = [Int](repeating: 0, count: count + 1)
    labels.withUnsafeBufferPointer { l in
      values.withUnsafeBufferPointer { s in
        for n in 0..<l.count where l[n] != 0 {
          let c = Int(l[n]) - 1
          voxels[c] += 1
          if s[n] > threshold { start[c + 1] += 1 }
        }
      }
    }
    for c in 0..<count { start[c + 1] += start[c] }
    let gathered = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, start[count]))
    defer { gathered.deallocate() }
    var next = start
    labels.withUnsafeBufferPointer { l in
      values.withUnsafeBufferPointer { s in
        for n in 0..<l.count where l[n] != 0 && s[n] > threshold {
          let c = Int(l[n]) - 1
          gathered[next[c]] = s[n]
          next[c] += 1
        }
      }
    }
    return (0..<count).map { c in
      let above = start[c + 1] - start[c]
      guard above > 0, Double(above) >= minimumEnhancingShare * Double(voxels[c]) else { return -.infinity }
      let own = UnsafeMutableBufferPointer(rebasing: gathered[start[c]..<start[c + 1]])
      let level = Selection.kthSmallest(own, rank: min(above - 1, Int(quantile * Double(above))))
      let half = parenchyma + (level - parenchyma) / 2
      return half > threshold ? half : -.infinity
    }
  }

  /// Voxels of foci under their level with a 6-neighbour outside their focus (or at the
  /// volume's edge), in raster order; slices in parallel.
  static func outerVoxelsUnder(_ levels: [Float], labels: [UInt32], values: [Float], dims: SIMD3<Int>) -> [Int] {
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    let plane = nx * ny
    var perSlice = [[Int]](repeating: [], count: nz)
    labels.withUnsafeBufferPointer { l in
      values.withUnsafeBufferPointer { s in
        perSlice.withUnsafeMutableBufferPointer { out in
          let shared = UncheckedSendable((l, s, out))
          ParallelSlabs.forEach(count: nz) { k in
            let (l, s, out) = shared.value
            var found: [Int] = []
            for j in 0..<ny {
              let row = k * plane + j * nx
              for i in 0..<nx {
                let n = row + i
                let c = l[n]
                guard c != 0, s[n] < levels[Int(c) - 1] else { continue }
                let outside =
                  i == 0 || i == nx - 1 || j == 0 || j == ny - 1 || k == 0 || k == nz - 1
                  || l[n - 1] != c || l[n + 1] != c || l[n - nx] != c || l[n + nx] != c || l[n - plane] != c || l[n + plane] != c
                if outside { found.append(n) }
              }
            }
            out[k] = found
          }
        }
      }
    }
    return perSlice.flatMap { $0 }
  }

  /// The peeled map as components in raster order: pieces under `minimumVoxels` are dropped
  /// when their focus kept a larger piece.
  static func renumbered(_ labels: [UInt32], focusCount: Int, grid: Grid, connectivity: Connectivity, minimumVoxels: Int) -> ComponentLabels {
    let mask = labels.withUnsafeBufferPointer { l in
      [UInt8](unsafeUninitializedCapacity: l.count) { out, initialized in
        for n in 0..<l.count { out[n] = l[n] != 0 ? 1 : 0 }
        initialized = l.count
      }
    }
    let pieces = ConnectedComponents.label(Volume(grid: grid, voxels: mask), connectivity: connectivity)
    // Works on the pieces' labels in their own width (no widened copy of the box).
    func kept<L: FixedWidthInteger & UnsignedInteger>(_ pieceLabels: [L]) -> (labels: [L], counts: [Int]) {
      // The focus of each piece (a piece lies in one focus: peeling only removes voxels).
      var focusOf = [Int](repeating: 0, count: pieces.count)
      pieceLabels.withUnsafeBufferPointer { p in
        labels.withUnsafeBufferPointer { l in
          for n in 0..<p.count where p[n] != 0 { focusOf[Int(p[n]) - 1] = Int(l[n]) }
        }
      }
      var focusKeepsLarge = [Bool](repeating: false, count: focusCount + 1)
      for p in 0..<pieces.count where pieces.voxelCounts[p] >= minimumVoxels { focusKeepsLarge[focusOf[p]] = true }
      var newID = [L](repeating: 0, count: pieces.count + 1)
      var counts: [Int] = []
      for p in 0..<pieces.count where pieces.voxelCounts[p] >= minimumVoxels || !focusKeepsLarge[focusOf[p]] {
        counts.append(pieces.voxelCounts[p])
        newID[p + 1] = L(counts.count)
      }
      let renumbered = pieceLabels.withUnsafeBufferPointer { p in
        newID.withUnsafeBufferPointer { id in
          [L](unsafeUninitializedCapacity: p.count) { out, initialized in
            for n in 0..<p.count { out[n] = id[Int(p[n])] }
            initialized = p.count
          }
        }
      }
      return (renumbered, counts)
    }
    switch pieces.labels.storage {
    case .uint16(let a):
      let (l, counts) = kept(a)
      return ComponentLabels(labels: LabelVolume(grid: grid, labels: l, maxLabel: UInt32(counts.count)), voxelCounts: counts)
    case .uint32(let a):
      // The narrowing initialiser: dropped pieces may bring the labels within 16 bits.
      let (l, counts) = kept(a)
      return ComponentLabels(labels: LabelVolume(grid: grid, labels: l), voxelCounts: counts)
    }
  }
}

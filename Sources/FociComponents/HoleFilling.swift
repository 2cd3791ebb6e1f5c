import FociCore

/// Fills the enclosed holes of every component in 3D: the lesion extent of a focus whose
/// core does not enhance.
///
/// A background voxel is a hole of component c when no path of background-or-other voxels
/// leads from it out of c's bounding box (and so out of the volume) without crossing c. Paths
/// use the connectivity dual to the components': 6-connected background for 26- and
/// 18-connected components, 26-connected background for 6-connected ones, so a shell with a
/// diagonal gap that the components' own connectivity closes counts as closed.
///
/// Each component is worked on in its own bounding box, padded by one voxel of "outside",
/// components in parallel. Only background (label 0) becomes filled: another component in a
/// cavity keeps its voxels. A voxel enclosed by two components (one nested in the other's
/// cavity) goes to the one with the smaller bounding box, the innermost.
///
/// - Complexity: O(sum of the components' bounding-box volumes).
public enum HoleFilling {
  public static func fillHoles(in components: ComponentLabels, connectivity: Connectivity) -> ComponentLabels {
    guard components.count > 0 else { return components }
    // Labels are worked on in their own width; a map without holes is returned as it is.
    switch components.labels.storage {
    case .uint16(let labels):
      guard let (filled, sizes) = fill(labels, components, connectivity) else { return components }
      return ComponentLabels(
        labels: LabelVolume(grid: components.grid, labels: filled, maxLabel: components.labels.maxLabel), voxelCounts: sizes)
    case .uint32(let labels):
      guard let (filled, sizes) = fill(labels, components, connectivity) else { return components }
      return ComponentLabels(
        labels: LabelVolume(grid: components.grid, labels: filled, maxLabel: components.labels.maxLabel), voxelCounts: sizes)
    }
  }

  /// The labels with every component's holes filled and the new voxel counts, or nil when no
  /// component has a hole.
  static func fill<Label: FixedWidthInteger & UnsignedInteger & Sendable>(
    _ original: [Label], _ components: ComponentLabels, _ connectivity: Connectivity
  ) -> ([Label], [Int])? {
    let grid = components.grid
    let count = components.count
    let boxes = boundingBoxes(original, grid: grid, count: count)
    var holes = [[Int]](repeating: [], count: count)
    original.withUnsafeBufferPointer { source in
      holes.withUnsafeMutableBufferPointer { out in
        let input = UncheckedSendable(source), target = UncheckedSendable(out)
        // Pieces of components in a fixed split, so the work does not depend on the machine.
        let pieces = ParallelSlabs.ranges(total: count, pieces: min(count, 64))
        ParallelSlabs.forEach(count: pieces.count) { p in
          for c in pieces[p] {
            target.value[c] = holesOf(Label(c + 1), box: boxes[c], labels: input.value, grid: grid, connectivity: connectivity)
          }
        }
      }
    }
    guard holes.contains(where: { !$0.isEmpty }) else { return nil }

    // Outer components first, so an inner one's claim on a doubly enclosed voxel wins.
    let order = (0..<count).sorted { boxes[$0].volume != boxes[$1].volume ? boxes[$0].volume > boxes[$1].volume : $0 < $1 }
    var labels = original
    var sizes = components.voxelCounts
    for c in order {
      for v in holes[c] {
        let old = labels[v]
        if old != 0 { sizes[Int(old) - 1] -= 1 }
        labels[v] = Label(c + 1)
        sizes[c] += 1
      }
    }
    return (labels, sizes)
  }

  /// Inclusive voxel bounds of one component.
  struct Box {
    var lower = SIMD3<Int>(repeating: Int.max)
    var upper = SIMD3<Int>(repeating: Int.min)
    var volume: Int { (upper.x - lower.x + 1) * (upper.y - lower.y + 1) * (upper.z - lower.z + 1) }
  }

  static func boundingBoxes<Label: FixedWidthInteger & UnsignedInteger>(_ labels: [Label], grid: Grid, count: Int) -> [Box] {
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    // Slabs of slices in parallel, each with boxes of its own, merged after (min and max do
    // not depend on the order). With very many components one sweep keeps memory small.
    let slabs = ParallelSlabs.ranges(total: nz, pieces: count > 100_000 ? 1 : min(nz, 8))
    var perSlab = [[Box]](repeating: [], count: slabs.count)
    labels.withUnsafeBufferPointer { l in
      perSlab.withUnsafeMutableBufferPointer { out in
        let shared = UncheckedSendable((l, out))
        ParallelSlabs.forEach(count: slabs.count) { s in
          let (l, out) = shared.value
          var boxes = [Box](repeating: Box(), count: count)
          for z in slabs[s] {
            for y in 0..<ny {
              let row = nx * (y + ny * z)
              for x in 0..<nx where l[row &+ x] != 0 {
                let c = Int(l[row &+ x]) &- 1
                let p = SIMD3(x, y, z)
                boxes[c].lower = pointwiseMin(boxes[c].lower, p)
                boxes[c].upper = pointwiseMax(boxes[c].upper, p)
              }
            }
          }
          out[s] = boxes
        }
      }
    }
    var boxes = perSlab[0]
    for slab in perSlab.dropFirst() {
      for c in 0..<count {
        boxes[c].lower = pointwiseMin(boxes[c].lower, slab[c].lower)
        boxes[c].upper = pointwiseMax(boxes[c].upper, slab[c].upper)
      }
    }
    return boxes
  }

  /// Flat offsets (in the whole volume) of the background voxels enclosed by component `id`.
  static func holesOf<Label: FixedWidthInteger & UnsignedInteger>(
    _ id: Label, box: Box, labels: UnsafeBufferPointer<Label>, grid: Grid, connectivity: Connectivity
  ) -> [Int] {
    // The crop: the box plus one voxel of outside on every side.
    let origin = box.lower &- 1
    let size = box.upper &- box.lower &+ 3
    let (sx, sy, sz) = (size.x, size.y, size.z)
    var state = [UInt8](repeating: 0, count: sx * sy * sz)  // 0 unknown, 1 component, 2 outside
    for k in 1..<(sz - 1) {
      for j in 1..<(sy - 1) {
        for i in 1..<(sx - 1) {
          let v = grid.offset(origin.x + i, origin.y + j, origin.z + k)
          if labels[v] == id { state[i + sx * (j + sy * k)] = 1 }
        }
      }
    }
    let background: [SIMD3<Int>] = (connectivity == .faces6 ? Connectivity.corners26 : Connectivity.faces6).offsets
    let steps = background.map { $0.x + sx * ($0.y + sy * $0.z) }
    // Flood the outside from the crop's border shell.
    var queue: [Int] = []
    for k in 0..<sz {
      for j in 0..<sy {
        for i in 0..<sx where i == 0 || j == 0 || k == 0 || i == sx - 1 || j == sy - 1 || k == sz - 1 {
          let c = i + sx * (j + sy * k)
          state[c] = 2
          queue.append(c)
        }
      }
    }
    var head = 0
    while head < queue.count {
      let c = queue[head]
      head += 1
      let i = c % sx, j = (c / sx) % sy, k = c / (sx * sy)
      for (n, o) in background.enumerated() {
        let (a, b, d) = (i + o.x, j + o.y, k + o.z)
        guard a >= 0, b >= 0, d >= 0, a < sx, b < sy, d < sz else { continue }
        let t = c + steps[n]
        if state[t] == 0 {
          state[t] = 2
          queue.append(t)
        }
      }
    }
    var holes: [Int] = []
    for k in 1..<(sz - 1) {
      for j in 1..<(sy - 1) {
        for i in 1..<(sx - 1) where state[i + sx * (j + sy * k)] == 0 {
          let v = grid.offset(origin.x + i, origin.y + j, origin.z + k)
          if labels[v] == 0 { holes.append(v) }
        }
      }
    }
    return holes
  }
}

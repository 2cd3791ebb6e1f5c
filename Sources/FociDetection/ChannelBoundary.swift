import FociComponents
import FociCore

/// Where the second channel's dark regions meet the arterial channel's enhancing foci.
///
/// They meet in two ways. A region and a focus may be parts of one lesion: a necrotic core in
/// an enhancing rim, a lesion both channels see. Or a dark lesion may lie beside an enhancing
/// neighbour, touching it only along a partial-volume seam; labelled together, the two become
/// one detection and the smaller lesion is lost in it. A core is wrapped by its rim, and a
/// lesion seen twice overlaps itself; a neighbour touches along a small part of the region's
/// surface and does not overlap it.
enum ChannelBoundary {
  /// Removes from each region that merely borders enhancing foci the voxels where it touches
  /// them, so that labelling keeps the two apart.
  ///
  /// A region's surface voxels are those with a 26-neighbour outside it. A region is kept apart
  /// when at most `overlapLimit` of its voxels are enhancing and at most `contactLimit` of its
  /// surface voxels touch a focus; its voxels touching a focus are then dropped. Foci under
  /// `minimumFocusVoxels` (specks of enhancement at a dark lesion's edge, noise) are not
  /// neighbours: contact with them neither counts nor cuts. Other regions are returned whole.
  /// - Parameters:
  ///   - regions: the channel's regions (1 = region), on a box of `dims`.
  ///   - enhancing: the arterial candidates on the same box.
  static func separate(
    _ regions: [UInt8], from enhancing: [UInt8], dims: SIMD3<Int>, contactLimit: Double, minimumFocusVoxels: Int,
    overlapLimit: Double = 0.05
  ) -> [UInt8] {
    let count = regions.count
    precondition(enhancing.count == count && dims.x * dims.y * dims.z == count, "masks must fill the box")
    let grid = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    let dark = ConnectedComponents.label(Volume(grid: grid, voxels: regions), connectivity: .corners26)
    guard dark.count > 0 else { return regions }
    let bright = ConnectedComponents.label(Volume(grid: grid, voxels: enhancing), connectivity: .corners26)
    guard bright.count > 0 else { return regions }
    let darkLabels = dark.labels.labels32, brightLabels = bright.labels.labels32
    let neighbour = [false] + bright.voxelCounts.map { $0 >= minimumFocusVoxels }

    // Per region: voxels, enhancing voxels, surface voxels, and voxels touching a neighbour;
    // counted over slabs of slices in parallel, then summed (integers: any thread count gives
    // the same counts).
    let n = dark.count + 1
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    let nxy = nx * ny
    // The 26 neighbours' steps and index offsets.
    let steps = (0..<27).filter { $0 != 13 }.map { SIMD3($0 % 3 - 1, $0 / 3 % 3 - 1, $0 / 9 - 1) }
    let offsets = steps.map { $0.x + nx * $0.y + nxy * $0.z }
    let slabs = ParallelSlabs.ranges(total: nz, pieces: Swift.min(nz, 8))
    var counts = [[Int]](repeating: [], count: slabs.count)
    var touching = [Bool](repeating: false, count: count)
    darkLabels.withUnsafeBufferPointer { darkBuffer in
      brightLabels.withUnsafeBufferPointer { brightBuffer in
        enhancing.withUnsafeBufferPointer { enhancingBuffer in
          touching.withUnsafeMutableBufferPointer { touchingBuffer in
            counts.withUnsafeMutableBufferPointer { countsBuffer in
              let shared = UncheckedSendable((darkBuffer, brightBuffer, enhancingBuffer, touchingBuffer, countsBuffer))
              ParallelSlabs.forEach(count: slabs.count) { piece in
                let (labels, foci, enhancing, touching, results) = shared.value
                // size, overlap, surface, contact: four counters per region.
                var local = [Int](repeating: 0, count: 4 * n)
                for z in slabs[piece] {
                  for y in 0..<ny {
                    let inside = z > 0 && z < nz - 1 && y > 0 && y < ny - 1
                    for x in 0..<nx {
                      let v = x + nx * y + nxy * z
                      let id = Int(labels[v])
                      if id == 0 { continue }
                      local[4 * id] += 1
                      if enhancing[v] != 0 {
                        local[4 * id + 1] += 1
                        continue
                      }
                      var onSurface = false, touches = false
                      @inline(__always) func visit(_ w: Int) {
                        if Int(labels[w]) != id { onSurface = true }
                        if neighbour[Int(foci[w])] { touches = true }
                      }
                      if inside && x > 0 && x < nx - 1 {
                        for o in offsets { visit(v + o) }
                      } else {
                        // On the box's faces: neighbours outside it make the voxel a surface one.
                        for (o, step) in zip(offsets, steps) {
                          let (xx, yy, zz) = (x + step.x, y + step.y, z + step.z)
                          if xx >= 0, xx < nx, yy >= 0, yy < ny, zz >= 0, zz < nz { visit(v + o) } else { onSurface = true }
                        }
                      }
                      if onSurface { local[4 * id + 2] += 1 }
                      if touches {
                        local[4 * id + 3] += 1
                        touching[v] = true
                      }
                    }
                  }
                }
                results[piece] = local
              }
            }
          }
        }
      }
    }
    var size = [Int](repeating: 0, count: n), overlap = size, surface = size, contact = size
    for local in counts {
      for id in 0..<n {
        size[id] += local[4 * id]
        overlap[id] += local[4 * id + 1]
        surface[id] += local[4 * id + 2]
        contact[id] += local[4 * id + 3]
      }
    }
    var apart = [Bool](repeating: false, count: n)
    for id in 1..<n where contact[id] > 0 {
      apart[id] = Double(overlap[id]) <= overlapLimit * Double(size[id]) && Double(contact[id]) <= contactLimit * Double(surface[id])
    }
    var out = regions
    for v in 0..<count where touching[v] && apart[Int(darkLabels[v])] { out[v] = 0 }
    return out
  }
}

import FociCore

/// Voxel-wise difference of two volumes on one grid: the digital subtraction of the native
/// phase from a post-contrast one (SPEC §3.4), which makes enhancing tissue stand out from
/// tissue already bright before contrast.
public enum Subtraction {
  /// `post − pre`, voxel by voxel. The grids must occupy the same space.
  public static func difference(_ post: Volume<Float>, minus pre: Volume<Float>) -> Volume<Float> {
    precondition(post.grid.occupiesSameSpace(as: pre.grid), "subtraction needs volumes on one grid")
    let voxels = post.voxels.withUnsafeBufferPointer { a in
      pre.voxels.withUnsafeBufferPointer { b in
        let (x, y) = (UncheckedSendable(a), UncheckedSendable(b))
        return ParallelSlabs.array(count: a.count) { range, out in
          for n in range { out[n - range.lowerBound] = x.value[n] - y.value[n] }
        }
      }
    }
    return Volume(grid: post.grid, voxels: voxels)
  }
}

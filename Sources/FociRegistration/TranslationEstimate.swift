/// A rigid shift between two volumes on one grid, as phase correlation measured it.
///
/// Convention: `moving(x) ≈ fixed(x − shiftVoxels)`; the moving volume is displaced by
/// `shiftVoxels`, and sampling it at `x + shiftVoxels` brings it back onto the fixed one.
public struct TranslationEstimate: Sendable, Hashable, Codable {
  /// Shift along i, j, k in voxels (sub-voxel).
  public var shiftVoxels: SIMD3<Double>
  /// The same shift as a world-space vector in mm (through the grid's affine).
  public var shiftMM: SIMD3<Double>
  /// Length of `shiftMM`.
  public var magnitudeMM: Double
  /// Height of the normalised correlation peak, 0...1, in the last (aligned) pass: the share
  /// of the cropped images' low-passed spectral phase that one translation explains (1 for an
  /// exact shifted copy, near 0 for unrelated images).
  public var peak: Double
  /// Peak height over the highest value more than three voxels away from it (≥ 1; large means
  /// unambiguous).
  public var peakToSecond: Double
}

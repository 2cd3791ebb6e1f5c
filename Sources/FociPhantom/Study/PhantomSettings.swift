import FociCore

/// What a phantom cohort is drawn with. Every setting is reported in each study's truth.json.
public struct PhantomSettings: Sendable, Hashable, Codable {
  /// Seed of the whole cohort: study i is drawn from (seed, i) alone.
  public var seed: UInt64 = 1
  /// Native T1 grid: voxels along i, j, k (default 256 × 208 × 72).
  public var dims = SIMD3<Int>(256, 208, 72)
  /// Native T1 voxel size in mm (default 1.4 × 1.4 × 3.5).
  public var spacingMM = SIMD3<Double>(1.4, 1.4, 3.5)
  /// Liver parenchyma signal over the noise σ on native T1 (default 25); Rician noise.
  public var snr = 25.0
  /// Largest breath-hold shift of a post-contrast phase against the native one, mm (default 4).
  public var maxShiftMM = 4.0

  public init() {}
}

/// The sampling grids of a phantom study: the T1 phases on the native grid; T2 and ADC on
/// coarser grids with 6 mm slices and origins of their own, as in clinical protocols, so they
/// can only be related to the native grid through world coordinates.
public enum PhantomGrids {
  /// An axial grid with x stored right-to-left (NIfTI "LAS", as many converters write),
  /// centred on `centreMM`.
  static func axial(dims: SIMD3<Int>, spacingMM s: SIMD3<Double>, centreMM c: SIMD3<Double>) -> Grid {
    let half = SIMD3<Double>(Double(dims.x - 1), Double(dims.y - 1), Double(dims.z - 1)) / 2
    let affine = AffineTransform(rows: (
      SIMD4(-s.x, 0, 0, c.x + s.x * half.x),
      SIMD4(0, s.y, 0, c.y - s.y * half.y),
      SIMD4(0, 0, s.z, c.z - s.z * half.z)))
    return Grid(dims: dims, spacingMM: s, voxelToWorld: affine, affineSource: .sform)
  }

  public static func native(_ settings: PhantomSettings) -> Grid {
    axial(dims: settings.dims, spacingMM: settings.spacingMM, centreMM: .zero)
  }

  /// T2: in-plane voxels 1.25× the native ones, 6 mm slices, over the same field of view.
  public static func t2(_ settings: PhantomSettings) -> Grid {
    coarse(settings, inPlaneFactor: 1.25, centreMM: SIMD3(0.9, -1.3, 1.7))
  }

  /// ADC: in-plane voxels 2× the native ones, 6 mm slices.
  public static func adc(_ settings: PhantomSettings) -> Grid {
    coarse(settings, inPlaneFactor: 2, centreMM: SIMD3(-1.1, 0.7, -2.3))
  }

  public static func grid(for modality: Modality, _ settings: PhantomSettings) -> Grid {
    switch modality {
    case .t2: t2(settings)
    case .adc: adc(settings)
    default: native(settings)
    }
  }

  private static func coarse(_ settings: PhantomSettings, inPlaneFactor: Double, centreMM: SIMD3<Double>) -> Grid {
    let fov = SIMD3<Double>(Double(settings.dims.x), Double(settings.dims.y), Double(settings.dims.z)) * settings.spacingMM
    let spacing = SIMD3(settings.spacingMM.x * inPlaneFactor, settings.spacingMM.y * inPlaneFactor, 6.0)
    let dims = SIMD3<Int>(
      Swift.max(1, Int((fov.x / spacing.x).rounded())), Swift.max(1, Int((fov.y / spacing.y).rounded())),
      Swift.max(1, Int((fov.z / spacing.z).rounded())))
    return axial(dims: dims, spacingMM: spacing, centreMM: centreMM)
  }
}

import FociCore

/// A small multi-phase study with lesions of known geometry and signal, for analysis tests:
/// 96 × 88 × 30 voxels of 1.4 × 1.4 × 3.5 mm, an ellipsoidal liver, seeded uniform noise (σ 3;
/// bounded, so no parenchyma voxel reaches the default threshold and lesion shapes are exact).
///
/// - Lesion `cored`: a sphere of radius 12 mm enhancing in both phases, with a non-enhancing
///   core of radius 6 mm (the avascular zone).
/// - Lesion `arterialOnly`: a sphere of radius 5 mm that enhances in the arterial phase only.
/// - Lesion `bloody`: a sphere of radius 7 mm bright on native T1 (blood products).
/// - With `fluidLevel`, lesion `layered`: a sphere of radius 14 mm with a non-enhancing cavity
///   of radius 8 mm whose lower (posterior, world −y) half is bright on native T1 and the upper
///   half dark, split at the centre's height.
public struct SyntheticStudy {
  public let grid = Grid(dims: SIMD3(96, 88, 30), spacingMM: SIMD3(1.4, 1.4, 3.5))
  public var native: Volume<Float>
  public var arterial: Volume<Float>
  public var venous: Volume<Float>
  public var liverMask: Volume<UInt8>
  /// Centres (mm, voxel (0,0,0) at the origin) and radii of the three lesions.
  public static let cored = (centre: SIMD3(50.0, 60.0, 52.5), radius: 12.0, core: 6.0)
  public static let arterialOnly = (centre: SIMD3(95.0, 55.0, 45.5), radius: 5.0)
  public static let bloody = (centre: SIMD3(70.0, 85.0, 66.5), radius: 7.0)
  public static let layered = (centre: SIMD3(88.0, 38.0, 63.0), radius: 14.0, cavity: 8.0)

  public init(seed: UInt64 = 1, fluidLevel: Bool = false) {
    var rng = SeededGenerator(seed: seed)
    let g = grid
    var n = [Float](repeating: 0, count: g.voxelCount), a = n, v = n
    var liver = [UInt8](repeating: 0, count: g.voxelCount)
    func distance(_ p: SIMD3<Double>, _ c: SIMD3<Double>) -> Double { ((p - c) * (p - c)).sum().squareRoot() }
    for k in 0..<g.dims.z { for j in 0..<g.dims.y { for i in 0..<g.dims.x {
      let p = SIMD3(Double(i), Double(j), Double(k)) * g.spacingMM
      let e = (p - SIMD3(67, 62, 52)) / SIMD3(58, 50, 42)
      let inLiver = (e * e).sum() <= 1
      var (sn, sa, sv): (Double, Double, Double) = inLiver ? (200, 240, 430) : (100, 110, 120)
      if inLiver {
        let dc = distance(p, Self.cored.centre)
        if dc <= Self.cored.core { (sn, sa, sv) = (170, 170, 170) } else if dc <= Self.cored.radius { (sn, sa, sv) = (170, 420, 520) }
        if distance(p, Self.arterialOnly.centre) <= Self.arterialOnly.radius { (sn, sa, sv) = (200, 420, 430) }
        if distance(p, Self.bloody.centre) <= Self.bloody.radius { (sn, sa, sv) = (320, 520, 540) }
        if fluidLevel {
          let d = distance(p, Self.layered.centre)
          if d <= Self.layered.cavity {
            let level: Double = p.y < Self.layered.centre.y ? 260 : 150
            (sn, sa, sv) = (level, level, level)
          } else if d <= Self.layered.radius {
            (sn, sa, sv) = (170, 420, 520)
          }
        }
      }
      let o = g.offset(i, j, k)
      func noise() -> Double { Double.random(in: -1...1, using: &rng) * 3 * 3.0.squareRoot() }
      (n[o], a[o], v[o]) = (Float(sn + noise()), Float(sa + noise()), Float(sv + noise()))
      liver[o] = inLiver ? 1 : 0
    } } }
    native = Volume(grid: g, voxels: n)
    arterial = Volume(grid: g, voxels: a)
    venous = Volume(grid: g, voxels: v)
    liverMask = Volume(grid: g, voxels: liver)
  }
}

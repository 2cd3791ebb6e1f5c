#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 3D rotation as an orthonormal matrix whose rows are a body's axes in world coordinates:
/// `toBody(v)` expresses a world vector in the body's frame, `toWorld` goes back.
public struct Rotation: Sendable, Hashable, Codable {
  public var row0: SIMD3<Double>
  public var row1: SIMD3<Double>
  public var row2: SIMD3<Double>

  public static let identity = Rotation(rows: [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)])

  public init(rows: [SIMD3<Double>]) {
    precondition(rows.count == 3, "a rotation has three rows")
    (row0, row1, row2) = (rows[0], rows[1], rows[2])
  }

  /// The three rows (the body axes in world coordinates).
  public var rows: [SIMD3<Double>] { [row0, row1, row2] }

  /// Rotation by `angle` radians about the world z axis (axial plane).
  public static func aboutZ(_ angle: Double) -> Rotation {
    Rotation(rows: [SIMD3(cos(angle), sin(angle), 0), SIMD3(-sin(angle), cos(angle), 0), SIMD3(0, 0, 1)])
  }

  /// A uniformly random rotation (Shoemake's quaternion method).
  public static func random(_ g: inout SplitMix64) -> Rotation {
    let (u1, u2, u3) = (g.unit(), g.unit(), g.unit())
    let a = (1 - u1).squareRoot(), b = u1.squareRoot()
    let (w, x, y, z) = (a * sin(2 * .pi * u2), a * cos(2 * .pi * u2), b * sin(2 * .pi * u3), b * cos(2 * .pi * u3))
    return Rotation(rows: [
      SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)),
      SIMD3(2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)),
      SIMD3(2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)),
    ])
  }

  @inline(__always)
  public func toBody(_ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3((row0 * v).sum(), (row1 * v).sum(), (row2 * v).sum())
  }

  @inline(__always)
  public func toWorld(_ v: SIMD3<Double>) -> SIMD3<Double> {
    row0 * v.x + row1 * v.y + row2 * v.z
  }
}

@inline(__always)
func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

@inline(__always)
func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }

func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
  SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

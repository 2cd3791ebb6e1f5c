#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Near-uniform directions on the unit sphere.
public enum SphereSampling {
  /// `count` points of the Fibonacci (golden-angle) spiral: equal-area cells, so the mean of a
  /// smooth function over them is an accurate quadrature of its spherical mean.
  public static func fibonacci(count: Int) -> [SIMD3<Double>] {
    let golden = Double.pi * (3 - 5.0.squareRoot())
    return (0..<count).map { i in
      let z = 1 - (2 * Double(i) + 1) / Double(count)
      let r = (1 - z * z).squareRoot()
      let phi = golden * Double(i)
      return SIMD3(r * cos(phi), r * sin(phi), z)
    }
  }
}

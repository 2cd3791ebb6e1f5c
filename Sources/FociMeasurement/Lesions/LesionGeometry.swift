import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Size, position and shape of one lesion, from its voxels (SPEC §4): what a radiologist
/// measures by hand, exactly.
///
/// Lengths are in mm and volumes in mm³ in world space (through the grid's affine, so
/// anisotropic and even oblique voxels are honoured). A voxel counts as the box it covers:
/// diameters run between voxel corners, and second moments include each voxel's own extent.
public struct LesionGeometry: Sendable, Hashable, Codable {
  public var voxelCount: Int
  public var volumeMM3: Double
  /// Centroid as (i, j, k) voxel coordinates and in world mm.
  public var centroidVoxel: [Double]
  public var centroidMM: [Double]
  /// Inclusive voxel bounds, (i, j, k).
  public var boundingBoxLower: [Int]
  public var boundingBoxUpper: [Int]
  /// Diameter of the sphere of the same volume.
  public var equivalentSphereDiameterMM: Double
  /// Maximum 3D diameter (Feret): the largest distance between two points of the lesion,
  /// exact (between voxel corners on its convex hull), with its two ends in world mm.
  public var feretDiameterMM: Double
  public var feretEndpointsMM: [[Double]]
  /// Max 3D diameter of the continuous lesion the voxels sample, the figure to compare with a
  /// true or hand-measured diameter. The voxel-box Feret above overstates it by about a voxel
  /// (2.6 mm median on the phantoms' true label maps at 1.4 × 1.4 × 3.5 mm), the Feret of the
  /// voxel centres understates it by the depth of the outermost centres below the surface.
  /// Where lattice points of cell volume V fall under a smooth tip of curvature radius ρ, the
  /// expected depth of the shallowest is ½√(V/ρ); with ρ taken as half the centre diameter d
  /// that adds √(2V/d) to d. Clamped between the equivalent-sphere diameter (no shape of this
  /// volume is narrower) and the voxel-box Feret. Median error on those maps: +0.07 mm.
  public var maxDiameterMM: Double
  /// Longest in-plane diameter on any slice (as a radiologist measures on axial images), the
  /// slice index, and the short axis: the lesion's extent on that slice perpendicular to it.
  public var axialLongDiameterMM: Double
  public var axialShortDiameterMM: Double
  public var axialSlice: Int
  /// Principal axes, longest first: unit directions in world space and the full axis lengths of
  /// the ellipsoid with the same second moments (2·√(5λ)).
  public var principalAxes: [[Double]]
  public var principalAxisLengthsMM: [Double]
  /// Convex hull of the voxel boxes.
  public var convexHullVolumeMM3: Double
  public var convexHullAreaMM2: Double
  /// Surface area, estimated as ⅔ of the area of the exposed voxel faces: a surface whose
  /// normals are spread evenly over all directions exposes on average 1.5× its area as voxel
  /// faces (Cauchy–Crofton), so the estimate is unbiased for curved surfaces and
  /// underestimates only surfaces that lie along the voxel faces.
  public var surfaceAreaMM2: Double
  /// Voxels over the voxels of the digital convex hull (those whose centres lie in the hull of
  /// the lesion's voxel centres): 1 for a digitally convex lesion.
  public var solidity: Double
  /// Surface area of the digital convex hull over the lesion's, both by the ⅔ face rule: 1 for
  /// a digitally convex lesion, less for a lobulated one.
  public var convexity: Double
  /// Radial roughness: the RMS relative deviation of the boundary voxels' centres from the
  /// centred quadric (ellipsoid) fitted to them by least squares, less the part voxel
  /// sampling explains: at each point, a depth uniform over the boundary layer's thickness
  /// along the quadric's normal (a voxel is on the boundary when a face neighbour is outside,
  /// so the layer is as thick as the largest voxel edge's reach along the normal; variance
  /// w²/12), turned radial and relative to the radius there. Under 0.03 for
  /// smooth ellipsoids at 1.4 × 1.4 × 3.5 mm; lobes and unions of blobs raise it.
  /// 0 for lesions with under `roughnessMinimumBoundary` boundary voxels (too few to tell).
  public var surfaceRoughness: Double

  /// Boundary voxels a lesion needs before its roughness is measured.
  public static let roughnessMinimumBoundary = 40

  /// Measures the lesion made of `runs` (raster order) on `grid`.
  public init(runs: [LesionRuns.Run], grid: Grid) {
    precondition(!runs.isEmpty, "a lesion has at least one voxel")
    let linear = grid.voxelToWorld
    func world(_ p: SIMD3<Double>) -> SIMD3<Double> { linear.apply(p) }
    func vector(_ p: SIMD3<Double>) -> SIMD3<Double> { linear.applyLinear(p) }
    let voxelVolume = abs(linear.determinant)

    // Counts and moments in voxel coordinates (closed forms per run).
    var n = 0.0
    var s = SIMD3<Double>()  // Σ x, Σ y, Σ z
    var xx = 0.0, yy = 0.0, zz = 0.0, xy = 0.0, xz = 0.0, yz = 0.0
    var lower = SIMD3<Int>(Int.max, Int.max, Int.max), upper = SIMD3<Int>(Int.min, Int.min, Int.min)
    func squares(_ m: Double) -> Double { m * (m + 1) * (2 * m + 1) / 6 }  // Σ_{t=0}^{m} t²
    for r in runs {
      let (a, b) = (Double(r.x0), Double(r.x1 - 1))
      let length = Double(r.length), y = Double(r.y), z = Double(r.z)
      let sx = length * (a + b) / 2
      n += length
      s += SIMD3(sx, length * y, length * z)
      xx += squares(b) - (a > 0 ? squares(a - 1) : 0)
      yy += length * y * y
      zz += length * z * z
      xy += sx * y
      xz += sx * z
      yz += length * y * z
      lower = pointwiseMin(lower, SIMD3(Int(r.x0), Int(r.y), Int(r.z)))
      upper = pointwiseMax(upper, SIMD3(Int(r.x1) - 1, Int(r.y), Int(r.z)))
    }
    let mean = s / n
    // Voxel-space covariance, each voxel a unit box (variance 1/12 along each axis).
    let c: [[Double]] = [
      [xx / n - mean.x * mean.x + 1.0 / 12, xy / n - mean.x * mean.y, xz / n - mean.x * mean.z],
      [xy / n - mean.x * mean.y, yy / n - mean.y * mean.y + 1.0 / 12, yz / n - mean.y * mean.z],
      [xz / n - mean.x * mean.z, yz / n - mean.y * mean.z, zz / n - mean.z * mean.z + 1.0 / 12],
    ]
    // World covariance A·C·Aᵀ.
    let columns = [vector(SIMD3(1, 0, 0)), vector(SIMD3(0, 1, 0)), vector(SIMD3(0, 0, 1))]
    var w = [[Double]](repeating: [0, 0, 0], count: 3)
    for r in 0..<3 {
      for q in 0..<3 {
        var sum = 0.0
        for i in 0..<3 { for j in 0..<3 { sum += columns[i][r] * c[i][j] * columns[j][q] } }
        w[r][q] = sum
      }
    }
    let eigen = SymmetricEigen.decompose(w)

    voxelCount = Int(n)
    volumeMM3 = n * voxelVolume
    centroidVoxel = [mean.x, mean.y, mean.z]
    let centre = world(mean)
    centroidMM = [centre.x, centre.y, centre.z]
    boundingBoxLower = [lower.x, lower.y, lower.z]
    boundingBoxUpper = [upper.x, upper.y, upper.z]
    equivalentSphereDiameterMM = cbrt(6 * volumeMM3 / Double.pi)
    principalAxes = eigen.vectors.map { [$0.x, $0.y, $0.z] }
    principalAxisLengthsMM = eigen.values.map { 2 * (5 * max(0, $0)).squareRoot() }

    // Convex hull of the voxel corners. Only the two ends of a run can be extreme, and a hull
    // vertex is also a vertex of the hull of the corners in its own corner plane, so each plane
    // is reduced to its 2D hull first.
    let planes = upper.z - lower.z + 2
    var planePoints = [[SIMD2<Int64>]](repeating: [], count: planes)
    for r in runs {
      let k = Int(r.z) - lower.z
      for x in [Int64(r.x0), Int64(r.x1)] {
        for y in [Int64(r.y), Int64(r.y) + 1] {
          planePoints[k].append(SIMD2(x, y))
          planePoints[k + 1].append(SIMD2(x, y))
        }
      }
    }
    var candidates: [SIMD3<Int64>] = []
    for k in 0..<planes where !planePoints[k].isEmpty {
      for p in PlanarHull.vertices(&planePoints[k]) { candidates.append(SIMD3(p.x, p.y, Int64(lower.z + k))) }
    }
    let hull = LatticeHull(candidates)
    let hullWorld = hull.vertices.map { vector(SIMD3<Double>($0)) }
    let far = FarthestPair.find(hullWorld)
    feretDiameterMM = far.distance
    // Corner c of the lattice is at voxel coordinate c − ½ (voxel i spans i − ½ ... i + ½).
    let ends = [hull.vertices[far.first], hull.vertices[far.second]].map { world(SIMD3<Double>($0) - 0.5) }
    feretEndpointsMM = ends.map { [$0.x, $0.y, $0.z] }
    convexHullVolumeMM3 = hull.volume(linear: vector)
    convexHullAreaMM2 = hull.area(linear: vector)

    // Axial: per slice, the 2D hull of the pixel corners.
    var best = (long: -1.0, short: 0.0, slice: lower.z)
    let normal = LatticeHull.crossD(columns[0], columns[1])
    for slice in LesionRuns.sliceRanges(runs) {
      var points: [SIMD2<Int64>] = []
      for r in runs[slice] {
        for x in [Int64(r.x0), Int64(r.x1)] { for y in [Int64(r.y), Int64(r.y) + 1] { points.append(SIMD2(x, y)) } }
      }
      let section = PlanarHull.vertices(&points).map { vector(SIMD3(Double($0.x), Double($0.y), 0)) }
      let pair = FarthestPair.find(section)
      if pair.distance > best.long {
        let along = section[pair.second] - section[pair.first]
        var across = LatticeHull.crossD(normal, along)
        across /= (across * across).sum().squareRoot()
        let projections = section.map { ($0 * across).sum() }
        best = (pair.distance, (projections.max() ?? 0) - (projections.min() ?? 0), Int(runs[slice.lowerBound].z))
      }
    }
    axialLongDiameterMM = best.long
    axialShortDiameterMM = best.short
    axialSlice = best.slice

    let centres = Self.centreHull(runs)
    let centreDiameter = FarthestPair.find(centres.vertices.map { vector(SIMD3<Double>($0)) }).distance
    let sampledDepths = centreDiameter > 0 ? (2 * voxelVolume / centreDiameter).squareRoot() : .infinity
    maxDiameterMM = min(feretDiameterMM, max(equivalentSphereDiameterMM, centreDiameter + sampledDepths))

    let exposed = Self.exposedFaces(runs)
    let hullRuns = Self.digitalHull(runs, centres: centres)
    let hullExposed = Self.exposedFaces(hullRuns)
    let hullVoxels = hullRuns.reduce(0) { $0 + $1.length }
    func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
    let faceAreas = SIMD3(
      length(LatticeHull.crossD(columns[1], columns[2])), length(LatticeHull.crossD(columns[0], columns[2])),
      length(LatticeHull.crossD(columns[0], columns[1])))
    surfaceAreaMM2 = (exposed * faceAreas).sum() * 2 / 3
    // Solidity and convexity compare the lesion with its digital convex hull (the voxels whose
    // centres lie in the hull of its voxel centres), measured the same way: both are then
    // exactly 1 for a digitally convex lesion, whatever the slice thickness. (The hull of the
    // voxel boxes above is larger than any voxelised shape by up to half a voxel all round,
    // which on 3.5 mm slices would make a small sphere look a third hollow.)
    solidity = hullVoxels > 0 ? n / Double(hullVoxels) : 1
    let hullSurface = (hullExposed * faceAreas).sum() * 2 / 3
    convexity = surfaceAreaMM2 > 0 ? hullSurface / surfaceAreaMM2 : 1
    let boundary = Self.boundaryVoxels(runs, lower: lower, upper: upper).map { vector(SIMD3<Double>($0) - mean) }
    surfaceRoughness = Self.roughness(boundary, voxelEdges: columns)
  }

  /// Centres of the voxels with a 6-neighbour outside the lesion, in voxel indices.
  static func boundaryVoxels(_ runs: [LesionRuns.Run], lower: SIMD3<Int>, upper: SIMD3<Int>) -> [SIMD3<Int>] {
    // A mask of the bounding box with a voxel of margin all round.
    let size = upper &- lower &+ 3
    var mask = [Bool](repeating: false, count: size.x * size.y * size.z)
    func index(_ i: Int, _ j: Int, _ k: Int) -> Int { (i - lower.x + 1) + size.x * ((j - lower.y + 1) + size.y * (k - lower.z + 1)) }
    for r in runs { for x in Int(r.x0)..<Int(r.x1) { mask[index(x, Int(r.y), Int(r.z))] = true } }
    let (sy, sz) = (size.x, size.x * size.y)
    var found: [SIMD3<Int>] = []
    for r in runs {
      for x in Int(r.x0)..<Int(r.x1) {
        let n = index(x, Int(r.y), Int(r.z))
        if !(mask[n - 1] && mask[n + 1] && mask[n - sy] && mask[n + sy] && mask[n - sz] && mask[n + sz]) {
          found.append(SIMD3(x, Int(r.y), Int(r.z)))
        }
      }
    }
    return found
  }

  /// The radial roughness of boundary points `p` (world mm from the centroid): see
  /// `surfaceRoughness`.
  static func roughness(_ p: [SIMD3<Double>], voxelEdges: [SIMD3<Double>]) -> Double {
    guard p.count >= roughnessMinimumBoundary else { return 0 }
    // Least squares for the quadric pᵀMp = 1: six unknowns (xx, yy, zz, 2xy, 2xz, 2yz).
    // The terms in a fixed-size vector (the last two lanes unused): no allocation per point.
    func terms(_ q: SIMD3<Double>) -> SIMD8<Double> {
      SIMD8(q.x * q.x, q.y * q.y, q.z * q.z, 2 * q.x * q.y, 2 * q.x * q.z, 2 * q.y * q.z, 0, 0)
    }
    var sums = [SIMD8<Double>](repeating: .zero, count: 6), right = SIMD8<Double>.zero
    for q in p {
      let t = terms(q)
      for a in 0..<6 { sums[a] += t[a] * t }
      right += t
    }
    let normal = (0..<6).map { a in (0..<6).map { sums[a][$0] } + [right[a]] }
    guard let m = LinearSystem.solve(normal) else { return 0 }
    var squares = 0.0, sampling = 0.0
    for q in p {
      let t = terms(q)
      var value = 0.0
      for a in 0..<6 { value += m[a] * t[a] }
      let deviation = max(value, 0).squareRoot() - 1
      squares += deviation * deviation
      // The quadric's normal (M·q), the boundary layer's thickness along it, and that error as a share
      // of the radius there (|q|/√value), along the ray (divided by the normal's cosine to it).
      let gradient = SIMD3(
        m[0] * q.x + m[3] * q.y + m[4] * q.z, m[3] * q.x + m[1] * q.y + m[5] * q.z, m[4] * q.x + m[5] * q.y + m[2] * q.z)
      let length = (q * q).sum().squareRoot(), g = (gradient * gradient).sum().squareRoot()
      guard length > 0, g > 0, value > 0 else { continue }
      let normal = gradient / g
      let width = voxelEdges.reduce(0) { max($0, abs(($1 * normal).sum())) }
      let cosine = max(0.3, (normal * q).sum() / length)
      let relative = width / 12.0.squareRoot() / cosine / (length / value.squareRoot())
      sampling += relative * relative
    }
    return max(0, (squares - sampling) / Double(p.count)).squareRoot()
  }

  /// Exposed voxel faces normal to x, y and z: run ends along x; along y and z, the parts of
  /// each run not covered by the runs of the neighbouring row.
  static func exposedFaces(_ runs: [LesionRuns.Run]) -> SIMD3<Double> {
    guard !runs.isEmpty else { return .zero }
    var rows: [SIMD2<Int32>: Range<Int>] = [:]
    var start = 0
    for i in 1...runs.count where i == runs.count || runs[i].y != runs[start].y || runs[i].z != runs[start].z {
      rows[SIMD2(runs[start].y, runs[start].z)] = start..<i
      start = i
    }
    func covered(_ r: LesionRuns.Run, by key: SIMD2<Int32>) -> Int {
      guard let range = rows[key] else { return 0 }
      var total = 0
      for i in range {
        let overlap = min(r.x1, runs[i].x1) - max(r.x0, runs[i].x0)
        if overlap > 0 { total += Int(overlap) }
      }
      return total
    }
    var exposed = SIMD3<Double>()
    for r in runs {
      exposed.x += 2
      exposed.y += Double(2 * r.length - covered(r, by: SIMD2(r.y - 1, r.z)) - covered(r, by: SIMD2(r.y + 1, r.z)))
      exposed.z += Double(2 * r.length - covered(r, by: SIMD2(r.y, r.z - 1)) - covered(r, by: SIMD2(r.y, r.z + 1)))
    }
    return exposed
  }

  /// The convex hull of the lesion's voxel centres, in voxel indices.
  static func centreHull(_ runs: [LesionRuns.Run]) -> LatticeHull {
    // Per slice only the vertices of the 2D hull can be extreme.
    var points: [SIMD3<Int64>] = []
    for slice in LesionRuns.sliceRanges(runs) {
      var planar: [SIMD2<Int64>] = []
      for r in runs[slice] {
        planar.append(SIMD2(Int64(r.x0), Int64(r.y)))
        planar.append(SIMD2(Int64(r.x1) - 1, Int64(r.y)))
      }
      let z = Int64(runs[slice.lowerBound].z)
      for p in PlanarHull.vertices(&planar) { points.append(SIMD3(p.x, p.y, z)) }
    }
    return LatticeHull(points)
  }

  /// The digital convex hull of a lesion as runs: every voxel whose centre lies in the convex
  /// hull of the lesion's voxel centres (`centres`, from `centreHull`; exact: each row's
  /// interval comes from integer half-space tests against the hull's faces).
  static func digitalHull(_ runs: [LesionRuns.Run], centres hull: LatticeHull? = nil) -> [LesionRuns.Run] {
    let hull = hull ?? centreHull(runs)
    let lowerY = runs.map(\.y).min()!, upperY = runs.map(\.y).max()!
    let lowerZ = runs.first!.z, upperZ = runs.last!.z
    guard !hull.triangles.isEmpty else {
      // Flat (all centres in one plane): the lesion is its own hull.
      return runs
    }
    // Each face with the z range of its vertices: a slice's section of the hull is bounded by
    // the faces that reach its plane only.
    let faces = hull.triangles.map { t -> (normal: SIMD3<Int64>, offset: Int64, zRange: ClosedRange<Int64>) in
      let (a, b, c) = (hull.vertices[Int(t.x)], hull.vertices[Int(t.y)], hull.vertices[Int(t.z)])
      let normal = LatticeHull.cross(b &- a, c &- a)
      return (normal, LatticeHull.dot(normal, a), min(a.z, b.z, c.z)...max(a.z, b.z, c.z))
    }
    func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { let q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q }
    var out: [LesionRuns.Run] = []
    for z in lowerZ...upperZ {
      let planes = faces.filter { $0.zRange.contains(Int64(z)) }
      for y in lowerY...upperY {
        // normal · (x, y, z) ≤ offset for every face.
        var low = Int64.min, high = Int64.max
        var empty = false
        for plane in planes {
          let rest = plane.offset - plane.normal.y * Int64(y) - plane.normal.z * Int64(z)
          let nx = plane.normal.x
          if nx > 0 {
            high = min(high, floorDiv(rest, nx))
          } else if nx < 0 {
            low = max(low, -floorDiv(rest, -nx))
          } else if rest < 0 {
            empty = true
            break
          }
        }
        if !empty, low <= high, low > Int64.min, high < Int64.max { out.append(LesionRuns.Run(x0: Int32(low), x1: Int32(high + 1), y: y, z: z)) }
      }
    }
    return out
  }
}

extension LesionGeometry {
  private enum CodingKeys: String, CodingKey {
    case voxelCount, volumeMM3, centroidVoxel, centroidMM, boundingBoxLower, boundingBoxUpper
    case equivalentSphereDiameterMM, feretDiameterMM, feretEndpointsMM, maxDiameterMM
    case axialLongDiameterMM, axialShortDiameterMM, axialSlice, principalAxes, principalAxisLengthsMM
    case convexHullVolumeMM3, convexHullAreaMM2, surfaceAreaMM2, solidity, convexity, surfaceRoughness
  }

  /// Decodes a geometry; documents written before `maxDiameterMM` and `surfaceRoughness`
  /// existed (lesions schema before 1.2) give their voxel-box Feret diameter and 0 in their
  /// place.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    voxelCount = try c.decode(Int.self, forKey: .voxelCount)
    volumeMM3 = try c.decode(Double.self, forKey: .volumeMM3)
    centroidVoxel = try c.decode([Double].self, forKey: .centroidVoxel)
    centroidMM = try c.decode([Double].self, forKey: .centroidMM)
    boundingBoxLower = try c.decode([Int].self, forKey: .boundingBoxLower)
    boundingBoxUpper = try c.decode([Int].self, forKey: .boundingBoxUpper)
    equivalentSphereDiameterMM = try c.decode(Double.self, forKey: .equivalentSphereDiameterMM)
    feretDiameterMM = try c.decode(Double.self, forKey: .feretDiameterMM)
    feretEndpointsMM = try c.decode([[Double]].self, forKey: .feretEndpointsMM)
    maxDiameterMM = try c.decodeIfPresent(Double.self, forKey: .maxDiameterMM) ?? feretDiameterMM
    axialLongDiameterMM = try c.decode(Double.self, forKey: .axialLongDiameterMM)
    axialShortDiameterMM = try c.decode(Double.self, forKey: .axialShortDiameterMM)
    axialSlice = try c.decode(Int.self, forKey: .axialSlice)
    principalAxes = try c.decode([[Double]].self, forKey: .principalAxes)
    principalAxisLengthsMM = try c.decode([Double].self, forKey: .principalAxisLengthsMM)
    convexHullVolumeMM3 = try c.decode(Double.self, forKey: .convexHullVolumeMM3)
    convexHullAreaMM2 = try c.decode(Double.self, forKey: .convexHullAreaMM2)
    surfaceAreaMM2 = try c.decode(Double.self, forKey: .surfaceAreaMM2)
    solidity = try c.decode(Double.self, forKey: .solidity)
    convexity = try c.decode(Double.self, forKey: .convexity)
    surfaceRoughness = try c.decodeIfPresent(Double.self, forKey: .surfaceRoughness) ?? 0
  }
}

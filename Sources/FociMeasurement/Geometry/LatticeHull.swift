/// The convex hull of integer points in 3D, computed exactly.
///
/// Quickhull (Barber, Dobkin & Huhdanpaa 1996) with integer orientation tests. Voxel corners
/// are full of coplanar and collinear points, which floating-point hulls must handle with
/// tolerances; here a point is outside a face only when its exact signed distance is positive,
/// so there is no tolerance to tune. Coordinates must stay below about 10⁵ in magnitude (the
/// tests' products then fit in 64 bits); voxel indices do.
struct LatticeHull {
  /// The hull's vertices.
  let vertices: [SIMD3<Int64>]
  /// Outward-facing triangles (counter-clockwise seen from outside), as indices into
  /// `vertices`. Empty when the points are coplanar (no volume).
  let triangles: [SIMD3<Int32>]

  private struct Face {
    var a: Int32, b: Int32, c: Int32
    var normal: SIMD3<Int64>
    var offset: Int64
    var outside: [Int32] = []
    var alive = true

    init(_ a: Int32, _ b: Int32, _ c: Int32, _ p: [SIMD3<Int64>]) {
      (self.a, self.b, self.c) = (a, b, c)
      normal = LatticeHull.cross(p[Int(b)] &- p[Int(a)], p[Int(c)] &- p[Int(a)])
      offset = LatticeHull.dot(normal, p[Int(a)])
    }

    @inline(__always) func distance(_ q: SIMD3<Int64>) -> Int64 { LatticeHull.dot(normal, q) &- offset }
    var edges: [(Int32, Int32)] { [(a, b), (b, c), (c, a)] }
  }

  @inline(__always) static func cross(_ u: SIMD3<Int64>, _ v: SIMD3<Int64>) -> SIMD3<Int64> {
    SIMD3(u.y &* v.z &- u.z &* v.y, u.z &* v.x &- u.x &* v.z, u.x &* v.y &- u.y &* v.x)
  }

  @inline(__always) static func dot(_ u: SIMD3<Int64>, _ v: SIMD3<Int64>) -> Int64 {
    u.x &* v.x &+ u.y &* v.y &+ u.z &* v.z
  }

  @inline(__always) private static func key(_ u: Int32, _ v: Int32) -> Int64 { Int64(u) << 32 | Int64(v) }

  init(_ input: [SIMD3<Int64>]) {
    var points = input
    points.sort { $0.x != $1.x ? $0.x < $1.x : $0.y != $1.y ? $0.y < $1.y : $0.z < $1.z }
    var unique: [SIMD3<Int64>] = []
    unique.reserveCapacity(points.count)
    for p in points where unique.last != p { unique.append(p) }
    points = unique
    guard let simplex = Self.simplex(points) else {
      vertices = points
      triangles = []
      return
    }

    var faces: [Face] = []
    var owner: [Int64: Int32] = [:]  // directed edge → the face that has it
    func addFace(_ a: Int32, _ b: Int32, _ c: Int32) -> Int32 {
      let index = Int32(faces.count)
      faces.append(Face(a, b, c, points))
      owner[Self.key(a, b)] = index
      owner[Self.key(b, c)] = index
      owner[Self.key(c, a)] = index
      return index
    }
    // The tetrahedron, each face turned away from the fourth vertex.
    let s = simplex.map { Int32($0) }
    for (i, j, k, rest) in [(0, 1, 2, 3), (0, 1, 3, 2), (0, 2, 3, 1), (1, 2, 3, 0)] {
      var face = Face(s[i], s[j], s[k], points)
      if face.distance(points[Int(s[rest])]) > 0 { face = Face(s[i], s[k], s[j], points) }
      _ = addFace(face.a, face.b, face.c)
    }
    // Every other point goes to the outside set of the first face it is outside of.
    let used = Set(simplex)
    for p in 0..<points.count where !used.contains(p) {
      for f in 0..<faces.count where faces[f].distance(points[p]) > 0 {
        faces[f].outside.append(Int32(p))
        break
      }
    }

    var pending = Array(0..<Int32(faces.count))
    while let f = pending.popLast() {
      guard faces[Int(f)].alive, !faces[Int(f)].outside.isEmpty else { continue }
      // The farthest outside point (ties: the lowest index) becomes a vertex.
      var eye = faces[Int(f)].outside[0]
      var best = faces[Int(f)].distance(points[Int(eye)])
      for q in faces[Int(f)].outside.dropFirst() {
        let d = faces[Int(f)].distance(points[Int(q)])
        if d > best || (d == best && q < eye) { (eye, best) = (q, d) }
      }
      let apex = points[Int(eye)]
      // Faces that see the eye: a connected patch around f.
      var visible: [Int32] = [f]
      var isVisible: Set<Int32> = [f]
      var head = 0
      while head < visible.count {
        let v = visible[head]
        head += 1
        for (u, w) in faces[Int(v)].edges {
          guard let n = owner[Self.key(w, u)], !isVisible.contains(n), faces[Int(n)].distance(apex) > 0 else { continue }
          isVisible.insert(n)
          visible.append(n)
        }
      }
      // Its border (edges whose twin belongs to a face that does not see the eye).
      var horizon: [(Int32, Int32)] = []
      for v in visible {
        for (u, w) in faces[Int(v)].edges where !isVisible.contains(owner[Self.key(w, u)]!) { horizon.append((u, w)) }
      }
      var orphans: [Int32] = []
      for v in visible {
        faces[Int(v)].alive = false
        orphans += faces[Int(v)].outside
        faces[Int(v)].outside = []
        for (u, w) in faces[Int(v)].edges where owner[Self.key(u, w)] == v { owner[Self.key(u, w)] = nil }
      }
      let created = horizon.map { addFace($0.0, $0.1, eye) }
      for q in orphans where q != eye {
        for n in created where faces[Int(n)].distance(points[Int(q)]) > 0 {
          faces[Int(n)].outside.append(q)
          break
        }
      }
      pending += created
    }

    // Renumber the vertices the surviving faces use.
    var index = [Int32](repeating: -1, count: points.count)
    var kept: [SIMD3<Int64>] = []
    var triangles: [SIMD3<Int32>] = []
    for face in faces where face.alive {
      var t = SIMD3<Int32>()
      for (slot, p) in [face.a, face.b, face.c].enumerated() {
        if index[Int(p)] < 0 {
          index[Int(p)] = Int32(kept.count)
          kept.append(points[Int(p)])
        }
        t[slot] = index[Int(p)]
      }
      triangles.append(t)
    }
    vertices = kept
    self.triangles = triangles
  }

  /// Four affinely independent points (indices), or nil when all points are coplanar.
  private static func simplex(_ p: [SIMD3<Int64>]) -> [Int]? {
    guard p.count >= 4 else { return nil }
    let i0 = 0
    func farthest(_ measure: (SIMD3<Int64>) -> Int64) -> Int {
      var best = 0, value = Int64.min
      for (i, q) in p.enumerated() {
        let m = measure(q)
        if m > value { (best, value) = (i, m) }
      }
      return best
    }
    let i1 = farthest { dot($0 &- p[i0], $0 &- p[i0]) }
    guard p[i1] != p[i0] else { return nil }
    let axis = p[i1] &- p[i0]
    let i2 = farthest { let c = cross(axis, $0 &- p[i0]); return dot(c, c) }
    let normal = cross(axis, p[i2] &- p[i0])
    guard normal != .zero else { return nil }
    let i3 = farthest { abs(dot(normal, $0 &- p[i0])) }
    guard dot(normal, p[i3] &- p[i0]) != 0 else { return nil }
    return [i0, i1, i2, i3]
  }

  /// Volume enclosed after mapping the points by the linear map `linear` (a grid's
  /// voxel-to-world matrix gives mm³). Linear maps keep the hull a hull.
  func volume(linear: (SIMD3<Double>) -> SIMD3<Double>) -> Double {
    guard let origin = vertices.first else { return 0 }
    let o = linear(SIMD3<Double>(origin))
    let mapped = vertices.map { linear(SIMD3<Double>($0)) - o }
    var sum = 0.0
    for t in triangles { sum += (mapped[Int(t.x)] * Self.crossD(mapped[Int(t.y)], mapped[Int(t.z)])).sum() }
    return abs(sum) / 6
  }

  /// Surface area after mapping the points by `linear` (mm² with a voxel-to-world matrix).
  func area(linear: (SIMD3<Double>) -> SIMD3<Double>) -> Double {
    let mapped = vertices.map { linear(SIMD3<Double>($0)) }
    var sum = 0.0
    for t in triangles {
      let n = Self.crossD(mapped[Int(t.y)] - mapped[Int(t.x)], mapped[Int(t.z)] - mapped[Int(t.x)])
      sum += (n * n).sum().squareRoot()
    }
    return sum / 2
  }

  static func crossD(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
  }
}

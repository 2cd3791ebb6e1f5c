import FociComponents
import FociCore
import FociFilters
import FociMeasurement

/// The study-wide images and references every lesion is measured against.
struct LesionContext: @unchecked Sendable {
  // @unchecked: read-only after construction; shared by the lesion workers.
  let grid: Grid
  let settings: AnalysisSettings
  let native: Volume<Float>
  let arterial: Volume<Float>
  let venous: Volume<Float>?
  let delayed: Volume<Float>?
  let liverMask: Volume<UInt8>
  /// The lesion label map (ids as in the report).
  let labels: LabelVolume
  let arterialSubtraction: Volume<Float>
  let venousSubtraction: Volume<Float>?
  let avascularLimitArterial: Double
  let avascularLimitVenous: Double?
  let references: PhaseReferences
  /// Each T2 by name, its sampler and its parenchyma median.
  let t2: [(String, WorldSampler, Double)]
  let adc: WorldSampler?
  let capsuleDistance: Volume<Float>
  let capsuleContactMM: Double

  /// The median of `values` over `reference`, graded by `classify` at the settings' cut-off.
  func graded<Grade>(
    _ values: [Float], reference: Double, _ classify: (Double, Double) -> Grade
  ) -> Graded<Grade>? {
    guard let median = RobustStatistics.median(of: values), reference != 0 else { return nil }
    let ratio = median / reference
    return Graded(grade: classify(ratio, settings.signalCutoff), ratio: ratio)
  }

  func measure(id: Int, runs: [LesionRuns.Run]) -> LesionReport {
    let geometry = LesionGeometry(runs: runs, grid: grid)
    let (nx, ny) = (grid.dims.x, grid.dims.y)
    var offsets: [Int] = []
    offsets.reserveCapacity(geometry.voxelCount)
    for r in runs {
      let row = nx * (Int(r.y) + ny * Int(r.z))
      for x in Int(r.x0)..<Int(r.x1) { offsets.append(row + x) }
    }

    // Avascular voxels: no distinguishable enhancement in the arterial (and venous) subtraction.
    let avascular = offsets.map { n -> Bool in
      guard Double(arterialSubtraction.voxels[n]) < avascularLimitArterial else { return false }
      if let venousSubtraction, let limit = avascularLimitVenous { return Double(venousSubtraction.voxels[n]) < limit }
      return true
    }
    let avascularCount = avascular.count { $0 }
    var solid = zip(offsets, avascular).filter { !$0.1 }.map(\.0)
    if solid.isEmpty { solid = offsets }

    // Enhancement of the solid component in each phase, signal on native T1 and T2, ADC.
    let enhancementNames = EnhancementGrade.classify(ratio:cutoff:), signalNames = SignalClass.classify(ratio:cutoff:)
    func values(_ volume: Volume<Float>, _ at: [Int]) -> [Float] { at.map { volume.voxels[$0] }.filter(\.isFinite) }
    var enhancement: [String: Graded<EnhancementGrade>] = [:]
    enhancement["arterial"] = graded(values(arterial, solid), reference: references.arterial, enhancementNames)
    if let venous, let reference = references.venous {
      enhancement["venous"] = graded(values(venous, solid), reference: reference, enhancementNames)
    }
    if let delayed, let reference = references.delayed {
      enhancement["delayed"] = graded(values(delayed, solid), reference: reference, enhancementNames)
    }
    var signal: [String: Graded<SignalClass>] = [:]
    signal["nativeT1"] = graded(values(native, solid), reference: references.native, signalNames)
    func world(_ n: Int) -> SIMD3<Double> { grid.world(n % nx, (n / nx) % ny, n / (nx * ny)) }
    let solidWorld = solid.map(world)
    for (name, sampler, reference) in t2 {
      let samples = solidWorld.compactMap { sampler.value(at: $0) }.filter(\.isFinite)
      signal[name] = graded(samples, reference: reference, signalNames)
    }
    let meanADC = adc.flatMap { sampler -> Double? in
      let samples = solidWorld.compactMap { sampler.value(at: $0) }.filter(\.isFinite)
      return samples.isEmpty ? nil : samples.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
    }

    // Blood products: voxels bright on native T1 already.
    let bright = offsets.count { Double(native.voxels[$0]) >= (1 + settings.signalCutoff) * references.native }
    let bloodShare = Double(bright) / Double(offsets.count)

    // Capsule: distance, contact, and how much of the lesion sits near it.
    let distances = offsets.map { Double(capsuleDistance.voxels[$0]) }
    let nearest = distances.min() ?? .infinity
    let deepest = distances.max() ?? .infinity
    var baseShare = 1.0
    if nearest.isFinite, deepest > nearest {
      let cut = nearest + (deepest - nearest) / 3
      baseShare = Double(distances.count { $0 <= cut }) / Double(distances.count)
    }
    let touches = nearest <= capsuleContactMM

    // Edge width: lesion–liver contrast over the median in-plane gradient on the boundary.
    let edgeWidth = self.edgeWidth(offsets: offsets, solid: solid, id: id)

    let axes = geometry.principalAxisLengthsMM
    let axisRatio = axes[1] > 0 ? axes[0] / axes[1] : 1
    let shapeClass =
      geometry.solidity < settings.irregularSolidityBelow || geometry.surfaceRoughness >= settings.irregularRoughnessAbove
      ? ShapeClass.irregular : axisRatio >= settings.ovalAxisRatio ? .oval : .round
    let lobulated = geometry.surfaceRoughness >= settings.lobulatedRoughnessAbove || geometry.convexity < settings.lobulatedConvexityBelow
    let surfaceClass = lobulated ? SurfaceClass.lobulated : .smooth
    let contourClass = edgeWidth >= settings.blurredEdgeWidthMM ? ContourClass.blurred : .sharp

    let venousIso = enhancement["venous"].map { $0.grade == .moderate } ?? false
    let t2Bright = t2.contains { signal[$0.0]?.grade == .hyperintense }
    let flags = LesionReport.Flags(
      small: geometry.maxDiameterMM < settings.smallDiameterMM,
      arterialOnly: venousIso && !t2Bright,
      shuntLike: touches && !t2Bright && geometry.maxDiameterMM <= settings.shuntMaxDiameterMM
        && baseShare >= (t2.isEmpty ? settings.shuntBaseShare : settings.shuntBaseShareWithT2))

    let voxelVolume = abs(grid.voxelToWorld.determinant)
    return LesionReport(
      id: id, geometry: geometry, volumeInLiverMM3: Double(offsets.count { liverMask.voxels[$0] != 0 }) * voxelVolume,
      avascular: LesionReport.Avascular(
        voxelCount: avascularCount, volumeMM3: Double(avascularCount) * voxelVolume,
        share: Double(avascularCount) / Double(offsets.count),
        largestZoneDiameterMM: largestZoneDiameter(offsets: offsets, avascular: avascular, geometry: geometry),
        phases: venousSubtraction == nil ? ["arterial"] : ["arterial", "venous"]),
      capsule: LesionReport.Capsule(distanceMM: nearest.isFinite ? nearest : nil, touches: touches, baseShare: baseShare),
      shape: LesionReport.Shape(
        shapeClass: shapeClass, axisRatio: axisRatio, solidity: geometry.solidity, surfaceClass: surfaceClass,
        convexity: geometry.convexity, contourClass: contourClass, edgeWidthMM: edgeWidth),
      enhancement: enhancement, signal: signal, meanADC: meanADC,
      bloodProducts: LesionReport.BloodProducts(present: bloodShare >= settings.bloodProductsMinShare, share: bloodShare),
      fluidLevel: fluidLevel(cavity: zip(offsets, avascular).filter(\.1).map(\.0)),
      flags: flags)
  }

  /// The best horizontal split of the cavity's signal: the voxels sorted by height along
  /// −gravity, every split between two heights that leaves at least a fifth on each side tried,
  /// the one explaining the most variance kept (one pass with running sums).
  func fluidLevel(cavity: [Int]) -> LesionReport.FluidLevel {
    let (nx, ny) = (grid.dims.x, grid.dims.y)
    let up = -SIMD3(settings.gravity[0], settings.gravity[1], settings.gravity[2])
    let name = t2.first?.0 ?? "nativeT1"
    var samples: [(height: Double, value: Double)] = []
    for n in cavity {
      let p = grid.world(n % nx, (n / nx) % ny, n / (nx * ny))
      let value = t2.first.map { $0.1.value(at: p) } ?? native.voxels[n]
      if let value, value.isFinite { samples.append(((p * up).sum(), Double(value))) }
    }
    let none = LesionReport.FluidLevel(present: false, image: name, explainedVariance: 0, lowerToUpper: 1, levelMM: nil)
    guard samples.count >= settings.fluidLevelMinimumVoxels else { return none }
    samples.sort { $0.height < $1.height }
    let total = samples.reduce(0) { $0 + $1.value }, totalSquares = samples.reduce(0) { $0 + $1.value * $1.value }
    let count = Double(samples.count)
    let totalSS = totalSquares - total * total / count
    guard totalSS > 0 else { return none }
    var best = (explained: 0.0, index: 0, lowerMean: 0.0, upperMean: 0.0)
    var lowerSum = 0.0
    for i in 0..<(samples.count - 1) {
      lowerSum += samples[i].value
      let lowerCount = Double(i + 1), upperCount = count - lowerCount
      guard samples[i + 1].height > samples[i].height, lowerCount >= count / 5, upperCount >= count / 5 else { continue }
      let lowerMean = lowerSum / lowerCount, upperMean = (total - lowerSum) / upperCount
      // Between-layer sum of squares over the total.
      let explained = (lowerCount * upperCount / count) * (lowerMean - upperMean) * (lowerMean - upperMean) / totalSS
      if explained > best.explained { best = (explained, i, lowerMean, upperMean) }
    }
    guard best.upperMean != 0 else { return none }
    let ratio = best.lowerMean / best.upperMean
    let level = (samples[best.index].height + samples[best.index + 1].height) / 2
    let present = best.explained >= settings.fluidLevelExplainedVariance && abs(ratio - 1) >= settings.fluidLevelContrast
    return LesionReport.FluidLevel(
      present: present, image: name, explainedVariance: best.explained, lowerToUpper: ratio, levelMM: best.explained > 0 ? level : nil)
  }

  /// Max 3D diameter of the largest 26-connected part of the avascular voxels.
  func largestZoneDiameter(offsets: [Int], avascular: [Bool], geometry: LesionGeometry) -> Double {
    guard avascular.contains(true) else { return 0 }
    let lower = SIMD3(geometry.boundingBoxLower[0], geometry.boundingBoxLower[1], geometry.boundingBoxLower[2])
    let upper = SIMD3(geometry.boundingBoxUpper[0], geometry.boundingBoxUpper[1], geometry.boundingBoxUpper[2])
    let size = upper &- lower &+ 1
    // The lesion's box as a grid with the study's axes (only the linear part matters here).
    let box = Grid(dims: size, spacingMM: grid.spacingMM, voxelToWorld: grid.voxelToWorld, affineSource: grid.affineSource)
    var mask = Volume(grid: box, repeating: UInt8(0))
    let (nx, ny) = (grid.dims.x, grid.dims.y)
    for (n, isAvascular) in zip(offsets, avascular) where isAvascular {
      let p = SIMD3(n % nx, (n / nx) % ny, n / (nx * ny)) &- lower
      mask[p.x, p.y, p.z] = 1
    }
    let zones = ConnectedComponents.labelRuns(mask, connectivity: .corners26)
    guard let largest = zones.voxelCounts.indices.max(by: { zones.voxelCounts[$0] < zones.voxelCounts[$1] }) else { return 0 }
    let runs = LesionRuns(zones.componentLabels().labels, count: zones.count)
    return LesionGeometry(runs: runs.lesions[largest], grid: box).maxDiameterMM
  }

  /// |median arterial subtraction of the solid part − the parenchyma's| over the median
  /// in-plane gradient magnitude (per mm) of the subtraction at the lesion's boundary voxels
  /// (those with a face neighbour outside the lesion): about the width of the edge in mm.
  func edgeWidth(offsets: [Int], solid: [Int], id: Int) -> Double {
    let (nx, ny, nz) = (grid.dims.x, grid.dims.y, grid.dims.z)
    // Membership from the label map: a face neighbour with another id is outside the lesion.
    var narrow: [UInt16] = [], wide: [UInt32] = []
    switch labels.storage {
    case .uint16(let l): narrow = l
    case .uint32(let l): wide = l
    }
    func member(_ n: Int) -> Bool { narrow.isEmpty ? Int(wide[n]) == id : Int(narrow[n]) == id }
    let s = arterialSubtraction.voxels
    var gradients: [Float] = []
    for n in offsets {
      let (x, y, z) = (n % nx, (n / nx) % ny, n / (nx * ny))
      let neighbours = [
        x > 0 ? n - 1 : -1, x < nx - 1 ? n + 1 : -1, y > 0 ? n - nx : -1, y < ny - 1 ? n + nx : -1,
        z > 0 ? n - nx * ny : -1, z < nz - 1 ? n + nx * ny : -1,
      ]
      guard neighbours.contains(where: { $0 < 0 || !member($0) }) else { continue }
      let (xl, xr) = (x > 0 ? n - 1 : n, x < nx - 1 ? n + 1 : n)
      let (yl, yr) = (y > 0 ? n - nx : n, y < ny - 1 ? n + nx : n)
      let gx = Double(s[xr] - s[xl]) / (Double(xr - xl) * grid.spacingMM.x)
      let gy = Double(s[yr] - s[yl]) / (Double((yr - yl) / nx) * grid.spacingMM.y)
      let g = (gx.isFinite ? gx * gx : 0) + (gy.isFinite ? gy * gy : 0)
      gradients.append(Float(g.squareRoot()))
    }
    guard let gradient = RobustStatistics.median(of: gradients), gradient > 0,
      let lesion = RobustStatistics.median(of: solid.map { s[$0] }.filter(\.isFinite))
    else { return 0 }
    return abs(lesion - references.arterialSubtraction) / gradient
  }
}

import FociComponents
import FociCore
import FociDetection
import FociFilters
import FociMeasurement
import FociRegistration

/// Detection's intermediate maps, named here so callers of the analysis need not import detection.
public typealias DiagnosticMap = FociDetection.DiagnosticMap

/// One study from images to measured lesions (SPEC §3–5): detection, motion correction of the
/// other phases, the parenchyma's reference signal, and every per-lesion and per-study figure.
public enum StudyAnalysis {
  /// The result: the report and the lesion label map (ids as in the report, native grid).
  public struct Result: Sendable {
    public var report: StudyReport
    public var labels: LabelVolume
    /// Detection's intermediate maps on the native grid, when asked for.
    public var diagnosticMaps: [DiagnosticMap]?
  }

  /// - Parameter diagnostics: also return detection's intermediate maps (`Result.diagnosticMaps`).
  public static func analyze(
    _ inputs: StudyInputs, settings: AnalysisSettings = AnalysisSettings(), diagnostics: Bool = false
  ) throws(AnalysisError) -> Result {
    let grid = inputs.native.grid
    try validate(inputs)

    // Detection (arterial motion correction, subtraction, threshold, components, holes).
    // The native phase is prepared for registration once, for every post-contrast phase.
    var clock = StageClock.start()
    let reference: PhaseCorrelation.Reference?
    do {
      reference = try settings.detection.motionCorrection?.reference(inputs.native, mask: inputs.liverMask)
    } catch {
      throw .detection("motion correction: \(error.description)")
    }
    StageClock.record("analysis.registrationReference", since: clock)
    clock = StageClock.start()
    let detected: FocusDetection.Result
    do {
      detected = try FocusDetection.detect(
        native: inputs.native, arterial: inputs.arterial, liverMask: inputs.liverMask, venous: inputs.venous,
        t2: inputs.t2.first?.volume, adc: inputs.adc, settings: settings.detection, motionReference: reference, diagnostics: diagnostics)
    } catch .emptyLiverMask {
      throw .emptyLiverMask
    } catch {
      throw .detection(error.description)
    }
    StageClock.record("analysis.detection", since: clock)
    clock = StageClock.start()
    let lesionCount = detected.foci.count
    let labels = detected.foci.labels
    let runs = LesionRuns(labels, count: lesionCount)

    // The other post-contrast phases, aligned as the arterial one was.
    var motion: [String: MotionReport] = ["arterial": MotionReport(detected.motion)]
    // Only the liver's box (and two voxels around it) is measured, so only it is resampled.
    let box = liverBox(inputs.liverMask)
    let (boxLower, boxUpper) = (box.lower &- 2, box.upper &+ 2)
    func aligned(_ volume: Volume<Float>, _ name: String) throws(AnalysisError) -> Volume<Float> {
      guard let policy = settings.detection.motionCorrection, let reference else {
        motion[name] = MotionReport(nil)
        return volume
      }
      do {
        let outcome = try policy.assess(volume, against: reference)
        motion[name] = MotionReport(outcome)
        guard outcome.applied else { return volume }
        return Translation.resample(volume, shiftVoxels: outcome.estimate.shiftVoxels, inside: boxLower, boxUpper)
      } catch {
        throw .detection("motion correction of the \(name) phase: \(error.description)")
      }
    }
    let arterial =
      detected.motion.map {
        $0.applied ? Translation.resample(inputs.arterial, shiftVoxels: $0.estimate.shiftVoxels, inside: boxLower, boxUpper) : inputs.arterial
      } ?? inputs.arterial
    // Detection aligned the venous phase already (inside the same box).
    let venous = detected.venousAligned
    if inputs.venous != nil { motion["venous"] = MotionReport(detected.venousMotion) }
    let delayed = try inputs.delayed.map { v throws(AnalysisError) in try aligned(v, "delayed") }

    StageClock.record("analysis.alignment", since: clock)
    clock = StageClock.start()
    // The parenchyma: liver voxels outside every lesion.
    let parenchymaOffsets = parenchyma(liver: inputs.liverMask, labels: labels)
    let t2Samplers = inputs.t2.compactMap { named in WorldSampler(named.volume).map { (named.name, $0) } }
    let adcSampler = inputs.adc.flatMap { WorldSampler($0) }
    let arterialSubtraction = detected.subtraction
    let venousSubtraction = venous.map { Subtraction.difference($0, minus: inputs.native) }

    // Parenchyma figures: the median of each image (T2 sampled through world coordinates) and
    // the robust spread of each subtraction, for the avascular rule. Each is an exact selection
    // over about a million values, sequential by nature, so the figures run side by side.
    enum Source: Sendable {
      case image(Volume<Float>)
      case sampled(WorldSampler)
      case subtraction(Volume<Float>)
    }
    var jobs: [(name: String, source: Source)] = [("native", .image(inputs.native)), ("arterial", .image(arterial))]
    if let venous { jobs.append(("venous", .image(venous))) }
    if let delayed { jobs.append(("delayed", .image(delayed))) }
    for (name, sampler) in t2Samplers { jobs.append((name, .sampled(sampler))) }
    jobs.append(("arterialSubtraction", .subtraction(arterialSubtraction)))
    if let venousSubtraction { jobs.append(("venousSubtraction", .subtraction(venousSubtraction))) }
    var figures = [(median: Double, count: Int, spread: Double)](repeating: (0, 0, 0), count: jobs.count)
    figures.withUnsafeMutableBufferPointer { out in
      let target = UncheckedSendable(out)
      let work = jobs
      ParallelSlabs.forEach(count: work.count) { index in
        var values: [Float]
        switch work[index].source {
        case .image(let volume), .subtraction(let volume):
          values = volume.voxels.withUnsafeBufferPointer { v in parenchymaOffsets.map { v[$0] }.filter(\.isFinite) }
        case .sampled(let sampler):
          values = parenchymaOffsets.compactMap { n -> Float? in
            let k = n / grid.sliceVoxelCount, j = (n / grid.dims.x) % grid.dims.y, i = n % grid.dims.x
            return sampler.value(at: grid.world(i, j, k)).flatMap { $0.isFinite ? $0 : nil }
          }
        }
        let median = RobustStatistics.median(of: values) ?? 0
        var spread = 0.0
        if case .subtraction = work[index].source {
          for n in values.indices { values[n] = Float(abs(Double(values[n]) - median)) }
          spread = 1.4826 * (RobustStatistics.median(of: values) ?? 0)
        }
        target.value[index] = (median, values.count, spread)
      }
    }
    var parenchymaFigures: [String: ParenchymaFigures] = [:]
    var byName: [String: (median: Double, count: Int, spread: Double)] = [:]
    for (job, figure) in zip(jobs, figures) {
      byName[job.name] = figure
      if case .subtraction = job.source { continue }
      parenchymaFigures[job.name] = ParenchymaFigures(median: figure.median, voxelCount: figure.count)
    }
    let avascularLimitArterial = settings.avascularK * byName["arterialSubtraction"]!.spread
    let avascularLimitVenous = byName["venousSubtraction"].map { settings.avascularK * $0.spread }

    StageClock.record("analysis.parenchyma", since: clock)
    let capsuleDistance = StageClock.measure("analysis.capsuleDistance") { DistanceTransform.distanceToBackground(inputs.liverMask) }
    let contact = settings.capsuleContactMM > 0 ? settings.capsuleContactMM : grid.spacingMM.max() * 1.0001

    let context = LesionContext(
      grid: grid, settings: settings, native: inputs.native, arterial: arterial, venous: venous, delayed: delayed,
      liverMask: inputs.liverMask, labels: labels, arterialSubtraction: arterialSubtraction, venousSubtraction: venousSubtraction,
      avascularLimitArterial: avascularLimitArterial, avascularLimitVenous: avascularLimitVenous,
      references: PhaseReferences(
        native: byName["native"]!.median, arterial: byName["arterial"]!.median, venous: byName["venous"]?.median,
        delayed: byName["delayed"]?.median, arterialSubtraction: byName["arterialSubtraction"]!.median),
      t2: t2Samplers.map { ($0.0, $0.1, byName[$0.0]?.median ?? 0) }, adc: adcSampler,
      capsuleDistance: capsuleDistance, capsuleContactMM: contact)

    clock = StageClock.start()
    // Lesions in parallel, in a fixed split; each report depends on its lesion only.
    var reports = [LesionReport?](repeating: nil, count: lesionCount)
    reports.withUnsafeMutableBufferPointer { out in
      let target = UncheckedSendable(out)
      let pieces = ParallelSlabs.ranges(total: lesionCount, pieces: min(lesionCount, 64))
      ParallelSlabs.forEach(count: pieces.count) { p in
        for index in pieces[p] { target.value[index] = context.measure(id: index + 1, runs: runs.lesions[index]) }
      }
    }
    var lesions = reports.map { $0! }
    for index in lesions.indices where index < detected.channels.count { lesions[index].detectedBy = detected.channels[index] }
    StageClock.record("analysis.lesions", since: clock)

    let liverVoxels = inputs.liverMask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    let voxelVolume = abs(grid.voxelToWorld.determinant)
    let liverVolume = Double(liverVoxels) * voxelVolume
    let lesionInLiver = lesions.reduce(0) { $0 + $1.volumeInLiverMM3 }
    let summary = StudySummary(
      lesionCount: lesionCount, liverVolumeML: liverVolume / 1000,
      lesionVolumeML: lesions.reduce(0) { $0 + $1.geometry.volumeMM3 } / 1000,
      burdenPercent: liverVolume > 0 ? 100 * lesionInLiver / liverVolume : 0,
      smallestLesionMM: lesions.map(\.geometry.maxDiameterMM).min(),
      largestLesionMM: lesions.map(\.geometry.maxDiameterMM).max(),
      largestAvascularZoneMM: lesions.map(\.avascular.largestZoneDiameterMM).filter { $0 > 0 }.max(),
      flagCounts: [
        "small": lesions.count { $0.flags.small }, "arterialOnly": lesions.count { $0.flags.arterialOnly },
        "shuntLike": lesions.count { $0.flags.shuntLike }, "bloodProducts": lesions.count { $0.bloodProducts.present }, "fluidLevel": lesions.count { $0.fluidLevel.present },
        "avascular": lesions.count { $0.avascular.voxelCount > 0 },
      ],
      channelCounts: Dictionary(
        uniqueKeysWithValues: FocusChannels.Channel.allCases.map { c in (c.rawValue, lesions.count { $0.detectedBy?.channel == c }) }),
      classShares: classShares(lesions))
    let statistics = detected.liverStatistics
    let report = StudyReport(
      summary: summary,
      detection: DetectionFigures(
        subtractionMedian: statistics.median, subtractionMAD: statistics.mad, threshold: detected.thresholdValue),
      motion: motion, parenchyma: parenchymaFigures, lesions: lesions)
    return Result(report: report, labels: labels, diagnosticMaps: detected.diagnosticMaps)
  }

  static func validate(_ inputs: StudyInputs) throws(AnalysisError) {
    let grid = inputs.native.grid
    for (role, volume) in [(StudyRole.arterial, inputs.arterial), (.venous, inputs.venous), (.delayed, inputs.delayed)] {
      guard let volume else { continue }
      guard volume.grid.occupiesSameSpace(as: grid) else { throw .gridDiffers(role: role) }
    }
    guard inputs.liverMask.grid.occupiesSameSpace(as: grid) else { throw .gridDiffers(role: .liverMask) }
    guard inputs.liverMask.voxels.contains(where: { $0 != 0 }) else { throw .emptyLiverMask }
    for (role, volume) in [(StudyRole.native, inputs.native), (.arterial, inputs.arterial)] {
      guard volume.voxels.contains(where: { $0 != 0 && $0.isFinite }) else { throw .blank(role: role) }
    }
    // T2 and ADC must cover the liver: its bounding box centre must map inside their grids.
    var others = inputs.t2.map { (StudyRole.t2($0.name), $0.volume) }
    if let adc = inputs.adc { others.append((.adc, adc)) }
    let box = liverBox(inputs.liverMask)
    let centre = inputs.liverMask.grid.voxelToWorld.apply(
      SIMD3<Double>(Double(box.lower.x + box.upper.x), Double(box.lower.y + box.upper.y), Double(box.lower.z + box.upper.z)) / 2)
    for (role, volume) in others {
      guard let sampler = WorldSampler(volume) else { throw .cannotRelate(role: role, reason: "its affine is singular") }
      guard sampler.value(at: centre) != nil else {
        throw .cannotRelate(role: role, reason: "it does not cover the liver (world coordinates of the sform/qform)")
      }
    }
  }

  /// Inclusive voxel bounds of the liver mask (which validation has found non-empty).
  static func liverBox(_ mask: Volume<UInt8>) -> (lower: SIMD3<Int>, upper: SIMD3<Int>) {
    mask.nonZeroBounds() ?? (SIMD3(0, 0, 0), mask.grid.dims &- 1)
  }

  /// Offsets of liver voxels outside every lesion.
  static func parenchyma(liver: Volume<UInt8>, labels: LabelVolume) -> [Int] {
    var offsets: [Int] = []
    liver.voxels.withUnsafeBufferPointer { m in
      switch labels.storage {
      case .uint16(let l): l.withUnsafeBufferPointer { l in for n in 0..<m.count where m[n] != 0 && l[n] == 0 { offsets.append(n) } }
      case .uint32(let l): l.withUnsafeBufferPointer { l in for n in 0..<m.count where m[n] != 0 && l[n] == 0 { offsets.append(n) } }
      }
    }
    return offsets
  }

  static func classShares(_ lesions: [LesionReport]) -> [String: [String: Double]] {
    guard !lesions.isEmpty else { return [:] }
    func shares(_ values: [String]) -> [String: Double] {
      Dictionary(grouping: values, by: { $0 }).mapValues { Double($0.count) / Double(values.count) }
    }
    var out: [String: [String: Double]] = [
      "shape": shares(lesions.map(\.shape.shapeClass.rawValue)), "surface": shares(lesions.map(\.shape.surfaceClass.rawValue)),
      "contour": shares(lesions.map(\.shape.contourClass.rawValue)),
    ]
    for phase in ["arterial", "venous", "delayed"] {
      let grades = lesions.compactMap { $0.enhancement[phase]?.grade.rawValue }
      if !grades.isEmpty { out["enhancement." + phase] = shares(grades) }
    }
    for name in Set(lesions.flatMap { $0.signal.keys }).sorted() {
      out["signal." + name] = shares(lesions.compactMap { $0.signal[name]?.grade.rawValue })
    }
    return out
  }
}

/// Parenchyma medians of the phases, the reference for each grade.
struct PhaseReferences: Sendable {
  var native: Double
  var arterial: Double
  var venous: Double?
  var delayed: Double?
  var arterialSubtraction: Double
}

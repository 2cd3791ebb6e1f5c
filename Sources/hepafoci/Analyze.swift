import ArgumentParser
import Crypto
import Dispatch
import FociAnalysis
import FociCore
import FociDetection
import FociNIfTI
import FociRegistration
import Foundation

struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Detect and measure the arterial-phase foci of one study.",
    discussion: """
      Give a study folder holding the phantom's file names (native, arterial, venous, delayed, \
      t2 and t2_*, adc, liver_mask; .nii.gz or .nii; venous, delayed, T2 and ADC optional), or \
      name each file with --native, --arterial, ... (these override the folder's). Writes \
      lesions.json (schema/lesions.schema.json: every measurement, the settings used and the \
      inputs' SHA-256) and labels.nii.gz (lesion ids in the native geometry) into --out, each \
      written whole or not at all, and prints a short summary.
      """)

  @Argument(help: "Study folder (optional when every file is named).", completion: .directory)
  var study: String?

  @Option(help: "Native (pre-contrast) T1.", completion: .file()) var native: String?
  @Option(help: "Arterial-phase T1.", completion: .file()) var arterial: String?
  @Option(help: "Portal-venous T1.", completion: .file()) var venous: String?
  @Option(help: "Delayed T1.", completion: .file()) var delayed: String?
  @Option(help: "A T2-weighted image, on any grid (repeatable).", completion: .file()) var t2: [String] = []
  @Option(help: "ADC map in 10⁻⁶ mm²/s, on any grid.", completion: .file()) var adc: String?
  @Option(help: "Liver mask (non-zero = liver), on the native grid.", completion: .file()) var liverMask: String?

  @Option(help: "Output folder (created if needed).", completion: .directory) var out: String

  @Option(help: "Detection threshold: median + K·1.4826·MAD of the liver's subtraction.") var k = 3.0
  @Option(help: "Absolute detection threshold (scanner units) instead of the MAD rule.") var threshold: Double?
  @Option(help: "Gaussian pre-smoothing of the subtraction, σ in mm (0 = none).") var smoothing = 0.0
  @Option(help: "Connectivity of foci: 6, 18 or 26.") var connectivity: Connectivity = .corners26
  @Option(help: "Smallest focus kept, in voxels.") var minVoxels = 3
  @Flag(help: "Do not fill the holes foci enclose (the lesion is then the enhancing part only).") var noFillHoles = false
  @Flag(help: "Do not correct breath-hold shifts between phases.") var noMotionCorrection = false
  @Flag(help: "Arterial subtraction only: no second channel for lesions darker than the liver around them on native T1 (off vessels) or in the venous phase.")
  var noHypointense = false
  @Option(help: "Hypointense channel: seeds at median + K·1.4826·MAD of the parenchyma's darkness.") var hypointenseK = 4.0
  @Option(help: "Hypointense channel: seeds at least this much darker than the local liver (0.10 = 10 %).") var hypointenseContrast = 0.10
  @Option(help: "Hypointense channel: regions grow into voxels over this share of the seed threshold.") var hypointenseGrow = 1.0
  @Option(help: "Hypointense channel: smoothing inside the liver, σ in mm.") var hypointenseSmoothing = 2.0
  @Option(help: "Hypointense channel: native-dark voxels brighter in the venous phase by this share of their native darkness are vessels.")
  var hypointenseVesselExcess = 0.2
  @Option(help: "Hypointense channel: lesion cores (watershed markers) score over this multiple of the seed threshold.")
  var hypointenseCore = 2.0
  @Option(help: "Hypointense channel: smallest region kept, in voxels.") var hypointenseMinVoxels = 10
  @Flag(help: "Hypointense channel: only regions with a core (see --hypointense-core) are lesions.") var hypointenseCoresOnly = false
  @Option(help: "Largest shift applied by motion correction, mm.") var maxShift = 20.0
  @Option(help: "Weakest correlation peak (0...1) accepted by motion correction.") var minPeak = 0.05
  @Option(help: "Signal and enhancement class cut-off: ±this ratio against the parenchyma.") var signalCutoff = 0.10
  @Option(help: "Avascular: subtraction under this many robust SDs of the parenchyma's, in each phase.") var avascularK = 3.0
  @Option(help: "Lesions with a max 3D diameter under this (mm) are flagged small.") var smallDiameter = 5.0
  @Option(help: "Blood products: flagged when at least this share of voxels is bright on native T1.") var bloodProductsShare = 0.10
  @Option(help: "Shape: irregular under this solidity (voxels over the digital convex hull's).") var irregularSolidity = 0.90
  @Option(help: "Shape: oval from this ratio of the longest to the middle principal axis.") var ovalAxisRatio = 1.4
  @Option(help: "Surface: lobulated under this convexity (hull surface over lesion surface).") var lobulatedConvexity = 0.97
  @Option(help: "Contour: blurred from this edge width, mm (contrast over boundary gradient).") var blurredEdge = 5.3
  @Option(help: "Capsule contact distance, mm (0 = the largest voxel side).") var capsuleContact = 0.0
  @Option(help: "Shunt-like: touching the capsule with at least this share in the third of its depth nearest it (no T2 given).") var shuntBaseShare = 0.55
  @Option(help: "Shunt-like: the same share when a T2 is given (T2-bright lesions are never shunt-like).") var shuntBaseShareWithT2 = 0.40
  @Flag(help: "Print the whole lesions.json on standard output instead of the summary.") var json = false

  func validate() throws {
    guard study != nil || (native != nil && arterial != nil && liverMask != nil) else {
      throw ValidationError("Give a study folder, or at least --native, --arterial and --liver-mask.")
    }
    guard minVoxels >= 1 else { throw ValidationError("--min-voxels must be at least 1.") }
    guard k > 0, smoothing >= 0, maxShift > 0, (0...1).contains(minPeak), signalCutoff > 0, avascularK > 0 else {
      throw ValidationError("--k, --signal-cutoff and --avascular-k must be positive, --smoothing not negative, --min-peak within 0...1.")
    }
    for (name, value) in [("--blood-products-share", bloodProductsShare), ("--irregular-solidity", irregularSolidity), ("--shunt-base-share", shuntBaseShare), ("--shunt-base-share-with-t2", shuntBaseShareWithT2)]
    where !(0...1).contains(value) {
      throw ValidationError("\(name) must be within 0...1.")
    }
    guard hypointenseK > 0, hypointenseContrast >= 0, hypointenseSmoothing >= 0, hypointenseVesselExcess >= 0, hypointenseCore >= 1, hypointenseMinVoxels >= 1, (0...1).contains(hypointenseGrow), hypointenseGrow > 0 else {
      throw ValidationError("--hypointense-k must be positive, --hypointense-contrast, --hypointense-smoothing and --hypointense-vessel-excess not negative, --hypointense-grow within (0, 1], --hypointense-core and --hypointense-min-voxels at least 1.")
    }
    guard ovalAxisRatio >= 1, lobulatedConvexity > 0, blurredEdge > 0, capsuleContact >= 0 else {
      throw ValidationError("--oval-axis-ratio must be at least 1, --lobulated-convexity and --blurred-edge positive, --capsule-contact not negative.")
    }
  }

  var settings: AnalysisSettings {
    var s = AnalysisSettings()
    s.detection.threshold = threshold.map { .absolute($0) } ?? .robust(k: k)
    s.detection.smoothingSigmaMM = smoothing
    s.detection.connectivity = connectivity
    s.detection.minimumVoxels = minVoxels
    s.detection.fillHoles = !noFillHoles
    if noMotionCorrection {
      s.detection.motionCorrection = nil
    } else {
      var m = MotionCorrection()
      m.maximumShiftMM = maxShift
      m.minimumPeak = minPeak
      s.detection.motionCorrection = m
    }
    if noHypointense {
      s.detection.hypointense = nil
    } else {
      var h = HypointenseChannel()
      h.k = hypointenseK
      h.minimumContrast = hypointenseContrast
      h.growFraction = hypointenseGrow
      h.smoothingSigmaMM = hypointenseSmoothing
      h.vesselVenousExcess = hypointenseVesselExcess
      h.coreFactor = hypointenseCore
      h.minimumVoxels = hypointenseMinVoxels
      h.markersWithoutCore = !hypointenseCoresOnly
      s.detection.hypointense = h
    }
    s.signalCutoff = signalCutoff
    s.avascularK = avascularK
    s.smallDiameterMM = smallDiameter
    s.bloodProductsMinShare = bloodProductsShare
    s.irregularSolidityBelow = irregularSolidity
    s.ovalAxisRatio = ovalAxisRatio
    s.lobulatedConvexityBelow = lobulatedConvexity
    s.blurredEdgeWidthMM = blurredEdge
    s.capsuleContactMM = capsuleContact
    s.shuntBaseShare = shuntBaseShare
    s.shuntBaseShareWithT2 = shuntBaseShareWithT2
    return s
  }

  func run() throws {
    let started = Date()
    let files = try StudyFiles(folder: study, native: native, arterial: arterial, venous: venous, delayed: delayed, t2: t2, adc: adc, liverMask: liverMask)
    let settings = self.settings
    try ExitStatus.mappingInputErrors {
      let (inputs, records) = try files.load()
      let loaded = Date()
      let result: StudyAnalysis.Result
      do {
        result = try StudyAnalysis.analyze(inputs, settings: settings)
      } catch let error as AnalysisError {
        let file = error.role.flatMap { files.path(of: $0) }
        ExitStatus.report((file.map { "\($0): " } ?? "") + error.description)
        throw ExitCode(ExitStatus.dataError)
      }
      let analysed = Date()
      try ExitStatus.makeOutputFolder(out)
      try NIfTIWriter.write(result.labels, to: out + "/labels.nii.gz")
      let document = LesionsDocument(
        settings: settings, inputs: records, report: result.report,
        timings: ["readSeconds": loaded.timeIntervalSince(started), "analysisSeconds": analysed.timeIntervalSince(loaded)])
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
      let data = try encoder.encode(document)
      do {
        try data.write(to: URL(fileURLWithPath: out + "/lesions.json"), options: .atomic)
      } catch {
        ExitStatus.report("\(out)/lesions.json: could not be written: \(error.localizedDescription)")
        throw ExitCode(ExitStatus.cannotCreate)
      }
      if json {
        print(String(decoding: data, as: UTF8.self))
      } else {
        print(Self.summary(result.report, out: out))
      }
    }
  }

  /// A few lines a reader takes in at a glance.
  static func summary(_ report: StudyReport, out: String) -> String {
    let s = report.summary
    var lines = [
      String(format: "%d lesions, burden %.1f %% of a %.0f ml liver", s.lesionCount, s.burdenPercent, s.liverVolumeML)
    ]
    if let largest = report.lesions.max(by: { $0.geometry.feretDiameterMM < $1.geometry.feretDiameterMM }) {
      let g = largest.geometry
      lines.append(String(
        format: "largest: lesion %d, %.1f mm (axial %.1f × %.1f mm), %.2f ml, %@, arterial %@", largest.id, g.feretDiameterMM,
        g.axialLongDiameterMM, g.axialShortDiameterMM, g.volumeMM3 / 1000, largest.shape.shapeClass.rawValue,
        largest.enhancement["arterial"]?.grade.rawValue ?? "-"))
    }
    let f = s.flagCounts
    lines.append(
      "flags: \(f["small"] ?? 0) small, \(f["arterialOnly"] ?? 0) arterial-only, \(f["shuntLike"] ?? 0) shunt-like, "
        + "\(f["avascular"] ?? 0) with avascular zones, \(f["bloodProducts"] ?? 0) with blood products")
    let motion = ["arterial", "venous", "delayed"].compactMap { phase in
      report.motion[phase].map { String(format: "%@ %.1f mm %@", phase, $0.magnitudeMM, $0.decision) }
    }
    lines.append("motion: " + motion.joined(separator: ", "))
    lines.append("written: \(out)/lesions.json, \(out)/labels.nii.gz")
    return lines.joined(separator: "\n")
  }
}

/// The input files of one study by role.
struct StudyFiles {
  var native: String
  var arterial: String
  var venous: String?
  var delayed: String?
  var t2: [String]
  var adc: String?
  var liverMask: String

  /// Files named explicitly win over the folder's; the folder is searched for `ROLE.nii.gz`,
  /// then `ROLE.nii` (and `t2_*` for more T2 images).
  init(
    folder: String?, native: String?, arterial: String?, venous: String?, delayed: String?, t2: [String], adc: String?,
    liverMask: String?
  ) throws {
    let fm = FileManager.default
    func find(_ stem: String) -> String? {
      guard let folder else { return nil }
      return [".nii.gz", ".nii"].map { folder + "/" + stem + $0 }.first { fm.fileExists(atPath: $0) }
    }
    if let folder {
      var isFolder: ObjCBool = false
      guard fm.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
        ExitStatus.report("\(folder): no such study folder")
        throw ExitCode(ExitStatus.noInput)
      }
    }
    func required(_ given: String?, _ stem: String, _ role: String) throws -> String {
      if let path = given ?? find(stem) { return path }
      ExitStatus.report("\(folder ?? "."): the \(role) is missing (no \(stem).nii.gz or \(stem).nii, and no --\(stem.replacingOccurrences(of: "_", with: "-")))")
      throw ExitCode(ExitStatus.noInput)
    }
    self.native = try required(native, "native", "native T1")
    self.arterial = try required(arterial, "arterial", "arterial T1")
    self.liverMask = try required(liverMask, "liver_mask", "liver mask")
    self.venous = venous ?? find("venous")
    self.delayed = delayed ?? find("delayed")
    self.adc = adc ?? find("adc")
    if !t2.isEmpty {
      self.t2 = t2
    } else if let folder {
      let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
      self.t2 = names.filter { n in
        (n.hasPrefix("t2.") || n.hasPrefix("t2_")) && (n.hasSuffix(".nii.gz") || n.hasSuffix(".nii"))
      }.sorted().map { folder + "/" + $0 }
    } else {
      self.t2 = []
    }
  }

  /// The name a T2 file is reported under: its file name without extension.
  static func stem(_ path: String) -> String {
    var name = String(path.split(separator: "/").last ?? Substring(path))
    for ext in [".nii.gz", ".nii"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
    return name
  }

  /// Every input with its role, required ones first.
  var roles: [(role: StudyRole, path: String)] {
    var all: [(StudyRole, String)] = [(.native, native), (.arterial, arterial), (.liverMask, liverMask)]
    if let venous { all.append((.venous, venous)) }
    if let delayed { all.append((.delayed, delayed)) }
    if let adc { all.append((.adc, adc)) }
    for path in t2 { all.append((.t2(Self.stem(path)), path)) }
    return all
  }

  /// The file behind an `AnalysisError` role.
  func path(of role: StudyRole) -> String? { roles.first { $0.role == role }?.path }

  /// Reads every file (several at once) and digests each.
  func load() throws(NIfTIError) -> (StudyInputs, [InputRecord]) {
    let jobs = roles
    enum Loaded { case image(Volume<Float>), mask(Volume<UInt8>) }
    let results = concurrentResults(count: jobs.count) { index in
      let job = jobs[index]
      return Result { () throws(NIfTIError) -> (Loaded, String) in
        let loaded: Loaded = job.role == .liverMask ? .mask(try NIfTIReader.readMask(job.path)) : .image(try NIfTIReader.read(job.path).volume)
        return (loaded, Self.sha256(job.path))
      }
    }
    var images: [StudyRole: Volume<Float>] = [:]
    var t2Images: [StudyInputs.Named] = []
    var mask: Volume<UInt8>?
    var records: [InputRecord] = []
    for (index, job) in jobs.enumerated() {
      let (loaded, digest) = try results[index].get()
      records.append(InputRecord(role: job.role.key, path: job.path, sha256: digest))
      switch (loaded, job.role) {
      case (.mask(let m), _): mask = m
      case (.image(let v), .t2(let name)): t2Images.append(StudyInputs.Named(name: name, volume: v))
      case (.image(let v), let role): images[role] = v
      }
    }
    let inputs = StudyInputs(
      native: images[.native]!, arterial: images[.arterial]!, venous: images[.venous], delayed: images[.delayed],
      t2: t2Images, adc: images[.adc], liverMask: mask!)
    return (inputs, records)
  }

  /// SHA-256 of a file's bytes, hex; empty if it cannot be read (the reader has just read it).
  static func sha256(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }
}

/// One input of lesions.json.
struct InputRecord: Codable {
  var role: String
  var path: String
  var sha256: String
}

/// lesions.json.
struct LesionsDocument: Encodable {
  var schema = "hepafoci.lesions"
  var schemaVersion = "1.0.0"
  var softwareVersion = SoftwareVersion.string
  var settings: AnalysisSettings
  var inputs: [InputRecord]
  var summary: StudySummary
  var detection: DetectionFigures
  var motion: [String: MotionReport]
  var parenchyma: [String: ParenchymaFigures]
  var lesions: [LesionReport]
  var timings: [String: Double]

  init(settings: AnalysisSettings, inputs: [InputRecord], report: StudyReport, timings: [String: Double]) {
    self.settings = settings
    self.inputs = inputs
    summary = report.summary
    detection = report.detection
    motion = report.motion
    parenchyma = report.parenchyma
    lesions = report.lesions
    self.timings = timings
  }
}

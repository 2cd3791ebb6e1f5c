import FociAnalysis
import FociCore
import Foundation

/// The cohort files written beside the study folders: studies.tsv, lesions.tsv, failures.tsv
/// and cohort.json, built from the study folders alone, so `cohort` and `merge` give the same
/// bytes for the same studies. Rows are in byte order of the study id.
public enum CohortTables {
  public static let fileNames = ["studies.tsv", "lesions.tsv", "failures.tsv", "cohort.json"]

  /// cohort.json.
  public struct Document: Sendable, Codable, Equatable {
    public var schema = "hepafoci.cohort"
    public var schemaVersion = "1.0.0"
    public var softwareVersion = SoftwareVersion.string
    /// Studies with a folder: analysed and failed.
    public var studies: Int
    public var analysed: Int
    public var failed: Int
    /// The settings shared by every analysed study; nil when they differ (studies run with
    /// different settings were merged).
    public var settings: AnalysisSettings?
    public var statistics: CohortStatistics
    /// SPEC §7's clinical figures for the same keys, to read beside `statistics`.
    public var reference: Reference = Reference()

    public struct Reference: Sendable, Codable, Equatable {
      public var lesionCount = ClinicalReference.lesionCount
      public var burdenPercent = ClinicalReference.burdenPercent
      public var smallestLesionMM = ClinicalReference.smallestLesionMM
      public var largestLesionMM = ClinicalReference.largestLesionMM
      public var largestAvascularZoneMM = ClinicalReference.largestAvascularZoneMM
      public var patientShares = ClinicalReference.patientShares
      public var classShares = ClinicalReference.classShares
    }
  }

  /// The studies of a cohort folder, each study folder read once, and the four files made
  /// from them: what `cohort` and `merge` write and `report.html` shows.
  public struct Summary: Sendable {
    /// Analysed studies with their lesions.json, in byte order of the id.
    public var analysed: [(id: String, document: LesionsDocument)]
    /// Failed studies, in the same order.
    public var failed: [StudyFailure]
    /// cohort.json.
    public var document: Document
    /// The four files' contents by name.
    public var files: [String: Data]
  }

  /// The summary of the studies of `folder` named by `ids` (those without a readable folder
  /// are left out).
  public static func summarize(folder: CohortFolder, ids: [String]) -> Summary {
    let sorted = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let states = concurrentResults(count: sorted.count) { Result<CohortFolder.StudyState, Never>.success(folder.state(of: sorted[$0])) }
    var done: [(id: String, document: LesionsDocument)] = []
    var failed: [StudyFailure] = []
    for (id, state) in zip(sorted, states) {
      switch state {
      case .success(.done(let d)): done.append((id, d))
      case .success(.failed(let f)): failed.append(f)
      default: break
      }
    }
    let settings = Set(done.map(\.document.settings))
    let document = Document(
      studies: done.count + failed.count, analysed: done.count, failed: failed.count,
      settings: settings.count == 1 ? settings.first : nil, statistics: CohortStatistics(done.map(\.document)))
    let failedIDs = Set(failed.map(\.studyID))
    let documents = Dictionary(done.map { ($0.id, $0.document) }, uniquingKeysWith: { a, _ in a })
    var studyRows = [studyColumns]
    for id in sorted {
      if let d = documents[id] {
        studyRows.append(studyRow(id, d))
      } else if failedIDs.contains(id) {
        studyRows.append([id, "failed"] + Array(repeating: "", count: studyColumns.count - 2))
      }
    }
    var lesionRows = [lesionColumns]
    for (id, d) in done { lesionRows += d.lesions.map { lesionRow(id, $0) } }
    var failureRows = [["study_id", "stage", "message"]]
    failureRows += failed.map { [$0.studyID, $0.stage.rawValue, $0.message] }
    let files = [
      "studies.tsv": tsv(studyRows), "lesions.tsv": tsv(lesionRows), "failures.tsv": tsv(failureRows),
      "cohort.json": (try? OutputJSON.encoder.encode(document)) ?? Data(),
    ]
    return Summary(analysed: done, failed: failed, document: document, files: files)
  }

  /// Writes the files into the folder, each atomically, after sweeping temporaries that a
  /// killed run left half-written beside them.
  public static func write(_ files: [String: Data], into folder: CohortFolder) throws(StudyError) {
    AtomicFile.removeStaleTemporaries(in: folder.path)
    for name in fileNames {
      try StudyPipeline.writeAtomically(files[name] ?? Data(), to: folder.path + "/" + name)
    }
  }

  static let studyColumns = [
    "study_id", "status", "lesions", "burden_percent", "liver_ml", "lesion_ml", "smallest_mm", "largest_mm", "largest_avascular_mm",
    "small", "arterial_only", "shunt_like", "with_avascular", "blood_products", "fluid_level", "arterial_shift_mm",
    "venous_shift_mm", "delayed_shift_mm", "threshold",
  ]

  static func studyRow(_ id: String, _ d: LesionsDocument) -> [String] {
    let s = d.summary
    let f = s.flagCounts
    return [
      id, "done", "\(s.lesionCount)", number(s.burdenPercent), number(s.liverVolumeML), number(s.lesionVolumeML),
      number(s.smallestLesionMM), number(s.largestLesionMM), number(s.largestAvascularZoneMM), "\(f["small"] ?? 0)",
      "\(f["arterialOnly"] ?? 0)", "\(f["shuntLike"] ?? 0)", "\(f["avascular"] ?? 0)", "\(f["bloodProducts"] ?? 0)",
      "\(f["fluidLevel"] ?? 0)", number(d.motion["arterial"]?.magnitudeMM), number(d.motion["venous"]?.magnitudeMM),
      number(d.motion["delayed"]?.magnitudeMM), number(d.detection.threshold),
    ]
  }

  static let lesionColumns = [
    "study_id", "lesion_id", "x_mm", "y_mm", "z_mm", "voxels", "volume_ml", "max_diameter_mm", "axial_long_mm", "axial_short_mm",
    "equivalent_diameter_mm", "shape", "surface", "contour", "arterial", "venous", "delayed", "native_t1", "t2",
    "avascular_share", "largest_avascular_mm", "capsule_distance_mm", "small", "arterial_only", "shunt_like", "blood_products",
    "fluid_level", "mean_adc", "channel",
  ]

  static func lesionRow(_ id: String, _ l: LesionReport) -> [String] {
    let g = l.geometry
    let centre = g.centroidMM + Array(repeating: Double.nan, count: max(0, 3 - g.centroidMM.count))
    return [
      id, "\(l.id)", number(centre[0]), number(centre[1]), number(centre[2]), "\(g.voxelCount)", number(g.volumeMM3 / 1000),
      number(g.maxDiameterMM), number(g.axialLongDiameterMM), number(g.axialShortDiameterMM), number(g.equivalentSphereDiameterMM),
      l.shape.shapeClass.rawValue, l.shape.surfaceClass.rawValue, l.shape.contourClass.rawValue,
      l.enhancement["arterial"]?.grade.rawValue ?? "", l.enhancement["venous"]?.grade.rawValue ?? "",
      l.enhancement["delayed"]?.grade.rawValue ?? "", l.signal["nativeT1"]?.grade.rawValue ?? "", l.signal["t2"]?.grade.rawValue ?? "",
      number(l.avascular.share), number(l.avascular.largestZoneDiameterMM), number(l.capsule.distanceMM), flag(l.flags.small),
      flag(l.flags.arterialOnly), flag(l.flags.shuntLike), flag(l.bloodProducts.present), flag(l.fluidLevel.present), number(l.meanADC),
      l.detectedBy?.channel.rawValue ?? "",
    ]
  }

  /// Four decimals, no trailing noise; empty for nil or non-finite.
  static func number(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "" }
    return String(format: "%.4f", value)
  }

  static func flag(_ value: Bool) -> String { value ? "1" : "0" }

  /// Tab-separated lines; tabs and line breaks inside a cell become spaces.
  static func tsv(_ rows: [[String]]) -> Data {
    let text = rows.map { row in
      row.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\t")
    }.joined(separator: "\n")
    return Data((text + "\n").utf8)
  }
}

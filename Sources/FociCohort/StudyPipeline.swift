import FociAnalysis
import FociCore
import FociNIfTI
import Foundation

/// One study from files to outputs: read, analyse, write lesions.json and labels.nii.gz.
/// `analyze` runs it once; `cohort` once per study.
public enum StudyPipeline {
  /// What one study gave.
  public struct Outcome: Sendable {
    public var document: LesionsDocument
    public var labels: LabelVolume
    public var report: StudyReport
    /// The images analysed, for outputs drawn from them (QC pictures).
    public var inputs: StudyInputs
    /// Detection's intermediate maps, when asked for.
    public var diagnosticMaps: [DiagnosticMap]?
  }

  /// Reads `files` and analyses them with `settings`. With `timings`, lesions.json records the
  /// read and analysis wall times; with `diagnostics`, the outcome keeps detection's maps.
  public static func run(
    _ files: StudyFiles, settings: AnalysisSettings, timings: Bool = true, diagnostics: Bool = false
  ) throws(StudyError) -> Outcome {
    let started = Date()
    let (inputs, records) = try StageClock.measure("study.read") { () throws(StudyError) in try files.load() }
    let loaded = Date()
    let result: StudyAnalysis.Result
    do {
      result = try StudyAnalysis.analyze(inputs, settings: settings, diagnostics: diagnostics)
    } catch {
      let file = error.role.flatMap { files.path(of: $0) }
      throw StudyError(stage: .analyze, kind: .badData, message: (file.map { "\($0): " } ?? "") + error.description)
    }
    let times = timings ? ["readSeconds": loaded.timeIntervalSince(started), "analysisSeconds": Date().timeIntervalSince(loaded)] : nil
    let document = LesionsDocument(settings: settings, inputs: records, report: result.report, timings: times)
    return Outcome(
      document: document, labels: result.labels, report: result.report, inputs: inputs, diagnosticMaps: result.diagnosticMaps)
  }

  /// Writes each of detection's maps as `<name>.nii.gz` (float32, the native geometry) into
  /// the existing `folder`, each under a temporary name renamed when complete, and a
  /// `maps.tsv` saying what each holds. Returns the paths written.
  @discardableResult
  public static func writeDiagnosticMaps(_ maps: [DiagnosticMap], into folder: String) throws(StudyError) -> [String] {
    var written: [String] = []
    for map in maps {
      let path = folder + "/" + map.name + ".nii.gz"
      var options = NIfTIWriter.Options()
      options.description = "HepaFoci \(map.name)"
      do {
        try NIfTIWriter.write(map.volume, to: path, options: options)
      } catch {
        throw StudyError(error, stage: .write)
      }
      written.append(path)
    }
    let table = "file\tmeaning\n" + maps.map { "\($0.name).nii.gz\t\($0.meaning)\n" }.joined()
    try writeAtomically(Data(table.utf8), to: folder + "/maps.tsv")
    return written + [folder + "/maps.tsv"]
  }

  /// Writes labels.nii.gz and lesions.json into the existing `folder`, each under a temporary
  /// name renamed when complete. Returns the JSON written.
  @discardableResult
  public static func write(_ outcome: Outcome, into folder: String) throws(StudyError) -> Data {
    let clock = StageClock.start()
    defer { StageClock.record("study.write", since: clock) }
    do {
      try NIfTIWriter.write(outcome.labels, to: folder + "/labels.nii.gz")
    } catch {
      throw StudyError(error, stage: .write)
    }
    let data: Data
    do { data = try outcome.document.encoded() } catch {
      throw StudyError(stage: .write, kind: .badData, message: "\(folder)/lesions.json: cannot be encoded: \(error)")
    }
    try writeAtomically(data, to: folder + "/lesions.json")
    return data
  }

  /// Writes `data` to `path` through a temporary file in the same folder.
  public static func writeAtomically(_ data: Data, to path: String) throws(StudyError) {
    do {
      try AtomicFile.write(path, bytes: data)
    } catch {
      throw StudyError(stage: .write, kind: .cannotWrite, message: error.description)
    }
  }
}

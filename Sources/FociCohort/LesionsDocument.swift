import FociAnalysis
import FociCore
import Foundation

/// lesions.json (`schema/lesions.schema.json`): one study's settings, inputs with digests,
/// motion, summary and lesions.
public struct LesionsDocument: Sendable, Codable {
  public var schema = "hepafoci.lesions"
  public var schemaVersion = "1.3.0"
  public var softwareVersion = SoftwareVersion.string
  public var settings: AnalysisSettings
  public var inputs: [InputRecord]
  public var summary: StudySummary
  public var detection: DetectionFigures
  public var motion: [String: MotionReport]
  public var parenchyma: [String: ParenchymaFigures]
  public var lesions: [LesionReport]
  /// Wall times of the run; `analyze` writes them, `cohort` leaves them out so that a study's
  /// outputs depend on its inputs and settings only.
  public var timings: [String: Double]?

  public init(settings: AnalysisSettings, inputs: [InputRecord], report: StudyReport, timings: [String: Double]? = nil) {
    self.settings = settings
    self.inputs = inputs
    summary = report.summary
    detection = report.detection
    motion = report.motion
    parenchyma = report.parenchyma
    lesions = report.lesions
    self.timings = timings
  }

  /// The document in `OutputJSON`'s form.
  public func encoded() throws -> Data {
    try OutputJSON.encoder.encode(self)
  }

  public static func decode(_ data: Data) throws -> LesionsDocument {
    try OutputJSON.decoder.decode(LesionsDocument.self, from: data)
  }
}

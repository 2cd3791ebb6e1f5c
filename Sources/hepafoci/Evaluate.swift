import ArgumentParser
import Dispatch
import FociCohort
import FociCore
import FociDetection
import FociEvaluation
import FociNIfTI
import FociPhantom
import Foundation

extension LesionMatching.Rule: ExpressibleByArgument {}

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure detection against ground truth: sensitivity by size, false positives, FROC, Dice, size errors.",
    discussion: """
      --truth is a manifest (study_id and truth columns, as the phantom writes; optional \
      truth_mimics, native, arterial, liver_mask), a folder holding manifest.tsv, one study \
      folder with truth_labels.nii.gz, or a folder of such study folders. Any label map of \
      lesion ids works as truth; the phantom's truth.json beside it gives the true continuous \
      sizes and burden, and truth_mimics.nii.gz its lesion look-alikes. --pred is an analyze \
      output folder (one study) or a folder of them named by study id, each with labels.nii.gz \
      and, from analyze, lesions.json.

      Matching is one-to-one: candidates share voxels with IoU ≥ --min-iou or one holds half \
      of the other (--match overlap), or the true lesion holds the prediction's centroid \
      (--match centroid); pairs are taken by decreasing IoU. A lesion held by a detection matched to another \
      lesion is merged (counted missed); a detection inside a lesion matched to another is a \
      split fragment (not a false positive); an unmatched detection of a mimic is counted \
      apart. The FROC reruns detection of each study at every --froc-k on one preparation \
      (read, motion correction and subtraction once), with the detection settings in its \
      lesions.json. Writes evaluation.json (schema/evaluation.schema.json), lesions.tsv and \
      froc.tsv into --out.
      """)

  @Option(help: "Ground truth: manifest, cohort folder, study folder or folder of study folders.", completion: .file())
  var truth: String
  @Option(help: "Predictions: analyze output folder, or a folder of them named by study id.", completion: .directory)
  var pred: String
  @Option(help: "Report folder (created if needed).", completion: .directory)
  var out: String
  @Option(help: "Candidate rule: overlap or centroid.") var match: LesionMatching.Rule = .overlap
  @Option(name: .customLong("min-iou"), help: "Overlap rule: smallest IoU of a candidate pair.") var minIoU = 0.1
  @Option(help: "FROC thresholds, k of the MAD rule, comma-separated.") var frocK = "1.5,2,2.5,2.75,3,3.25,3.5,4,5,6,8,10,12,15,20"
  @Flag(help: "Skip the FROC sweep (no detection inputs are read).") var noFroc = false
  @Flag(help: "Print evaluation.json on standard output instead of the table.") var json = false

  var thresholds: [Double] { frocK.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

  func validate() throws {
    guard (0...1).contains(minIoU), minIoU > 0 else { throw ValidationError("--min-iou must be within (0, 1].") }
    let values = frocK.split(separator: ",")
    guard !values.isEmpty, thresholds.count == values.count, thresholds.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw ValidationError("--froc-k must be positive numbers separated by commas (got \(frocK)).")
    }
  }

  /// What one study contributes.
  struct StudyOutcome {
    var evaluation: StudyEvaluation
    var froc: Result<[Double: FROC.Counts], EvaluationInputError>?
    /// What the class shares are compared from, when both are there.
    var document: LesionsDocument?
    var phantomTruth: PhantomTruth?
  }

  func run() throws {
    let criteria = LesionMatching.Criteria(rule: match, minimumIoU: minIoU)
    let studies: [EvaluationStudy]
    do { studies = try EvaluationSources.studies(truth: truth, predictions: pred) } catch {
      ExitStatus.report(error.description)
      throw ExitCode(error.code)
    }
    let sweep = noFroc ? nil : thresholds
    let results = concurrentResults(count: studies.count) { index in
      Result { () throws(EvaluationInputError) -> StudyOutcome in
        try Self.evaluate(studies[index], criteria: criteria, thresholds: sweep)
      }
    }
    var outcomes: [StudyOutcome] = []
    for result in results {
      switch result {
      case .success(let outcome): outcomes.append(outcome)
      case .failure(let error):
        ExitStatus.report(error.description)
        throw ExitCode(error.code)
      }
    }

    let cohort = CohortEvaluation(outcomes.map(\.evaluation))
    var froc: FROC?
    var frocNote: String? = noFroc ? "--no-froc" : nil
    if !noFroc {
      var summed: [Double: FROC.Counts] = [:]
      for outcome in outcomes {
        switch outcome.froc! {
        case .success(let counts): for (k, c) in counts { summed[k] = (summed[k] ?? FROC.Counts()) + c }
        case .failure(let error): frocNote = frocNote ?? error.description
        }
      }
      if frocNote == nil { froc = FROC(counts: summed) }
    }
    let documents = outcomes.compactMap(\.document), truths = outcomes.compactMap(\.phantomTruth)
    let classes = documents.count == outcomes.count && truths.count == outcomes.count
      ? ClassShareComparison(measured: CohortStatistics(documents), truth: CohortTruthStatistics(truths)) : nil
    let document = EvaluationDocument(
      truth: truth, predictions: pred, matching: criteria, cohort: cohort, froc: froc, frocSkipped: frocNote,
      classShares: classes, studies: outcomes.map { StudyFigures($0.evaluation) })

    try ExitStatus.makeOutputFolder(out)
    let data = try OutputJSON.encoder.encode(document)
    try write(data, "evaluation.json")
    var designed: [String: [Int: PhantomTruth.Lesion]] = [:]
    for outcome in outcomes {
      guard let truth = outcome.phantomTruth else { continue }
      designed[outcome.evaluation.studyID] = Dictionary(truth.lesions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
    try write(Data(EvaluationTables.lesions(outcomes.map(\.evaluation), phantom: designed).utf8), "lesions.tsv")
    if let froc { try write(Data(EvaluationTables.froc(froc).utf8), "froc.tsv") }
    if json {
      print(String(decoding: data, as: UTF8.self))
    } else {
      print(EvaluationTables.summary(document, out: out))
    }
  }

  private func write(_ data: Data, _ name: String) throws {
    do {
      try AtomicFile.write(out + "/" + name, bytes: data)
    } catch {
      ExitStatus.report(error.description)
      throw ExitCode(ExitStatus.cannotCreate)
    }
  }

  static func evaluate(
    _ study: EvaluationStudy, criteria: LesionMatching.Criteria, thresholds: [Double]?
  ) throws(EvaluationInputError) -> StudyOutcome {
    let (truth, prediction, document, phantom) = try EvaluationSources.load(study)
    let evaluation = StudyEvaluation(truth: truth, prediction: prediction, criteria: criteria)
    func outcome(_ froc: Result<[Double: FROC.Counts], EvaluationInputError>?) -> StudyOutcome {
      StudyOutcome(evaluation: evaluation, froc: froc, document: document, phantomTruth: phantom)
    }
    guard let thresholds else { return outcome(nil) }
    // A study without detection inputs drops the FROC for all; a damaged input is an error.
    let native: String, arterial: String, mask: String, venous: String?, t2: String?, adc: String?
    switch EvaluationSources.detectionInputs(study, document) {
    case .failure(let why): return outcome(.failure(why))
    case .success(let paths): (native, arterial, mask, venous, t2, adc) = paths
    }
    let settings = document?.settings.detection ?? DetectionSettings()
    let preparation: FocusDetection.Preparation
    do {
      let n = try NIfTIReader.read(native).volume, a = try NIfTIReader.read(arterial).volume
      let m = try NIfTIReader.readMask(mask)
      guard m.grid.occupiesSameSpace(as: truth.labels.grid) else {
        throw EvaluationInputError("\(mask): not on the grid of \(study.truthLabels)")
      }
      let v = try venous.map { path throws(NIfTIError) in try NIfTIReader.read(path).volume }
      let t = try t2.map { path throws(NIfTIError) in try NIfTIReader.read(path).volume }
      let d = try adc.map { path throws(NIfTIError) in try NIfTIReader.read(path).volume }
      preparation = try FocusDetection.prepare(native: n, arterial: a, liverMask: m, venous: v, t2: t, adc: d, settings: settings)
    } catch let error as NIfTIError {
      throw EvaluationInputError(error)
    } catch let error as EvaluationInputError {
      throw error
    } catch {
      throw EvaluationInputError("\(study.id): detection for the FROC sweep failed: \(error)")
    }
    var ks = thresholds
    var reference: Double?
    if case .robust(let k) = settings.threshold {
      reference = k
      if !ks.contains(k) { ks.append(k) }
    }
    return outcome(.success(FROC.Counts.sweep(preparation, thresholds: ks, reference: reference, truth: truth, criteria: criteria)))
  }
}

/// evaluation.json.
struct EvaluationDocument: Encodable {
  var schema = "hepafoci.evaluation"
  var schemaVersion = "1.1.0"
  var softwareVersion = SoftwareVersion.string
  var truth: String
  var predictions: String
  var matching: LesionMatching.Criteria
  var sizeBins = SizeBin.allCases.map(\.rawValue)
  var cohort: CohortEvaluation
  var froc: FROC?
  /// Why there is no FROC (nil when there is one).
  var frocSkipped: String?
  /// Class shares recovered against the truth's (phantom truth.json and analyze's
  /// lesions.json for every study; nil otherwise).
  var classShares: ClassShareComparison?
  var studies: [StudyFigures]
}

/// The class shares of SPEC §7 (over each patient's three largest lesions of at least 5 mm)
/// measured by `analyze` against the phantom's truth, class by class.
struct ClassShareComparison: Encodable {
  struct Share: Encodable {
    var truth: Double
    var measured: Double
  }
  var lesionsPerPatient = CohortStatistics.classifiedPerPatient
  var measuredLesions: Int
  /// By class key ("shape.round", "surface.lobulated", "t2.hyperintense"...), shares 0...1.
  var shares: [String: Share]
  /// The class whose measured share is farthest from the truth's, and by how much (0...1).
  var largestDifferenceClass: String
  var largestDifference: Double

  init(measured: CohortStatistics, truth: CohortTruthStatistics) {
    measuredLesions = measured.classifiedLesions
    var shares: [String: Share] = [:]
    for key in Set(truth.classShares.keys).union(measured.classShares.keys) {
      shares[key] = Share(truth: truth.classShares[key] ?? 0, measured: measured.classShares[key] ?? 0)
    }
    self.shares = shares
    let worst = shares.max { a, b in
      let (x, y) = (abs(a.value.measured - a.value.truth), abs(b.value.measured - b.value.truth))
      return x != y ? x < y : a.key > b.key
    }
    largestDifferenceClass = worst?.key ?? ""
    largestDifference = worst.map { abs($0.value.measured - $0.value.truth) } ?? 0
  }
}

/// One study's line in evaluation.json.
struct StudyFigures: Encodable {
  var studyId: String
  var trueLesions: Int
  var predictedLesions: Int
  var truePositives: Int
  var merged: Int
  var falsePositives: Int
  var mimicDetections: Int
  var splitFragments: Int
  var dice: Double?
  var truthBurdenPercent: Double?
  var predictedBurdenPercent: Double?

  init(_ e: StudyEvaluation) {
    let c = CohortEvaluation.Counts([e])
    studyId = e.studyID
    (trueLesions, predictedLesions, truePositives, merged) = (c.trueLesions, c.predictedLesions, c.truePositives, c.merged)
    (falsePositives, mimicDetections, splitFragments) = (c.falsePositives, c.mimicDetections, c.splitFragments)
    dice = e.dice
    truthBurdenPercent = e.truthBurdenPercent
    predictedBurdenPercent = e.predictedBurdenPercent
  }
}

import FociAnalysis
import FociCohort
import FociCore
import FociDetection
import FociEvaluation
import FociNIfTI
import FociPhantom
import Foundation

/// Where one study's truth and prediction live.
struct EvaluationStudy {
  var id: String
  var truthLabels: String
  /// Beside the truth labels in phantom studies; a manifest column `truth_mimics` otherwise.
  var truthMimics: String?
  var truthJSON: String?
  var predictedLabels: String
  var predictedJSON: String?
  /// Detection inputs for the FROC sweep, from the manifest (else from lesions.json).
  var native: String?
  var arterial: String?
  var liverMask: String?
  var venous: String?
  var t2: String?
  var adc: String?
}

/// An input problem: one line naming the file, and the exit code it maps to.
struct EvaluationInputError: Error, CustomStringConvertible {
  var description: String
  var code: Int32

  init(_ description: String, code: Int32 = ExitStatus.dataError) {
    self.description = description
    self.code = code
  }

  init(_ error: NIfTIError) {
    self.init(error.description, code: ExitStatus.code(for: error))
  }
}

enum EvaluationSources {
  static let labelNames = ["truth_labels.nii.gz", "truth_labels.nii"]

  /// The studies of `--truth` (a manifest, a folder holding manifest.tsv, one study folder, or
  /// a folder of study folders) paired with their predictions under `--pred`.
  static func studies(truth: String, predictions: String) throws(EvaluationInputError) -> [EvaluationStudy] {
    let fm = FileManager.default
    var isFolder: ObjCBool = false
    guard fm.fileExists(atPath: truth, isDirectory: &isFolder) else { throw EvaluationInputError("\(truth): no such file or folder", code: ExitStatus.noInput) }
    var found: [EvaluationStudy]
    if !isFolder.boolValue || fm.fileExists(atPath: truth + "/manifest.tsv") {
      let manifestPath = isFolder.boolValue ? truth + "/manifest.tsv" : truth
      let manifest: StudyManifest
      do { manifest = try StudyManifest(manifestPath, required: ["truth"]) } catch { throw EvaluationInputError(error.description) }
      found = manifest.rows.map { row in
        let labels = row.paths["truth"]!
        let folder = (labels as NSString).deletingLastPathComponent
        return EvaluationStudy(
          id: row.studyID, truthLabels: labels,
          truthMimics: row.paths["truth_mimics"] ?? existing(folder + "/truth_mimics.nii.gz"),
          truthJSON: row.paths["truth_json"] ?? existing(folder + "/truth.json"),
          predictedLabels: "", native: row.paths["native"], arterial: row.paths["arterial"], liverMask: row.paths["liver_mask"],
          venous: row.paths["venous"], t2: row.paths["t2"], adc: row.paths["adc"])
      }
    } else if let labels = labelNames.lazy.compactMap({ existing(truth + "/" + $0) }).first {
      found = [study(id: (truth as NSString).lastPathComponent, folder: truth, labels: labels)]
    } else {
      let names = ((try? fm.contentsOfDirectory(atPath: truth)) ?? []).sorted()
      found = names.compactMap { name in
        let folder = truth + "/" + name
        return labelNames.lazy.compactMap { existing(folder + "/" + $0) }.first.map { study(id: name, folder: folder, labels: $0) }
      }
      guard !found.isEmpty else {
        throw EvaluationInputError(
          "\(truth): no truth found (no manifest.tsv, no truth_labels.nii.gz, no study folders holding one)", code: ExitStatus.noInput)
      }
    }

    // Predictions: one analyze output folder for a single study, else one per study id.
    let single = found.count == 1 && existing(predictions + "/labels.nii.gz") != nil
    var missing: [String] = []
    for index in found.indices {
      let folder = single ? predictions : predictions + "/" + found[index].id
      guard let labels = existing(folder + "/labels.nii.gz") ?? existing(folder + "/labels.nii") else {
        missing.append(found[index].id)
        continue
      }
      found[index].predictedLabels = labels
      found[index].predictedJSON = existing(folder + "/lesions.json")
    }
    if !missing.isEmpty {
      let list = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
      throw EvaluationInputError(
        "\(predictions): no prediction (labels.nii.gz) for \(missing.count) of \(found.count) studies: \(list)", code: ExitStatus.noInput)
    }
    return found
  }

  private static func study(id: String, folder: String, labels: String) -> EvaluationStudy {
    EvaluationStudy(
      id: id, truthLabels: labels, truthMimics: existing(folder + "/truth_mimics.nii.gz"), truthJSON: existing(folder + "/truth.json"),
      predictedLabels: "", native: existing(folder + "/native.nii.gz"), arterial: existing(folder + "/arterial.nii.gz"),
      liverMask: existing(folder + "/liver_mask.nii.gz"), venous: existing(folder + "/venous.nii.gz"),
      t2: existing(folder + "/t2.nii.gz"), adc: existing(folder + "/adc.nii.gz"))
  }

  static func existing(_ path: String) -> String? { FileManager.default.fileExists(atPath: path) ? path : nil }

  /// Truth and prediction of `study`, read and checked.
  static func load(_ study: EvaluationStudy) throws(EvaluationInputError) -> (StudyTruth, StudyPrediction, LesionsDocument?, PhantomTruth?) {
    let truthLabels: LabelVolume, predictedLabels: LabelVolume
    var mimics: LabelVolume?
    do {
      truthLabels = try NIfTIReader.readLabels(study.truthLabels)
      predictedLabels = try NIfTIReader.readLabels(study.predictedLabels)
      mimics = try study.truthMimics.map { path throws(NIfTIError) in try NIfTIReader.readLabels(path) }
    } catch {
      throw EvaluationInputError(error)
    }
    guard predictedLabels.grid.occupiesSameSpace(as: truthLabels.grid) else {
      throw EvaluationInputError(
        "\(study.predictedLabels): not on the grid of \(study.truthLabels) (dims, spacing or affine differ)")
    }
    if let m = mimics, !m.grid.occupiesSameSpace(as: truthLabels.grid) {
      throw EvaluationInputError("\(study.truthMimics!): not on the grid of \(study.truthLabels)")
    }

    var truthSizes: [Int: LesionSize] = [:]
    var truthBurden: Double?
    var phantom: PhantomTruth?
    if let path = study.truthJSON {
      let truth: PhantomTruth = try decode(path)
      phantom = truth
      for lesion in truth.lesions { truthSizes[lesion.id] = LesionSize(diameterMM: lesion.maxDiameterMM, volumeMM3: lesion.volumeMM3) }
      truthBurden = truth.summary.burdenPercent
    }
    var document: LesionsDocument?
    var predictedSizes: [Int: LesionSize] = [:], shuntLike: [Int: Bool] = [:], channels: [Int: FocusChannels.Channel] = [:]
    if let path = study.predictedJSON {
      let d: LesionsDocument = try decode(path)
      guard d.schema == "hepafoci.lesions", d.schemaVersion.hasPrefix("1.") else {
        throw EvaluationInputError("\(path): schema \(d.schema) \(d.schemaVersion) is not hepafoci.lesions 1.x")
      }
      for lesion in d.lesions {
        predictedSizes[lesion.id] = LesionSize(diameterMM: lesion.geometry.maxDiameterMM, volumeMM3: lesion.geometry.volumeMM3)
        shuntLike[lesion.id] = lesion.flags.shuntLike
        channels[lesion.id] = lesion.detectedBy?.channel
      }
      guard d.lesions.count == Int(predictedLabels.maxLabel) else {
        throw EvaluationInputError(
          "\(path): lists \(d.lesions.count) lesions but \(study.predictedLabels) holds labels up to \(predictedLabels.maxLabel)")
      }
      document = d
    }
    let truth = StudyTruth(studyID: study.id, labels: truthLabels, mimics: mimics, sizes: truthSizes, burdenPercent: truthBurden)
    let prediction = StudyPrediction(
      labels: predictedLabels, sizes: predictedSizes, shuntLike: shuntLike, channels: channels,
      burdenPercent: document?.summary.burdenPercent)
    return (truth, prediction, document, phantom)
  }

  static func decode<T: Decodable>(_ path: String) throws(EvaluationInputError) -> T {
    guard let data = FileManager.default.contents(atPath: path) else { throw EvaluationInputError("\(path): cannot be read", code: ExitStatus.noInput) }
    do {
      return try OutputJSON.decoder.decode(T.self, from: data)
    } catch let DecodingError.dataCorrupted(context) {
      throw EvaluationInputError("\(path): not valid JSON: \(context.debugDescription)")
    } catch let DecodingError.keyNotFound(key, context) {
      throw EvaluationInputError("\(path): missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      throw EvaluationInputError("\(path): unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
    } catch {
      throw EvaluationInputError("\(path): cannot be decoded: \(error)")
    }
  }

  /// The detection inputs of a study for the FROC sweep, or why there are none.
  static func detectionInputs(
    _ study: EvaluationStudy, _ document: LesionsDocument?
  ) -> Result<(native: String, arterial: String, liverMask: String, venous: String?, t2: String?, adc: String?), EvaluationInputError> {
    func recorded(_ role: String) -> String? { document?.inputs.first { $0.role == role }?.path }
    let roles = [("native", study.native ?? recorded("native")), ("arterial", study.arterial ?? recorded("arterial")), ("liver mask", study.liverMask ?? recorded("liverMask"))]
    for (name, path) in roles {
      guard let path else {
        return .failure(EvaluationInputError("\(study.id): no \(name) for the FROC sweep (no manifest column, no lesions.json input)"))
      }
      guard existing(path) != nil else {
        return .failure(EvaluationInputError("\(study.id): the \(name) \(path) for the FROC sweep does not exist"))
      }
    }
    // The venous phase is optional (it feeds the hypointense channel); analyze's record wins
    // only when the manifest has no venous column.
    let venous = (study.venous ?? recorded("venous")).flatMap(existing)
    // The first T2 analyze recorded (its role is the file's stem, not one of the fixed roles).
    let fixed: Set = ["native", "arterial", "venous", "delayed", "liverMask", "adc"]
    let t2 = (study.t2 ?? document?.inputs.first { !fixed.contains($0.role) }?.path).flatMap(existing)
    let adc = (study.adc ?? recorded("adc")).flatMap(existing)
    return .success((roles[0].1!, roles[1].1!, roles[2].1!, venous, t2, adc))
  }
}

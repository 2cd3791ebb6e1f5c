import FociAnalysis
import FociCohort
import FociCore
import FociNIfTI
import Foundation

/// The QC pictures of one analysed study: `montage.png` (see `StudyMontage`) and
/// `thumbnail.png` in its output folder.
public enum StudyQualityControl {
  public static let montageName = "montage.png"
  public static let thumbnailName = "thumbnail.png"

  /// Draws and writes the pictures of `scene` into `folder`; returns the thumbnail.
  @discardableResult
  public static func write(_ scene: MontageScene, title: String, into folder: String) throws(StudyError) -> RGBImage {
    let montage = StudyMontage(scene, title: title)
    let thumbnail = montage.thumbnail(of: scene)
    do {
      try PNGCodec.write(montage.image, to: folder + "/" + montageName)
      try PNGCodec.write(thumbnail, to: folder + "/" + thumbnailName)
    } catch {
      throw StudyError(stage: .write, kind: .cannotWrite, message: error.description)
    }
    return thumbnail
  }

  /// The scene of an `analyze` or `cohort` output folder: its lesions.json, its labels.nii.gz,
  /// and the native, arterial and venous phases and liver mask read again from the paths
  /// lesions.json records.
  public static func scene(ofOutput folder: String) throws(StudyError) -> (scene: MontageScene, document: LesionsDocument) {
    let jsonPath = folder + "/lesions.json"
    guard let data = FileManager.default.contents(atPath: jsonPath) else {
      throw StudyError(stage: .inputs, kind: .missingInput, message: "\(jsonPath): no such file (not an analyze output folder)")
    }
    let document: LesionsDocument
    do { document = try LesionsDocument.decode(data) } catch {
      throw StudyError(stage: .read, kind: .badData, message: "\(jsonPath): not a lesions.json: \(error)")
    }
    let paths = Dictionary(document.inputs.map { ($0.role, $0.path) }, uniquingKeysWith: { a, _ in a })
    func path(_ role: String) throws(StudyError) -> String {
      guard let p = paths[role] else { throw StudyError(stage: .inputs, kind: .missingInput, message: "\(jsonPath): records no \(role) input") }
      return p
    }
    let files = StudyFiles(
      native: try path("native"), arterial: try path("arterial"), venous: paths["venous"], liverMask: try path("liverMask"))
    let (inputs, _) = try files.load(digests: false)
    let labels: LabelVolume
    do { labels = try NIfTIReader.readLabels(folder + "/labels.nii.gz") } catch { throw StudyError(error, stage: .read) }
    guard labels.grid.dims == inputs.native.grid.dims else {
      throw StudyError(stage: .analyze, kind: .badData, message: "\(folder)/labels.nii.gz: not on the native phase's grid")
    }
    return (MontageScene(inputs: inputs, motion: document.motion, lesions: document.lesions, labels: labels), document)
  }
}

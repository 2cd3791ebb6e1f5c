import FociCore
import FociNIfTI
import Foundation
import Testing
import _FociTestSupport

@Suite("hepafoci evaluate")
struct EvaluateCommandTests {
  let folder = TemporaryFolder()

  /// A two-study phantom cohort on a coarse grid, analysed study by study into `pred/<id>`.
  func phantomCohort() throws -> (manifest: String, predictions: String) {
    let cohort = folder.file("cohort"), predictions = folder.file("pred")
    let made = try CLI.run(["phantom", "--out", cohort, "--studies", "2", "--seed", "3", "--shape", "128", "104", "36", "--spacing", "2.8", "2.8", "7"])
    #expect(made.status == 0, "\(made.stderr)")
    for id in ["study-0001", "study-0002"] {
      let analysed = try CLI.run(["analyze", cohort + "/" + id, "--out", predictions + "/" + id])
      #expect(analysed.status == 0, "\(analysed.stderr)")
    }
    return (cohort + "/manifest.tsv", predictions)
  }

  static func tsv(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
  }

  @Test("a phantom cohort: schema-valid evaluation.json, one lesions.tsv row per lesion, a FROC through the analysis threshold")
  func phantomCohortEvaluation() throws {
    let (manifest, predictions) = try phantomCohort()
    let out = folder.file("report")
    let result = try CLI.run(["evaluate", "--truth", manifest, "--pred", predictions, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("sensitivity") && result.stdout.contains("CPM"), "\(result.stdout)")
    let validator = try JSONSchemaValidator(schemaFile: AnalyzeCommandTests.root + "/schema/evaluation.schema.json")
    let errors = try validator.errors(inFile: out + "/evaluation.json")
    #expect(errors.isEmpty, "\(errors.prefix(5))")

    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/evaluation.json"))) as! [String: Any]
    let counts = (json["cohort"] as! [String: Any])["counts"] as! [String: Int]
    let rows = try Self.tsv(out + "/lesions.tsv")
    #expect(rows.filter { $0["side"] == "truth" }.count == counts["trueLesions"])
    #expect(rows.filter { $0["side"] == "predicted" }.count == counts["predictedLesions"])
    #expect(rows.filter { $0["status"] == "detected" }.count == counts["truePositives"])
    #expect(rows.filter { $0["status"] == "falsePositive" }.count == counts["falsePositives"])
    // Truth sizes come from truth.json: the true continuous diameters, not voxel measures.
    let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("cohort/study-0001/truth.json")))) as! [String: Any]
    let first = (truth["lesions"] as! [[String: Any]])[0]
    let row = try #require(rows.first { $0["study_id"] == "study-0001" && $0["side"] == "truth" && $0["id"] == "1" })
    #expect(abs(Double(row["true_diameter_mm"]!)! - (first["maxDiameterMM"] as! Double)) < 0.01)
    // So do its designed contrasts, on its row and on its matched prediction's; a false
    // positive has none.
    for (column, key) in [("true_native_ratio", "nativeT1Ratio"), ("true_arterial_ratio", "arterialRatio"),
                          ("true_venous_ratio", "venousRatio"), ("true_t2_ratio", "t2Ratio")] {
      #expect(abs(Double(row[column]!)! - (first[key] as! Double)) < 0.001, "\(column)")
      if let match = rows.first(where: { $0["study_id"] == "study-0001" && $0["side"] == "predicted" && $0["partner_id"] == "1" }) {
        #expect(match[column] == row[column])
      }
    }
    for falsePositive in rows where falsePositive["status"] == "falsePositive" { #expect(falsePositive["true_t2_ratio"] == "") }

    // Each prediction names the channel that found it (from lesions.json), a true lesion its
    // match's; the cohort's figures by channel add up to the counts.
    for row in rows where row["side"] == "predicted" { #expect(["arterial", "hypointense", "both"].contains(row["channel"] ?? "")) }
    for row in rows where row["status"] == "detected" {
      let match = rows.first { $0["study_id"] == row["study_id"] && $0["side"] == "predicted" && $0["id"] == row["partner_id"] }
      #expect(match?["channel"] == row["channel"])
    }
    let byChannel = try #require((json["cohort"] as! [String: Any])["byChannel"] as? [[String: Any]])
    #expect(byChannel.map { $0["channel"] as! String } == ["arterial", "hypointense", "both"])
    for (key, count) in [("truePositives", "truePositives"), ("falsePositives", "falsePositives"), ("splitFragments", "splitFragments")] {
      #expect(byChannel.reduce(0) { $0 + ($1[key] as! Int) } == counts[count], "\(key)")
    }
    #expect(result.stdout.contains("by channel"), "\(result.stdout)")

    // The sweep at the analysis threshold (k = 3) repeats the lesion-wise evaluation.
    let froc = try Self.tsv(out + "/froc.tsv")
    #expect(froc.count == 15, "the default grid")
    let atThree = try #require(froc.first { $0["k"] == "3.00" })
    #expect(Int(atThree["true_positives"]!) == counts["truePositives"])
    #expect(Int(atThree["false_positives"]!) == counts["falsePositives"])
    #expect(Int(atThree["mimic_detections"]!) == counts["mimicDetections"])

    // Class shares: truth from truth.json, measured from lesions.json, the largest gap named.
    let classes = try #require(json["classShares"] as? [String: Any])
    let shares = try #require(classes["shares"] as? [String: [String: Double]])
    #expect(shares["surface.lobulated"] != nil && shares["arterial.active"] != nil && shares["shape.round"] != nil)
    let gaps = shares.mapValues { abs($0["measured"]! - $0["truth"]!) }
    let largest = try #require(classes["largestDifference"] as? Double)
    #expect(abs(largest - gaps.values.max()!) < 1e-12 && gaps[classes["largestDifferenceClass"] as! String] == largest)
    for group in ["shape.", "surface.", "arterial."] {
      let truthSum = shares.filter { $0.key.hasPrefix(group) }.values.reduce(0) { $0 + $1["truth"]! }
      #expect(abs(truthSum - 1) < 1e-9, "\(group) \(truthSum)")
    }
    #expect(result.stdout.contains("class shares"), "\(result.stdout)")
  }

  /// The synthetic study as a user's annotated study: truth_labels.nii.gz with the analytic
  /// spheres, no truth.json.
  func annotatedStudy() throws -> String {
    let study = SyntheticStudy()
    let dir = folder.file("annotated")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (stem, volume) in [("native", study.native), ("arterial", study.arterial)] { try NIfTIWriter.write(volume, to: dir + "/\(stem).nii.gz") }
    try NIfTIWriter.write(study.liverMask, to: dir + "/liver_mask.nii.gz")
    let g = study.grid
    var labels = [UInt8](repeating: 0, count: g.voxelCount)
    let spheres = [SyntheticStudy.cored, (SyntheticStudy.arterialOnly.centre, SyntheticStudy.arterialOnly.radius, 0), (SyntheticStudy.bloody.centre, SyntheticStudy.bloody.radius, 0)]
    for k in 0..<g.dims.z { for j in 0..<g.dims.y { for i in 0..<g.dims.x {
      let p = SIMD3(Double(i), Double(j), Double(k)) * g.spacingMM
      for (id, s) in spheres.enumerated() where ((p - s.0) * (p - s.0)).sum() <= s.1 * s.1 { labels[g.offset(i, j, k)] = UInt8(id + 1) }
    } } }
    try NIfTIWriter.write(Volume(grid: g, voxels: labels), to: dir + "/truth_labels.nii.gz")
    return dir
  }

  @Test("a user's annotated study without truth.json, both matching rules")
  func annotatedStudyEvaluation() throws {
    let dir = try annotatedStudy()
    let predictions = folder.file("analysis")
    #expect(try CLI.run(["analyze", dir, "--out", predictions]).status == 0)
    for rule in ["overlap", "centroid"] {
      let out = folder.file("report-" + rule)
      let result = try CLI.run(["evaluate", "--truth", dir, "--pred", predictions, "--out", out, "--match", rule, "--json"])
      #expect(result.status == 0, "\(result.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
      let cohort = json["cohort"] as! [String: Any]
      let counts = cohort["counts"] as! [String: Int]
      #expect(counts["trueLesions"] == 3 && counts["truePositives"] == 3 && counts["falsePositives"] == 0, "\(counts)")
      #expect(((cohort["dice"] as! [String: Any])["global"] as! Double) > 0.9)
      #expect(json["froc"] != nil)
    }
    // lesions.json of an older version (settings without the newer fields) still evaluates.
    let older = folder.file("older")
    try FileManager.default.createDirectory(atPath: older, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: predictions + "/labels.nii.gz", toPath: older + "/labels.nii.gz")
    var document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: predictions + "/lesions.json"))) as! [String: Any]
    var settings = document["settings"] as! [String: Any]
    var detection = settings["detection"] as! [String: Any]
    detection["hypointense"] = nil
    settings["detection"] = detection
    settings["shuntBaseShareWithT2"] = nil
    document["settings"] = settings
    try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: older + "/lesions.json"))
    let fromOlder = try CLI.run(["evaluate", "--truth", dir, "--pred", older, "--out", folder.file("report-older")])
    #expect(fromOlder.status == 0, "\(fromOlder.stderr)")

    // Without FROC no detection input is needed.
    let quick = try CLI.run(["evaluate", "--truth", dir, "--pred", predictions, "--out", folder.file("quick"), "--no-froc", "--min-iou", "0.2"])
    #expect(quick.status == 0 && quick.stdout.contains("FROC skipped"))
    #expect(!FileManager.default.fileExists(atPath: folder.file("quick/froc.tsv")))
  }

  @Test("bad inputs: one line naming the file, the exit code, no report")
  func badInputs() throws {
    let dir = try annotatedStudy()
    let predictions = folder.file("analysis")
    #expect(try CLI.run(["analyze", dir, "--out", predictions]).status == 0)
    var case_ = 0
    func expectFailure(truth: String, pred: String = predictions, status: Int32, mentions: String, _ label: String) throws {
      case_ += 1
      let out = folder.file("bad-\(case_)")
      let result = try CLI.run(["evaluate", "--truth", truth, "--pred", pred, "--out", out])
      #expect(result.status == status, "\(label): \(result.stderr)")
      #expect(result.stderr.contains(mentions), "\(label): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(label): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(label)")
    }
    try expectFailure(truth: folder.file("nowhere"), status: 66, mentions: folder.file("nowhere"), "missing truth")
    let empty = folder.file("empty-pred")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    try expectFailure(truth: dir, pred: empty, status: 66, mentions: "annotated", "missing prediction")

    // A prediction on another grid.
    let shifted = folder.file("shifted")
    try FileManager.default.createDirectory(atPath: shifted, withIntermediateDirectories: true)
    let small = Grid(dims: SIMD3(10, 10, 10), spacingMM: SIMD3(1, 1, 1))
    try NIfTIWriter.write(Volume(grid: small, voxels: [UInt8](repeating: 0, count: small.voxelCount)), to: shifted + "/labels.nii.gz")
    try expectFailure(truth: dir, pred: shifted, status: 65, mentions: shifted + "/labels.nii.gz", "grid mismatch")

    // Truth that is not a label map.
    let fractional = folder.file("fractional")
    try FileManager.default.createDirectory(atPath: fractional, withIntermediateDirectories: true)
    let g = SyntheticStudy().grid
    try NIfTIWriter.write(Volume(grid: g, voxels: [Float](repeating: 0.5, count: g.voxelCount)), to: fractional + "/truth_labels.nii.gz")
    try expectFailure(truth: fractional, pred: predictions, status: 65, mentions: "not a label map", "fractional labels")

    // lesions.json that is not JSON.
    let broken = folder.file("broken")
    try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: predictions + "/labels.nii.gz", toPath: broken + "/labels.nii.gz")
    _ = folder.write("broken/lesions.json", Array("{\"schema\": ".utf8))
    try expectFailure(truth: dir, pred: broken, status: 65, mentions: broken + "/lesions.json", "broken lesions.json")

    // Manifests rejected before any work.
    let header = "study_id\ttruth\n"
    for (name, text, mention) in [
      ("no-truth.tsv", "study_id\tnative\nannotated\tannotated/native.nii.gz\n", "no truth column"),
      ("duplicate.tsv", header + "annotated\tannotated/truth_labels.nii.gz\nannotated\tannotated/truth_labels.nii.gz\n", "repeats line 2"),
      ("escape.tsv", header + "../evil\tannotated/truth_labels.nii.gz\n", "not a safe folder name"),
      ("ragged.tsv", header + "annotated\n", "1 cells for 2 columns"),
    ] {
      let manifest = folder.write(name, Array(text.utf8))
      try expectFailure(truth: manifest, status: 65, mentions: manifest, name)
      _ = mention
      let result = try CLI.run(["evaluate", "--truth", manifest, "--pred", predictions, "--out", folder.file("x")])
      #expect(result.stderr.contains(mention), "\(name): \(result.stderr)")
    }
  }
}

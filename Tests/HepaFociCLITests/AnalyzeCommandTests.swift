import FociCore
import FociNIfTI
import Foundation
import Testing
import _FociTestSupport

@Suite("hepafoci analyze")
struct AnalyzeCommandTests {
  let folder = TemporaryFolder()
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// The synthetic study written as a study folder (the T1 phases as int16 on an oblique-free
  /// grid with an sform, the mask as uint8).
  func writeStudy(_ name: String = "study") throws -> (path: String, study: SyntheticStudy) {
    let study = SyntheticStudy()
    let dir = folder.file(name)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (stem, volume) in [("native", study.native), ("arterial", study.arterial), ("venous", study.venous)] {
      try NIfTIWriter.write(Volume(grid: volume.grid, voxels: volume.voxels.map { Int16($0.rounded()) }), to: dir + "/\(stem).nii.gz")
    }
    try NIfTIWriter.write(study.liverMask, to: dir + "/liver_mask.nii.gz")
    return (dir, study)
  }

  /// The `lesions` array of a printed lesions document, with sorted keys.
  static func lesions(_ text: String) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    return String(decoding: try JSONSerialization.data(withJSONObject: object["lesions"]!, options: .sortedKeys), as: UTF8.self)
  }

  @Test("a study folder: lesions.json valid against its schema, labels in the native geometry, a summary")
  func studyFolder() throws {
    let (dir, study) = try writeStudy()
    let out = folder.file("out")
    let result = try CLI.run(["analyze", dir, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("3 lesions, burden"), "\(result.stdout)")
    let validator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/lesions.schema.json")
    let errors = try validator.errors(inFile: out + "/lesions.json")
    #expect(errors.isEmpty, "\(errors.prefix(5))")
    let labels = try NIfTIReader.read(out + "/labels.nii.gz")
    let native = try NIfTIReader.read(dir + "/native.nii.gz")
    #expect(labels.volume.grid == native.volume.grid)
    #expect(labels.header.intentCode == 1002 && Set(labels.volume.voxels) == [0, 1, 2, 3])
    #expect(labels.volume.grid.dims == study.grid.dims)
    // Digests of the inputs, as sha256sum would give them.
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/lesions.json"))) as! [String: Any]
    let inputs = json["inputs"] as! [[String: String]]
    #expect(inputs.map { $0["role"]! }.sorted() == ["arterial", "liverMask", "native", "venous"])
    #expect(inputs.allSatisfy { $0["sha256"]!.count == 64 })
    // Each lesion says which channel found it; the summary counts them.
    let lesions = json["lesions"] as! [[String: Any]]
    let channels = lesions.map { ($0["detectedBy"] as! [String: Any])["channel"] as! String }
    let counts = (json["summary"] as! [String: Any])["channelCounts"] as! [String: Int]
    #expect(counts.values.reduce(0, +) == lesions.count)
    for (channel, count) in counts { #expect(channels.count { $0 == channel } == count, "\(channel)") }
    #expect(result.stdout.contains("found by: "), "\(result.stdout)")
  }

  @Test("explicit files give the same lesions as the folder; --json prints the document")
  func explicitFiles() throws {
    let (dir, _) = try writeStudy()
    let a = try CLI.run(["analyze", dir, "--out", folder.file("a"), "--json"])
    let b = try CLI.run([
      "analyze", "--native", dir + "/native.nii.gz", "--arterial", dir + "/arterial.nii.gz", "--venous", dir + "/venous.nii.gz",
      "--liver-mask", dir + "/liver_mask.nii.gz", "--out", folder.file("b"), "--json",
    ])
    #expect(a.status == 0 && b.status == 0)
    #expect(try Self.lesions(a.stdout) == Self.lesions(b.stdout))
  }

  @Test("HEPAFOCI_STAGE_TIMES writes stage times to standard error and changes nothing else")
  func stageTimes() throws {
    let (dir, _) = try writeStudy()
    let plain = try CLI.run(["analyze", dir, "--out", folder.file("plain"), "--json"])
    let timed = try CLI.run(["analyze", dir, "--out", folder.file("timed"), "--json"], environment: ["HEPAFOCI_STAGE_TIMES": "1"])
    #expect(plain.status == 0 && timed.status == 0)
    #expect(!plain.stderr.contains("stage "))
    // One line per stage: name, wall-clock and processor milliseconds.
    let lines = timed.stderr.split(separator: "\n").filter { $0.hasPrefix("stage ") }
    let names = Set(lines.map { $0.split(separator: " ")[1] })
    for stage in ["study.read", "analysis.detection", "hypointense.maps", "detection.components", "analysis.lesions", "study.write"] {
      #expect(names.contains(Substring(stage)), "\(stage) in \(names.sorted())")
    }
    #expect(lines.allSatisfy { line in
      let f = line.split(separator: " ")
      return f.count == 6 && Double(f[2]).map { $0 >= 0 } == true && f[3] == "ms" && Double(f[4]) != nil && f[5] == "ms"
    })
    #expect(try Self.lesions(plain.stdout) == Self.lesions(timed.stdout))
    let off = try CLI.run(["analyze", dir, "--out", folder.file("off")], environment: ["HEPAFOCI_STAGE_TIMES": "0"])
    #expect(off.status == 0 && !off.stderr.contains("stage "))
  }

  @Test("settings reach lesions.json; bad settings are usage errors")
  func settings() throws {
    let (dir, _) = try writeStudy()
    let out = folder.file("set")
    let result = try CLI.run(["analyze", dir, "--out", out, "--k", "4", "--oval-axis-ratio", "1.2", "--blurred-edge", "2", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    let settings = json["settings"] as! [String: Any]
    #expect(settings["ovalAxisRatio"] as? Double == 1.2 && settings["blurredEdgeWidthMM"] as? Double == 2)
    #expect((settings["detection"] as! [String: Any])["hypointense"] != nil)
    let arterialOnly = try CLI.run(["analyze", dir, "--out", folder.file("arterial"), "--no-hypointense", "--json"])
    let plain = try JSONSerialization.jsonObject(with: Data(arterialOnly.stdout.utf8)) as! [String: Any]
    #expect(((plain["settings"] as! [String: Any])["detection"] as! [String: Any])["hypointense"] == nil)
    // An out-of-range setting: usage error 64 naming it, and no output folder.
    func expectRejected(_ label: String, _ flag: String, _ value: String, saying message: String) throws {
      let result = try CLI.run(["analyze", dir, "--out", folder.file(label), flag, value])
      #expect(result.status == 64 && result.stderr.contains(message), "\(label): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: folder.file(label)))
    }
    try expectRejected("bad", "--irregular-solidity", "1.5", saying: "--irregular-solidity")
    try expectRejected("share", "--hypointense-neighbour-contact", "1.5", saying: "--hypointense-neighbour-contact must be within 0...1")
    try expectRejected("band", "--hypointense-capsule-band", "1.2", saying: "--hypointense-capsule-band must be within 0...1")
    try expectRejected("vein", "--hypointense-vessel-t2", "-0.5", saying: "--hypointense-vessel-t2")
    try expectRejected("small", "--hypointense-small-score", "-1", saying: "--hypointense-small-score")
    try expectRejected("wide", "--hypointense-joint-wide-lesions", "-1", saying: "--hypointense-joint-wide-lesions")
    try expectRejected("split", "--hypointense-core-split", "0.9", saying: "--hypointense-core-split must be 0 (off) or over 1 (got 0.9)")
    try expectRejected("split-voxels", "--hypointense-core-split-voxels", "0", saying: "--hypointense-core-split-voxels must be at least 1 (got 0)")
    // The vein test's and the small regions' settings reach lesions.json.
    let custom = try CLI.run(["analyze", dir, "--out", folder.file("veins"), "--hypointense-vessel-venous", "1.1", "--hypointense-vessel-max-voxels", "50", "--hypointense-small-voxels", "7",
      "--hypointense-joint-wide-lesions", "3", "--hypointense-core-split", "1.5", "--hypointense-outlier-z", "2.5", "--hypointense-obvious-cap", "0.18", "--hypointense-small-raw-contrast", "0.2", "--hypointense-small-raw-voxels", "5",
      "--hypointense-vessel-venous-share", "0.3", "--hypointense-vessel-lesion-radius", "5",
      "--hypointense-joint-apart-share", "0.8", "--hypointense-joint-apart-voxels", "12",
      "--hypointense-t2-level-cap", "0.2", "--hypointense-t2-level-floor", "0.05", "--hypointense-joint-split-voxels", "250", "--json"])
    let document = try JSONSerialization.jsonObject(with: Data(custom.stdout.utf8)) as! [String: Any]
    let channel = ((document["settings"] as! [String: Any])["detection"] as! [String: Any])["hypointense"] as! [String: Any]
    #expect(channel["vesselRegionVenousRatio"] as? Double == 1.1 && channel["vesselRegionMaximumVoxels"] as? Int == 50, "\(channel)")
    #expect(channel["smallRegionVoxels"] as? Int == 7 && channel["smallRegionMeanScore"] as? Double == 1.4, "\(channel)")
    #expect(channel["jointWideAreaLesions"] as? Int == 3 && channel["coreSplitRatio"] as? Double == 1.5, "\(channel)")
    #expect(channel["outlierExclusionZ"] as? Double == 2.5 && channel["obviousDarknessCap"] as? Double == 0.18, "\(channel)")
    #expect(channel["smallRegionRawContrast"] as? Double == 0.2 && channel["rawContrastVoxels"] as? Int == 5, "\(channel)")
    #expect(channel["vesselRegionVenousShare"] as? Double == 0.3 && channel["vesselRegionLesionRadiusMM"] as? Double == 5, "\(channel)")
    #expect(channel["jointApartShare"] as? Double == 0.8 && channel["jointApartVoxels"] as? Int == 12, "\(channel)")
    #expect(channel["t2LevelCap"] as? Double == 0.2 && channel["t2LevelFloor"] as? Double == 0.05, "\(channel)")
    #expect(channel["jointSplitVoxels"] as? Int == 250, "\(channel)")
  }

  @Test("--debug-maps writes detection's maps in the native geometry with maps.tsv, and changes no lesion")
  func debugMaps() throws {
    let (dir, _) = try writeStudy()
    let plain = try CLI.run(["analyze", dir, "--out", folder.file("plain-maps")])
    let maps = folder.file("maps/nested")
    let result = try CLI.run(["analyze", dir, "--out", folder.file("with-maps"), "--debug-maps", maps])
    #expect(plain.status == 0 && result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("maps: subtraction, arterial_score, native_darkness"), "\(result.stdout)")
    let labels = try Data(contentsOf: URL(fileURLWithPath: folder.file("with-maps") + "/labels.nii.gz"))
    #expect(labels == (try Data(contentsOf: URL(fileURLWithPath: folder.file("plain-maps") + "/labels.nii.gz"))))
    let native = try NIfTIReader.read(dir + "/native.nii.gz")
    let table = try String(contentsOfFile: maps + "/maps.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t") }
    #expect(table.first == ["file", "meaning"])
    let files = table.dropFirst().map { String($0[0]) }
    // A venous phase and no T2: the channel's maps without T2 brightness.
    let expected = [
      "subtraction", "arterial_score", "native_darkness", "venous_darkness", "native_raw_darkness", "too_wide_for_vessel",
      "venous_too_wide_for_vessel", "hypointense_score",
    ]
    #expect(files == expected.map { $0 + ".nii.gz" })
    for file in files {
      let image = try NIfTIReader.read(maps + "/" + file)
      #expect(image.volume.grid == native.volume.grid, "\(file)")
      #expect(image.header.datatypeCode == 16, "\(file): float32")
    }
    // No temporary files are left beside them.
    let left = try FileManager.default.contentsOfDirectory(atPath: maps).filter { $0.hasPrefix(".") }
    #expect(left.isEmpty, "\(left)")
    // A maps folder that cannot be made (a file holds its name): an error naming it, and no output.
    let blocked = folder.file("blocked")
    try Data("x".utf8).write(to: URL(fileURLWithPath: blocked))
    let refused = try CLI.run(["analyze", dir, "--out", folder.file("refused"), "--debug-maps", blocked])
    #expect(refused.status != 0 && refused.stderr.contains(blocked), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("refused") + "/lesions.json"))
  }

  @Test("each numeric flag out of range is named alone, with its requirement and the value given")
  func rangeMessages() throws {
    // (flag, a value out of range, the requirement the message states); no study is needed, as
    // the options are checked before anything is read.
    let cases: [(String, String, String)] = [
      ("--k", "0", "be positive"), ("--smoothing", "-1", "not be negative"), ("--min-voxels", "0", "be at least 1"),
      ("--half-contrast-layers", "-1", "not be negative"), ("--hypointense-k", "-2", "be positive"),
      ("--peak-split", "1", "be 0 (off) or over 1"), ("--peak-split-voxels", "0", "be at least 1"),
      ("--peak-split-smoothing", "-1", "not be negative"), ("--peeled-neighbour-voxels", "-1", "not be negative"),
      ("--hypointense-adc-smoothing", "-1", "not be negative"), ("--hypointense-adc-contrast", "-0.1", "not be negative"),
      ("--hypointense-contrast", "-0.1", "not be negative"), ("--hypointense-grow", "0", "be over 0 and at most 1"),
      ("--hypointense-grow", "1.5", "be over 0 and at most 1"), ("--hypointense-smoothing", "-1", "not be negative"),
      ("--hypointense-vessel-excess", "-1", "not be negative"), ("--hypointense-vessel-radius", "-1", "not be negative"),
      ("--hypointense-core", "0.5", "be at least 1"),
      ("--hypointense-min-voxels", "0", "be at least 1"), ("--hypointense-small-voxels", "-1", "not be negative"),
      ("--hypointense-small-raw-contrast", "-0.1", "not be negative"), ("--hypointense-small-raw-voxels", "0", "be at least 1"),
      ("--hypointense-joint", "-1", "not be negative"), ("--hypointense-joint-smoothing", "-1", "not be negative"),
      ("--hypointense-passes", "0", "be at least 1"), ("--hypointense-obvious-cap", "0", "be positive"), ("--hypointense-outlier-z", "-1", "not be negative"), ("--hypointense-t2-contrast", "-1", "not be negative"),
      ("--hypointense-fused", "-1", "not be negative"), ("--hypointense-t2-not-vessel", "-1", "not be negative"),
      ("--hypointense-joint-area", "-1", "not be negative"), ("--hypointense-neighbour-focus", "0", "be at least 1"),
      ("--hypointense-vessel-venous", "-1", "not be negative"), ("--hypointense-vessel-max-voxels", "-1", "not be negative"),
      ("--hypointense-vessel-venous-share", "-0.1", "not be negative"), ("--hypointense-vessel-lesion-radius", "-1", "not be negative"),
      ("--hypointense-joint-apart-share", "1.5", "be within 0...1"), ("--hypointense-joint-apart-voxels", "0", "be at least 1"),
      ("--hypointense-t2-level-cap", "-0.1", "not be negative"), ("--hypointense-t2-level-floor", "-0.1", "not be negative"),
      ("--hypointense-joint-split-voxels", "-1", "not be negative"),
      ("--max-shift", "0", "be positive"), ("--min-peak", "1.5", "be within 0...1"), ("--signal-cutoff", "0", "be positive"),
      ("--avascular-k", "-3", "be positive"), ("--small-diameter", "-5", "not be negative"),
      ("--blood-products-share", "2", "be within 0...1"), ("--irregular-roughness", "0", "be positive"),
      ("--oval-axis-ratio", "0.9", "be at least 1"), ("--lobulated-roughness", "0", "be positive"),
      ("--lobulated-convexity", "0", "be positive"), ("--blurred-edge", "0", "be positive"),
      ("--capsule-contact", "-1", "not be negative"), ("--shunt-base-share", "-0.1", "be within 0...1"),
      ("--shunt-base-share-with-t2", "1.1", "be within 0...1"), ("--shunt-max-diameter", "0", "be positive"),
      ("--k", "nan", "be positive"),
    ]
    for (flag, value, requirement) in cases {
      let out = folder.file("range")
      let result = try CLI.run(["analyze", folder.file("absent"), "--out", out, "\(flag)=\(value)"])
      let expected = "\(flag) must \(requirement) (got \(value))."
      #expect(result.status == 64 && result.stderr.contains(expected), "\(flag) \(value): \(result.stderr)")
      // Only the offending flag is named in the message.
      let line = result.stderr.split(separator: "\n").first { $0.contains(" must ") } ?? ""
      #expect(line.components(separatedBy: "--").count == 2, "\(flag): \(line)")
      #expect(!FileManager.default.fileExists(atPath: out))
    }
  }

  @Test("bad studies: an error naming the file, its exit code, and no output")
  func badInputs() throws {
    let (dir, study) = try writeStudy()
    func expectFailure(_ arguments: [String], status: Int32, mentions: String, _ label: String) throws {
      let out = folder.file("out-" + label)
      let result = try CLI.run(["analyze"] + arguments + ["--out", out])
      #expect(result.status == status, "\(label): \(result.stderr)")
      #expect(result.stderr.contains(mentions), "\(label): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out + "/lesions.json") && !FileManager.default.fileExists(atPath: out + "/labels.nii.gz"), "\(label)")
    }
    // A required phase missing from the folder.
    let partial = folder.file("partial")
    try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
    for name in ["native.nii.gz", "liver_mask.nii.gz"] { try FileManager.default.copyItem(atPath: dir + "/" + name, toPath: partial + "/" + name) }
    try expectFailure([partial], status: 66, mentions: "arterial", "missing")
    // A venous phase on another grid.
    let other = Grid(dims: study.grid.dims, spacingMM: SIMD3(1.4, 1.4, 3.0))
    try NIfTIWriter.write(Volume(grid: other, voxels: study.venous.voxels), to: folder.file("venous_other.nii.gz"))
    try expectFailure([dir, "--venous", folder.file("venous_other.nii.gz")], status: 65, mentions: "venous_other.nii.gz", "grid")
    // An empty liver mask.
    try NIfTIWriter.write(Volume(grid: study.grid, repeating: UInt8(0)), to: folder.file("empty_mask.nii.gz"))
    try expectFailure([dir, "--liver-mask", folder.file("empty_mask.nii.gz")], status: 65, mentions: "empty_mask.nii.gz", "empty")
    // An all-zero arterial phase.
    try NIfTIWriter.write(Volume(grid: study.grid, repeating: Int16(0)), to: folder.file("zero_arterial.nii.gz"))
    try expectFailure([dir, "--arterial", folder.file("zero_arterial.nii.gz")], status: 65, mentions: "zero_arterial.nii.gz", "zero")
    // An output folder that cannot be made (a file stands in its way).
    let blocker = folder.write("blocker", [0])
    let blocked = try CLI.run(["analyze", dir, "--out", blocker + "/out"])
    #expect(blocked.status == 73 && blocked.stderr.contains(blocker + "/out"), "\(blocked.stderr)")
    // Not NIfTI at all.
    let junk = folder.write("junk.nii.gz", Array("not an image".utf8))
    try expectFailure([dir, "--native", junk], status: 65, mentions: "junk.nii.gz", "junk")
  }
}

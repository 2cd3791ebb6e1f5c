import FociCore
import FociNIfTI
import Foundation
import Testing
import _FociTestSupport

@Suite("hepafoci cohort and merge", .serialized)
struct CohortCommandTests {
  let folder = TemporaryFolder()
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// A phantom cohort of `studies` studies on a coarse grid; returns its manifest.
  func phantomCohort(studies: Int = 4, seed: Int = 5) throws -> String {
    let cohort = folder.file("cohort")
    let made = try CLI.run([
      "phantom", "--out", cohort, "--studies", "\(studies)", "--seed", "\(seed)", "--shape", "128", "104", "36", "--spacing", "2.8", "2.8", "7",
    ])
    #expect(made.status == 0, "\(made.stderr)")
    return cohort + "/manifest.tsv"
  }

  /// Every file under `path` (hidden ones included) with its bytes, by relative path.
  static func tree(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let name = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isFolder)
      if !isFolder.boolValue { files[name] = FileManager.default.contents(atPath: path + "/" + name) }
    }
    return files
  }

  static func tsv(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
  }

  /// Starts `hepafoci ARGS`, waits until `out` holds `studies` finished study folders (or the
  /// process ends), waits `extra` seconds more, and kills it (SIGKILL). Returns whether it was
  /// still running when killed.
  static func runAndKill(_ arguments: [String], out: String, whenStudies studies: Int, extra: Double) throws -> Bool {
    let process = Process()
    process.executableURL = CLI.executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    while process.isRunning, Date() < deadline, finishedStudies(out) < studies { usleep(2000) }
    Thread.sleep(forTimeInterval: extra)
    let running = process.isRunning
    if running { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return running
  }

  /// Study folders of `out` holding lesions.json.
  static func finishedStudies(_ out: String) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).count { name in
      !name.hasPrefix(".") && FileManager.default.fileExists(atPath: out + "/" + name + "/lesions.json")
    }
  }

  @Test("a whole run: study folders, the four cohort files, cohort.json valid and consistent with studies.tsv")
  func wholeRun() throws {
    let manifest = try phantomCohort()
    let out = folder.file("out")
    let run = try CLI.run(["cohort", manifest, "--out", out, "--jobs", "2", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("4 studies: 4 analysed, 0 already done, 0 failed"), "\(run.stdout)")
    for id in ["study-0001", "study-0002", "study-0003", "study-0004"] {
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(id)/lesions.json"))
      let labels = try NIfTIReader.readHeader("\(out)/\(id)/labels.nii.gz")
      let native = try NIfTIReader.readHeader(folder.file("cohort/\(id)/native.nii.gz"))
      #expect(labels.grid == native.grid)
    }
    let validator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/cohort.schema.json")
    let errors = try validator.errors(inFile: out + "/cohort.json")
    #expect(errors.isEmpty, "\(errors.prefix(5))")
    let lesionsValidator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/lesions.schema.json")
    #expect(try lesionsValidator.errors(inFile: out + "/study-0002/lesions.json").isEmpty)

    // cohort.json's figures, recomputed here from the rows of studies.tsv and lesions.tsv.
    let studies = try Self.tsv(out + "/studies.tsv")
    let lesions = try Self.tsv(out + "/lesions.tsv")
    #expect(studies.map { $0["study_id"]! } == ["study-0001", "study-0002", "study-0003", "study-0004"])
    #expect(studies.allSatisfy { $0["status"] == "done" })
    #expect(lesions.count == studies.reduce(0) { $0 + Int($1["lesions"]!)! })
    let counts = studies.map { Double($0["lesions"]!)! }.sorted()
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cohort.json"))) as! [String: Any]
    let statistics = json["statistics"] as! [String: Any]
    let lesionCount = statistics["lesionCount"] as! [String: Double]
    #expect(lesionCount["median"] == (counts[1] + counts[2]) / 2)
    #expect(lesionCount["min"] == counts.first && lesionCount["max"] == counts.last)
    let shares = statistics["patientShares"] as! [String: Double]
    #expect(shares["lesions>=5"] == Double(counts.count { $0 >= 5 }) / 4)
    let largest = studies.map { Double($0["largest_mm"]!)! }
    #expect(abs((statistics["largestLesionMM"] as! [String: Double])["max"]! - largest.max()!) < 1e-3)
    #expect(json["analysed"] as? Int == 4 && json["failed"] as? Int == 0)
    #expect(try String(contentsOfFile: out + "/failures.tsv", encoding: .utf8) == "study_id\tstage\tmessage\n")

    // One core, one study at a time: the same bytes.
    let single = folder.file("single")
    #expect(try CLI.run(["cohort", manifest, "--out", single, "--jobs", "1", "--quiet"]).status == 0)
    #expect(Self.tree(single) == Self.tree(out))
  }

  @Test("killed at random moments, --resume gives outputs byte-identical to an uninterrupted run")
  func resumeAfterKills() throws {
    let manifest = try phantomCohort()
    let whole = folder.file("whole"), killed = folder.file("killed")
    #expect(try CLI.run(["cohort", manifest, "--out", whole, "--jobs", "2", "--quiet"]).status == 0)
    // Kills at fixed-seed random moments: after a random number of further studies finished,
    // plus a random few milliseconds (mid-study, mid-write, between studies).
    var generator = SplitMix(seed: 11)
    var interrupted = 0
    for _ in 0..<4 {
      let done = Self.finishedStudies(killed)
      guard done < 4 else { break }
      let target = done + Int(generator.next() % UInt64(4 - done))
      let extra = Double(generator.next() % 80) / 1000
      if try Self.runAndKill(["cohort", manifest, "--out", killed, "--jobs", "2", "--quiet", "--resume"], out: killed, whenStudies: target, extra: extra) {
        interrupted += 1
      }
    }
    #expect(interrupted > 0)
    // A kill in the middle of writing a cohort file leaves its temporary; the next run sweeps it
    // (planted here so the check does not depend on where the kills fell).
    try AtomicFile.write(killed + "/" + AtomicFile.temporaryName(for: "cohort.json", pid: Int32.max), bytes: [0])
    let resumed = try CLI.run(["cohort", manifest, "--out", killed, "--jobs", "2", "--quiet", "--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let a = Self.tree(whole), b = Self.tree(killed)
    #expect(a.keys.sorted() == b.keys.sorted())
    for (name, data) in a { #expect(b[name] == data, "\(name) differs") }

    // Nothing left to do; then one changed input and one changed setting are noticed.
    let again = try CLI.run(["cohort", manifest, "--out", killed, "--quiet", "--resume"])
    #expect(again.stdout.contains("0 analysed, 4 already done"), "\(again.stdout)")
    let arterial = folder.file("cohort/study-0003/arterial.nii.gz")
    var image = try NIfTIReader.read(arterial)
    image.volume.voxels[0] += 1
    try NIfTIWriter.write(image.volume, to: arterial)
    let changed = try CLI.run(["cohort", manifest, "--out", killed, "--quiet", "--resume"])
    #expect(changed.stdout.contains("1 analysed, 3 already done"), "\(changed.stdout)")
    let other = try CLI.run(["cohort", manifest, "--out", killed, "--quiet", "--resume", "--k", "3.5"])
    #expect(other.stdout.contains("4 analysed, 0 already done"), "\(other.stdout)")
  }

  @Test("shards in separate folders, or sharing one, merge into exactly the whole run's outputs")
  func shardsMerge() throws {
    let manifest = try phantomCohort(studies: 5)
    let whole = folder.file("whole")
    #expect(try CLI.run(["cohort", manifest, "--out", whole, "--quiet"]).status == 0)
    let parts = (0..<3).map { folder.file("part\($0)") }
    for (i, part) in parts.enumerated() {
      let run = try CLI.run(["cohort", manifest, "--out", part, "--shard", "\(i)/3", "--quiet"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(!FileManager.default.fileExists(atPath: part + "/studies.tsv"))
    }
    let merged = folder.file("merged")
    let merge = try CLI.run(["merge"] + parts + ["--out", merged])
    #expect(merge.status == 0, "\(merge.stderr)")
    #expect(Self.tree(merged) == Self.tree(whole))

    let shared = folder.file("shared")
    for i in 0..<2 { #expect(try CLI.run(["cohort", manifest, "--out", shared, "--shard", "\(i)/2", "--quiet"]).status == 0) }
    #expect(try CLI.run(["merge", shared]).status == 0)
    #expect(Self.tree(shared) == Self.tree(whole))

    // The same study in two folders is refused before anything is written.
    let clash = try CLI.run(["merge", parts[0], whole, "--out", folder.file("clash")])
    #expect(clash.status == 65 && clash.stderr.contains("is in both"), "\(clash.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("clash")))
  }

  @Test("broken studies (missing file, truncated gzip, mismatched grid) land in failures.tsv; the others finish")
  func brokenStudies() throws {
    let manifest = try phantomCohort()
    let fm = FileManager.default
    try fm.removeItem(atPath: folder.file("cohort/study-0001/native.nii.gz"))
    let arterial = folder.file("cohort/study-0002/arterial.nii.gz")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: arterial))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: arterial))
    let venous = folder.file("cohort/study-0003/venous.nii.gz")
    try fm.removeItem(atPath: venous)
    try fm.copyItem(atPath: folder.file("cohort/study-0003/t2.nii.gz"), toPath: venous)

    let out = folder.file("out")
    let run = try CLI.run(["cohort", manifest, "--out", out, "--quiet"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("4 studies: 1 analysed, 0 already done, 3 failed"), "\(run.stdout)")
    let failures = try Self.tsv(out + "/failures.tsv")
    #expect(failures.map { $0["study_id"]! } == ["study-0001", "study-0002", "study-0003"])
    #expect(failures.map { $0["stage"]! } == ["inputs", "read", "analyze"])
    #expect(failures[0]["message"]!.contains("study-0001/native.nii.gz"))
    #expect(failures[1]["message"]!.contains("study-0002/arterial.nii.gz"))
    #expect(failures[2]["message"]!.contains("study-0003/venous.nii.gz") && failures[2]["message"]!.contains("grid"))
    let studies = try Self.tsv(out + "/studies.tsv")
    #expect(studies.map { $0["status"]! } == ["failed", "failed", "failed", "done"])
    let validator = try JSONSchemaValidator(schemaFile: Self.root + "/schema/failure.schema.json")
    #expect(try validator.errors(inFile: out + "/study-0002/failure.json").isEmpty)
    #expect(fm.fileExists(atPath: out + "/study-0004/lesions.json"))
    // --failures-ok for workflow engines.
    #expect(try CLI.run(["cohort", manifest, "--out", out, "--quiet", "--resume", "--failures-ok"]).status == 0)
  }

  @Test("manifest errors are rejected before any work, naming the file and line")
  func manifestErrors() throws {
    let header = "study_id\tnative\tarterial\tliver_mask\n"
    let cases: [(String, String, String)] = [
      ("nomask.tsv", "study_id\tnative\tarterial\na\tn.nii\ta.nii\n", "no liver_mask column"),
      ("duplicate.tsv", header + "a\tn.nii\ta.nii\tm.nii\na\tn.nii\ta.nii\tm.nii\n", "repeats line 2"),
      ("dotdot.tsv", header + "..\tn.nii\ta.nii\tm.nii\n", "not a safe folder name"),
      ("escape.tsv", header + "../evil\tn.nii\ta.nii\tm.nii\n", "not a safe folder name"),
      ("slash.tsv", header + "a/b\tn.nii\ta.nii\tm.nii\n", "not a safe folder name"),
      ("ragged.tsv", header + "a\tn.nii\ta.nii\n", "3 cells for 4 columns"),
      ("empty-cell.tsv", header + "a\tn.nii\t\tm.nii\n", "has no arterial"),
    ]
    for (name, text, reason) in cases {
      let path = folder.write(name, Array(text.utf8))
      let out = folder.file("out-" + name)
      let run = try CLI.run(["cohort", path, "--out", out])
      #expect(run.status == 65, "\(name): \(run.status)")
      #expect(run.stderr.contains(path) && run.stderr.contains(reason), "\(name): \(run.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(name) made the output folder")
    }
    let missing = try CLI.run(["cohort", folder.file("nothing.tsv"), "--out", folder.file("o")])
    #expect(missing.status == 66)
    let badShard = try CLI.run(["cohort", folder.file("nothing.tsv"), "--out", folder.file("o"), "--shard", "3/3"])
    #expect(badShard.status == 64)
  }

  @Test("a folder of study folders is a cohort too; progress lines go to standard error")
  func folderOfStudies() throws {
    _ = try phantomCohort(studies: 2)
    try FileManager.default.removeItem(atPath: folder.file("cohort/manifest.tsv"))
    let run = try CLI.run(["cohort", folder.file("cohort"), "--out", folder.file("out")])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.tsv(folder.file("out/studies.tsv")).map { $0["study_id"]! } == ["study-0001", "study-0002"])
    #expect(run.stderr.contains("hepafoci cohort: 2/2 studies"), "\(run.stderr)")
  }
}

/// A small fixed-seed generator for test schedules.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

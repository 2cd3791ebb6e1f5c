import Foundation
import Testing
import _FociTestSupport

/// Runs the built `hepafoci` executable as a user would.
enum CLI {
  /// The `hepafoci` binary beside the test bundle in the build products folder.
  static let executable: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("hepafoci").path), folder.path != "/" {
      folder.deleteLastPathComponent()
    }
    return folder.appendingPathComponent("hepafoci")
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `hepafoci` with `arguments`, with `environment` added to this process's.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}

@Suite("hepafoci info")
struct InfoCommandTests {
  struct InfoJSON: Decodable {
    var dims: [Int]
    var spacing: [Double]
    var datatype: String
    var affine: [[Double]]
    var affineSource: String
    var sclSlope: Double?
    var sclInter: Double?
    var min: Double
    var max: Double
    var mean: Double
    var sum: Double
  }

  @Test("--json agrees with nibabel on dims, affine (1e-4) and statistics (1e-5 relative)", arguments: NIfTIFixtures.names)
  func agreesWithNibabel(name: String) throws {
    let expected = try #require(NIfTIFixtures.expected[name])
    let result = try CLI.run(["info", "--json", NIfTIFixtures.path(name)])
    #expect(result.status == 0, "\(result.stderr)")
    let info = try JSONDecoder().decode(InfoJSON.self, from: Data(result.stdout.utf8))
    #expect(info.dims == expected.dims)
    #expect(info.datatype == expected.datatype)
    let mm = expected.millimetresPerUnit
    for r in 0..<4 {
      for c in 0..<4 { #expect(abs(info.affine[r][c] - expected.affine[r][c] * (r < 3 ? mm : 1)) <= 1e-4 * mm) }
    }
    let slack = max(abs(expected.min), abs(expected.max)) * 0x1p-24  // float32 samples; see reader tests
    #expect(abs(info.min - expected.min) <= 1e-5 * max(1, abs(expected.min)) + slack)
    #expect(abs(info.max - expected.max) <= 1e-5 * max(1, abs(expected.max)) + slack)
    #expect(abs(info.mean - expected.mean) <= 1e-5 * max(1, abs(expected.mean)) + slack)
    #expect(abs(info.sum - expected.sum) <= 1e-5 * max(1, abs(expected.sum)) + slack * Double(expected.values.count))
  }

  @Test("text output names the file, the grid and the affine source")
  func text() throws {
    let result = try CLI.run(["info", NIfTIFixtures.path("qform_only.nii")])
    #expect(result.status == 0)
    #expect(result.stdout.contains("qform_only.nii"))
    #expect(result.stdout.contains("6 × 5 × 4"))
    #expect(result.stdout.contains("qform (qform_code 1, sform_code 0)"))
  }

  @Test("several files with --json give an array")
  func severalFiles() throws {
    let result = try CLI.run(["info", "--json", NIfTIFixtures.path("dtype_uint8.nii"), NIfTIFixtures.path("pair_int32.hdr")])
    #expect(result.status == 0)
    let infos = try JSONDecoder().decode([InfoJSON].self, from: Data(result.stdout.utf8))
    #expect(infos.map(\.datatype) == ["uint8", "int32"])
  }

  @Test("bad input: a message naming the file, a sysexits code, nothing on stdout", arguments: [
    ("missing.nii.gz", Int32(66)), ("notes.nii", 65), ("bold.nii", 65),
  ])
  func badInput(name: String, status: Int32) throws {
    let folder = TemporaryFolder()
    folder.write("notes.nii", Array(String(repeating: "text ", count: 100).utf8))
    folder.copy(NIfTIFixtures.path("time_series_4d.nii"), as: "bold.nii")
    let path = folder.file(name)
    let result = try CLI.run(["info", "--json", path])
    #expect(result.status == status)
    #expect(result.stderr.contains(path))
    #expect(result.stderr.hasPrefix("hepafoci: error: "))
    #expect(result.stdout.isEmpty)
    #expect(folder.contents() == ["bold.nii", "notes.nii"], "info writes nothing")
  }

  @Test("one bad file among good ones: the good ones are reported, the exit code is non-zero")
  func mixed() throws {
    let result = try CLI.run(["info", NIfTIFixtures.path("dtype_uint8.nii"), "/nonexistent/x.nii"])
    #expect(result.status == 66)
    #expect(result.stdout.contains("dtype_uint8.nii"))
    #expect(result.stderr.contains("/nonexistent/x.nii: no such file"))
  }
}

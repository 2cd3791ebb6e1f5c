import Foundation
import Testing
import _FociTestSupport

@Suite("hepafoci phantom")
struct PhantomCommandTests {
  let folder = TemporaryFolder()

  @Test("writes the study folders and manifest, and prints the reference table")
  func writesCohort() throws {
    let out = folder.file("cohort")
    let result = try CLI.run(["phantom", "--out", out, "--studies", "2", "--seed", "5", "--shape", "64", "52", "18", "--spacing", "5.6", "5.6", "14"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("2 studies written to \(out)"))
    #expect(result.stdout.contains("lesions in the liver"))
    let manager = FileManager.default
    #expect(manager.fileExists(atPath: out + "/manifest.tsv"))
    for study in ["study-0001", "study-0002"] {
      for name in ["native", "arterial", "venous", "delayed", "t2", "adc", "liver_mask", "truth_labels", "truth_mimics"] {
        #expect(manager.fileExists(atPath: out + "/\(study)/\(name).nii.gz"), "\(study)/\(name)")
      }
      #expect(manager.fileExists(atPath: out + "/\(study)/truth.json"))
    }
  }

  @Test("bad options are usage errors (64)", arguments: [
    ["--shape", "64", "52"], ["--spacing", "1", "0", "1"], ["--studies", "0"], ["--snr", "-1"], ["--max-shift", "-2"],
  ])
  func badOptions(arguments: [String]) throws {
    let result = try CLI.run(["phantom", "--out", folder.file("x")] + arguments)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("x")))
  }

  @Test("an output folder that cannot be made is a one-line error naming it (73)")
  func unwritable() throws {
    let blocker = folder.write("file", [1, 2, 3])
    let result = try CLI.run(["phantom", "--out", blocker + "/cohort", "--shape", "32", "26", "12", "--spacing", "11.2", "11.2", "20"])
    #expect(result.status == 73)
    #expect(result.stderr.contains(blocker + "/cohort"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }
}

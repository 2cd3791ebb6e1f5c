import FociCore
import Glibc
import Testing
import _FociTestSupport

@Suite("AtomicFile")
struct AtomicFileTests {
  let folder = TemporaryFolder()

  @Test("writes pieces in order, replaces an existing file, leaves no temporary")
  func writes() throws {
    let path = folder.file("out.bin")
    try AtomicFile.write(path, bytes: [1, 2, 3])
    #expect(fileBytes(path) == [1, 2, 3])
    let a: [UInt8] = [9, 8], b: [UInt8] = [7]
    try a.withUnsafeBytes { ra in try b.withUnsafeBytes { rb in try AtomicFile.write(path, pieces: [ra, rb]) } }
    #expect(fileBytes(path) == [9, 8, 7])
    #expect(folder.contents() == ["out.bin"])
  }

  @Test("a folder that does not exist: the error names the file, nothing is written")
  func missingFolder() {
    let path = folder.file("absent/out.bin")
    #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write(path, bytes: [1]) }
    do { try AtomicFile.write(path, bytes: [1]) } catch { #expect(error.description.hasPrefix(path + ": could not be written")) }
    #expect(folder.contents().isEmpty)
  }

  @Test("temporary names are recognised, the final name may hold dots")
  func names() {
    let name = AtomicFile.temporaryName(for: "cohort.json")
    #expect(name.hasPrefix(".cohort.json.") && name.hasSuffix(".tmp"))
    #expect(AtomicFile.isTemporary(name))
    #expect(AtomicFile.isTemporary(AtomicFile.temporaryName(for: "a.b.c.nii.gz", pid: 42)))
    for other in [".cohort.json", "cohort.json.tmp", ".x.tmp", ".dat.nosync3B09.jmxEgs", ".a.host.-4.7.tmp", ".a.host.12.z.tmp"] {
      #expect(!AtomicFile.isTemporary(other), "\(other)")
    }
  }

  @Test("the sweep removes a dead writer's and an old temporary, keeps a live writer's and other files")
  func sweep() throws {
    // No process has pid Int32.max (above any pid_max), so kill(2) answers ESRCH.
    let dead = AtomicFile.temporaryName(for: "studies.tsv", pid: Int32.max)
    let live = AtomicFile.temporaryName(for: "lesions.tsv")
    let remoteFresh = ".cohort.json.otherhost.123.5.tmp"
    let remoteOld = ".failures.tsv.otherhost.123.6.tmp"
    for name in [dead, live, remoteFresh, remoteOld, "keep.tsv", ".hidden"] {
      try AtomicFile.write(folder.file(name), bytes: [0])
    }
    var times = [timeval(tv_sec: 1_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000, tv_usec: 0)]
    #expect(utimes(folder.file(remoteOld), &times) == 0)
    #expect(AtomicFile.removeStaleTemporaries(in: folder.path) == 2)
    #expect(folder.contents() == [remoteFresh, live, ".hidden", "keep.tsv"].sorted())
  }
}

import FociCohort
import Foundation
import Testing
import _FociTestSupport

@Suite("CohortFolder")
struct CohortFolderTests {
  let temporary = TemporaryFolder()

  @Test("publish puts a whole folder in place, replaces an earlier one, and leaves nothing on failure")
  func publish() throws {
    let folder = try CohortFolder(creating: temporary.file("out/nested"))
    try folder.publish("s1") { (partial: String) throws(StudyError) in
      try StudyPipeline.writeAtomically(Data("first".utf8), to: partial + "/a.txt")
    }
    #expect(FileManager.default.contents(atPath: folder.studyPath("s1") + "/a.txt") == Data("first".utf8))
    try folder.publish("s1") { (partial: String) throws(StudyError) in
      try StudyPipeline.writeAtomically(Data("second".utf8), to: partial + "/b.txt")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.studyPath("s1")) == ["b.txt"])
    #expect(throws: StudyError.self) {
      try folder.publish("s2") { (_: String) throws(StudyError) in
        throw StudyError(stage: .analyze, kind: .badData, message: "no")
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["s1"])
  }

  @Test("partial folders of the named studies are removed, others' kept (shards share folders)")
  func removePartials() throws {
    let folder = try CohortFolder(creating: temporary.file("out"))
    let names = [".partial-study-1-123-1", ".partial-study-1-123-1-old", ".partial-study-2-99-4", "study-1"]
    for name in names { try FileManager.default.createDirectory(atPath: folder.path + "/" + name, withIntermediateDirectories: false) }
    folder.removePartials(of: ["study-1"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [".partial-study-2-99-4", "study-1"])
  }

  @Test("shards partition the studies, every N-th from the I-th")
  func shards() {
    let jobs = (0..<11).map { CohortRun.Job(id: "s\($0)", files: .failure(StudyError(stage: .inputs, kind: .missingInput, message: ""))) }
    let parts = (0..<3).map { CohortSource.shard(jobs, index: $0, count: 3).map(\.id) }
    #expect(parts[1] == ["s1", "s4", "s7", "s10"])
    #expect(parts.flatMap { $0 }.sorted() == jobs.map(\.id).sorted())
  }
}

@Suite("MemoryBudget")
struct MemoryBudgetTests {
  @Test("holders never exceed the limit together, except one alone; all finish")
  func bound() {
    let budget = MemoryBudget(limit: 100)
    let state = Tracker()
    // Sizes from a fixed-seed sequence, one over the limit.
    let sizes = (0..<40).map { $0 == 7 ? 150 : 10 + ($0 * 37) % 60 }
    DispatchQueue.concurrentPerform(iterations: sizes.count) { i in
      budget.acquire(sizes[i])
      state.enter(sizes[i])
      usleep(2000)
      state.leave(sizes[i])
      budget.release(sizes[i])
    }
    #expect(state.violations == 0)
    #expect(state.finished == sizes.count)
  }

  final class Tracker: @unchecked Sendable {
    let lock = NSLock()
    var used = 0, holders = 0, violations = 0, finished = 0
    func enter(_ n: Int) {
      lock.lock()
      used += n
      holders += 1
      if holders > 1 && used > 100 { violations += 1 }
      lock.unlock()
    }
    func leave(_ n: Int) {
      lock.lock()
      used -= n
      holders -= 1
      finished += 1
      lock.unlock()
    }
  }
}

import FociDetection
import Testing

@Suite("T2 read against a level of its own in a liver crowded with T2-bright lesions")
struct T2LevelTests {
  @Test("two lesions of 5.9 and 5.5 mm, 2.7× brighter than the liver on T2 and iso natively, read as iso against the T1 phases' reference and are found against T2's own level (phantom seed 1, study 43, lesions 39 and 40)")
  func smallT2BrightLesionsFound() throws {
    let study = PhantomStudyDetection(index: 42)
    for lesion: UInt32 in [39, 40] {
      #expect(try study.coveredShare(of: lesion) { $0.t2LevelCap = 0 } == 0, "lesion \(lesion) on the T1 reference")
      #expect(try study.coveredShare(of: lesion) { _ in } >= 0.8, "lesion \(lesion) on T2's own level")
    }
  }
}

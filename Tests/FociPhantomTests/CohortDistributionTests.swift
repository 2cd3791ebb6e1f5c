import FociCore
import Testing

@testable import FociPhantom

@Suite("A phantom cohort reproduces the clinical reference figures")
struct CohortDistributionTests {
  @Test("200 studies: lesion count, burden and largest lesion medians, class shares within ±6 points")
  func referenceFigures() throws {
    var cohort = PhantomSettings()
    cohort.seed = 1
    let settings = cohort
    let count = 200
    let truths = UnsafeMutableBufferPointer<PhantomTruth?>.allocate(capacity: count)
    truths.initialize(repeating: nil)
    defer { truths.deallocate() }
    let out = UncheckedSendable(truths)
    ParallelSlabs.forEach(count: count) { i in
      out.value[i] = PhantomTruth(design: StudyDesign.draw(settings: settings, index: i))
    }
    let statistics = CohortTruthStatistics(truths.compactMap { $0 })
    let lesions = try #require(statistics.lesionCount), burden = try #require(statistics.burdenPercent)
    let largest = try #require(statistics.largestLesionMM)
    #expect((20...32).contains(lesions.median), "lesion count median \(lesions.median)")
    #expect(lesions.min >= 1 && lesions.max > 50)
    #expect((15...30).contains(burden.median), "burden median \(burden.median)")
    #expect((40...70).contains(largest.median), "largest lesion median \(largest.median)")
    for (key, reference) in CohortTruthStatistics.reference.classShares {
      let share = statistics.classShares[key] ?? 0
      #expect(abs(share - reference) <= 0.06, "\(key): \(share) vs \(reference)")
    }
    let p = statistics.patientShares
    #expect(abs((p["smallest<=5mm"] ?? 0) - 0.777) <= 0.08)
    #expect(abs((p["avascularZone"] ?? 0) - 0.612) <= 0.08)
    #expect(abs((p["bloodProducts"] ?? 0) - 0.262) <= 0.08)
    #expect(abs((p["lesions>=5"] ?? 0) - 0.757) <= 0.08)
  }
}

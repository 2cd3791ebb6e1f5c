import FociCore
import FociDetection
import Testing

@Suite("Detection of a lesion larger than the parenchyma level's reach")
struct LargeLesionTests {
  @Test("a 120 mm lesion filling the liver's dome, patchily above the arterial threshold, comes out nearly whole (phantom seed 1, study 5)")
  func domeLesion() throws {
    let study = PhantomStudyDetection(index: 4)
    let result = try study.detect(adc: false)
    // The largest true lesion (id 1: 120 mm, arterial ratio 1.04, hypointense on native T1).
    let (inside, covered, pieces) = study.coverage(of: 1, by: result.foci.labels.labels32)
    #expect(inside > 80_000)
    // Before the parenchyma reference left a margin around arterial candidates, a quarter of
    // it was found, in 268 pieces.
    #expect(Double(covered) / Double(inside) > 0.85)
    #expect(pieces.count <= 20)
    #expect(result.foci.count < 80)
  }
}

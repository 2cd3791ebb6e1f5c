import FociDetection
import Testing

@Suite("Detection of two touching T2-bright lesions that the plain pass joins")
struct TouchingLesionsTests {
  @Test("a 29 mm lesion and a 45 mm neighbour in one plain region are parted by their joint-pass lesions (phantom seed 1, study 79, lesions 16 and 5)")
  func partedByTheJointPass() throws {
    let study = PhantomStudyDetection(index: 78)
    /// The foci covering lesion 16, and whether any of them covers lesion 5 too.
    func pieces(split: Int) throws -> (lesion16: Set<UInt32>, shared: Bool) {
      var settings = DetectionSettings()
      settings.hypointense?.jointSplitVoxels = split
      let foci = try study.detect(settings).foci.labels.labels32
      let (_, _, of16) = study.coverage(of: 16, by: foci)
      let (_, _, of5) = study.coverage(of: 5, by: foci)
      return (of16, !of16.isDisjoint(with: of5))
    }
    #expect(try pieces(split: 0).shared, "off: one focus holds both")
    let parted = try pieces(split: HypointenseChannel().jointSplitVoxels)
    #expect(!parted.lesion16.isEmpty && !parted.shared, "\(parted)")
    let (inside, covered, _) = try study.coverage(of: 16) { _ in }
    #expect(covered * 10 >= inside * 8, "\(covered) of \(inside) voxels covered")
  }
}

import FociCore
import Testing
import _FociTestSupport

@Suite("Selection")
struct SelectionTests {
  /// Every rank of `values` against a full sort.
  func expectMatchesSort(_ values: [Float]) {
    let sorted = values.sorted()
    for rank in values.indices {
      var copy = values
      let found = copy.withUnsafeMutableBufferPointer { Selection.kthSmallest($0, rank: rank) }
      #expect(found == sorted[rank], "rank \(rank) of \(values.count)")
      #expect(copy.sorted() == sorted, "the values are only reordered")
    }
  }

  @Test("every rank equals a full sort on random values with many ties (fixed seeds)")
  func randomValues() {
    var rng = SeededGenerator(seed: 7)
    for count in [1, 2, 3, 5, 17, 64, 257] {
      for levels in [2, 10, 1000] {
        let values = (0..<count).map { _ in Float(Int.random(in: 0..<levels, using: &rng)) * 0.5 - 3 }
        expectMatchesSort(values)
      }
    }
  }

  @Test("sorted, reversed and constant inputs")
  func adversarial() {
    let ramp = (0..<300).map { Float($0) }
    expectMatchesSort(ramp)
    expectMatchesSort(ramp.reversed())
    expectMatchesSort([Float](repeating: 4, count: 100))
    expectMatchesSort((0..<200).map { Float($0 % 2) })
  }
}

import FociCore
import Testing

@Suite struct ArrayGroupTests {
  @Test func pointersFollowTheArraysInOrder() {
    let arrays: [[Int]] = [[1, 2, 3], [10, 20], [], [7]]
    let firsts = ArrayGroup.withPointers(to: arrays) { pointers in
      (0..<arrays.count).map { arrays[$0].isEmpty ? -1 : pointers[$0][0] }
    }
    #expect(firsts == [1, 10, -1, 7])
    #expect(ArrayGroup.withPointers(to: [[Float]]()) { $0.count } == 0)
  }

  @Test func madeArraysStartAtTheInitialValueAndKeepTheirOrder() {
    let made = ArrayGroup.make(count: 3, length: 4, initial: Float(-1)) { pointers in
      for (q, p) in pointers.enumerated() { p[q] = Float(q) }
    }
    #expect(made == [[0, -1, -1, -1], [-1, 1, -1, -1], [-1, -1, 2, -1]])
    #expect(ArrayGroup.make(count: 0, length: 4, initial: 0) { _ in }.isEmpty)
  }
}

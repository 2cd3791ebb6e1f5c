import FociCore
import Testing
import _FociTestSupport

@Suite("Volume, LabelVolume, IntensitySummary")
struct VolumeTests {
  @Test("subscript reads and writes the flat buffer")
  func subscripts() {
    var v = Volume(grid: Grid(dims: SIMD3(3, 2, 2), spacingMM: SIMD3(1, 1, 1)), repeating: Float(0))
    v[2, 1, 1] = 5
    #expect(v.voxels[v.grid.offset(2, 1, 1)] == 5)
    #expect(v[2, 1, 1] == 5)
    #expect(!v.contains(3, 0, 0) && v.contains(0, 0, 1))
  }

  @Test("labels narrow to 16 bits exactly when they fit")
  func labelWidth() {
    let grid = Grid(dims: SIMD3(2, 1, 1), spacingMM: SIMD3(1, 1, 1))
    #expect(LabelVolume(grid: grid, labels: [0, 65_535] as [UInt32]).bytesPerLabel == 2)
    #expect(LabelVolume(grid: grid, labels: [0, 65_536] as [UInt32]).bytesPerLabel == 4)
    let wide = LabelVolume(grid: grid, labels: [7, 65_536] as [UInt32])
    #expect(wide[1, 0, 0] == 65_536 && wide.maxLabel == 65_536 && wide.labels32 == [7, 65_536])
  }

  @Test("voxels per label in either width, labels past the limit not counted")
  func labelCounts() {
    let grid = Grid(dims: SIMD3(6, 1, 1), spacingMM: SIMD3(1, 1, 1))
    let narrow = LabelVolume(grid: grid, labels: [0, 2, 2, 1, 9, 0] as [UInt32])
    #expect(narrow.bytesPerLabel == 2 && narrow.voxelCounts(upTo: 3) == [2, 1, 2, 0])
    let wide = LabelVolume(grid: grid, labels: [0, 2, 2, 1, 70_000, 0] as [UInt32])
    #expect(wide.bytesPerLabel == 4 && wide.voxelCounts(upTo: 2) == [2, 1, 2])
  }

  @Test("summary equals a plain loop, skips non-finite samples, and is thread-count free")
  func summary() {
    var rng = SeededGenerator(seed: 3)
    let grid = Grid(dims: SIMD3(300, 200, 20), spacingMM: SIMD3(1, 1, 1))
    var values = (0..<grid.voxelCount).map { _ in Float.random(in: -500...2000, using: &rng) }
    values[17] = .nan
    values[40_000] = .infinity
    let s = IntensitySummary(of: Volume(grid: grid, voxels: values))
    let finite = values.filter(\.isFinite)
    let sum = finite.reduce(0.0) { $0 + Double($1) }
    #expect(s.finiteCount == finite.count && s.nonFiniteCount == 2)
    #expect(s.min == Double(finite.min()!) && s.max == Double(finite.max()!))
    #expect(abs(s.sum - sum) <= 1e-9 * abs(sum))
    #expect(abs(s.mean - sum / Double(finite.count)) < 1e-9)
    #expect(IntensitySummary(of: Volume(grid: grid, voxels: values)) == s)
  }

  @Test("slab ranges cover the whole range in order")
  func ranges() {
    let r = ParallelSlabs.ranges(total: 10, pieces: 3)
    #expect(r == [0..<3, 3..<6, 6..<10])
    #expect(ParallelSlabs.ranges(total: 5, pieces: 0) == [0..<5])
  }

  @Test("both pieces of work run and keep their own results")
  func bothRunsTwoPieces() {
    let values = (0..<100_000).map { Double($0 % 97) }
    let (sum, label) = ParallelSlabs.both({ values.reduce(0, +) }, { "n\(values.count)" })
    #expect(sum == values.reduce(0, +) && label == "n100000")
    // Nested inside parallel work too (as a study inside a cohort runs it).
    let pairs = ParallelSlabs.array(count: 4) { range, out in
      for (o, n) in range.enumerated() {
        let (a, b) = ParallelSlabs.both({ n * 2 }, { n * 3 })
        out[o] = a + b
      }
    }
    #expect(pairs == [0, 5, 10, 15])
  }
}

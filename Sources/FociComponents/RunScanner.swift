/// Finds the runs of non-zero bytes in a row, eight bytes at a time.
///
/// Background is skipped a 64-bit word at a time (a zero word is eight background voxels);
/// inside a run the first zero byte of a word is found with the classic "has zero byte" bit
/// trick, so long runs also advance eight voxels per step.
enum RunScanner {
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highs: UInt64 = 0x8080_8080_8080_8080

  /// Calls `body(start, end)` for every maximal span `[start, end)` of non-zero bytes.
  @inline(__always)
  static func forEachRun(_ row: UnsafePointer<UInt8>, count n: Int, _ body: (Int, Int) -> Void) {
    let raw = UnsafeRawPointer(row)
    var x = 0
    while x < n {
      #if _endian(little)
      while x &+ 8 <= n {
        let w = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self)
        if w != 0 {
          x &+= w.trailingZeroBitCount >> 3
          break
        }
        x &+= 8
      }
      #endif
      while x < n, row[x] == 0 { x &+= 1 }
      if x >= n { return }
      let start = x
      #if _endian(little)
      while x &+ 8 <= n {
        let w = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self)
        let zeros = (w &- ones) & ~w & highs
        if zeros != 0 {
          x &+= zeros.trailingZeroBitCount >> 3
          break
        }
        x &+= 8
      }
      #endif
      while x < n, row[x] != 0 { x &+= 1 }
      body(start, x)
    }
  }
}

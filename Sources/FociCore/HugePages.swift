#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large, freshly allocated buffer with 2 MiB pages.
///
/// A new 200 MB buffer otherwise takes ~50,000 page faults (each zeroing 4 KiB) on first
/// touch, which costs as much as decoding the data. With transparent huge pages in `madvise`
/// mode (the Debian default) the advice cuts that 512-fold; elsewhere it is a harmless no-op.
public enum HugePages {
  /// Buffers smaller than this are left alone.
  public static let threshold = 4 << 20

  /// Advises huge pages for the 2 MiB-aligned interior of `[pointer, pointer + byteCount)`.
  /// Call before the memory is first written.
  public static func advise(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
    guard byteCount >= threshold else { return }
    let huge = 2 << 20
    let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: pointer) + byteCount) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE
    #endif
  }

  /// Advises huge pages for a freshly allocated typed buffer (see above).
  public static func advise<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
    if let base = buffer.baseAddress { advise(UnsafeMutableRawPointer(base), byteCount: buffer.count * MemoryLayout<T>.stride) }
  }
}

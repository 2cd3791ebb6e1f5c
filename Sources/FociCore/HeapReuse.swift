#if canImport(Glibc)
  import Glibc
#endif

/// Keeps freed volume-sized blocks in the process for the next study instead of returning them
/// to the kernel.
///
/// An analysis allocates and frees dozens of 4–60 MB volumes. By default glibc serves those
/// with fresh mmaps (or trims them off the heap when freed), so every one costs page faults
/// that zero its memory again: a tenth of a cohort's time. With a high mmap threshold, trim
/// threshold and top pad the heap keeps them for reuse, for a few tens of MB more peak memory.
public enum HeapReuse {
  /// Applies the policy to this process (glibc only; a no-op elsewhere). Call once, early.
  public static func enable() {
    #if os(Linux)
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let mallopt = GlibcFunction.lookup("mallopt", as: Mallopt.self) else { return }
      // M_MMAP_THRESHOLD (−3): 32 MiB, the largest glibc accepts on 64-bit; M_TRIM_THRESHOLD
      // (−1) and M_TOP_PAD (−2): keep up to 1 GiB and pad by 64 MiB.
      _ = mallopt(-3, 32 << 20)
      _ = mallopt(-1, 1 << 30)
      _ = mallopt(-2, 64 << 20)
    #endif
  }
}

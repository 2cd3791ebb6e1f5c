#if canImport(Glibc)
  import Glibc

  /// glibc functions Swift's Glibc module does not declare (they need _GNU_SOURCE or
  /// malloc.h), found by name in the running process.
  enum GlibcFunction {
    /// The function `name` as a C function pointer of type `F`; nil when the process has none.
    static func lookup<F>(_ name: String, as type: F.Type) -> F? {
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }  // RTLD_DEFAULT
      return unsafeBitCast(symbol, to: F.self)
    }
  }
#endif

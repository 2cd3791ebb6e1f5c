#if canImport(Glibc)
  import Glibc
#endif

/// The cores this process may run on. `cohort --jobs N` keeps the first N of them, so N means
/// N cores (as `make -j` does) for the studies and for their own parallel loops alike, and a
/// job sharing a node (Slurm, a workstation) stays on its share.
public enum ProcessorAffinity {
  #if os(Linux)
    /// glibc's sched_getaffinity/sched_setaffinity (pid, set size, set).
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    private static func call(_ name: String) -> AffinityCall? { GlibcFunction.lookup(name, as: AffinityCall.self) }
    /// 1024 CPUs, glibc's cpu_set_t.
    private static let setBytes = 128
  #endif

  /// How many cores the process may use now (0 when unknown).
  public static func count() -> Int {
    #if os(Linux)
      guard let get = call("sched_getaffinity") else { return 0 }
      var set = [UInt8](repeating: 0, count: setBytes)
      guard set.withUnsafeMutableBytes({ get(0, setBytes, $0.baseAddress!) }) == 0 else { return 0 }
      return set.reduce(0) { $0 + $1.nonzeroBitCount }
    #else
      return 0
    #endif
  }

  /// Keeps the first `cores` of the allowed cores; returns whether the set changed. Nothing
  /// happens when `cores` is not below the allowed count (or off Linux).
  @discardableResult
  public static func limit(to cores: Int) -> Bool {
    #if os(Linux)
      guard cores >= 1, let get = call("sched_getaffinity"), let put = call("sched_setaffinity") else { return false }
      var set = [UInt8](repeating: 0, count: setBytes)
      guard set.withUnsafeMutableBytes({ get(0, setBytes, $0.baseAddress!) }) == 0 else { return false }
      guard set.reduce(0, { $0 + $1.nonzeroBitCount }) > cores else { return false }
      var kept = 0
      for i in set.indices {
        for bit in 0..<8 where set[i] & (1 << bit) != 0 {
          if kept < cores { kept += 1 } else { set[i] &= ~(1 << bit) }
        }
      }
      return set.withUnsafeMutableBytes { put(0, setBytes, $0.baseAddress!) } == 0
    #else
      return false
    #endif
  }
}

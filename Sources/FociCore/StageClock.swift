#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Wall-clock times of named pipeline stages, written to standard error as
/// `stage NAME WALL ms CPU ms` when the environment variable `HEPAFOCI_STAGE_TIMES` is set
/// (to anything but `0`); CPU is the whole process's processor time over the stage, so
/// CPU / wall shows how many cores the stage kept busy (with one study at a time). Off, a stage costs one branch on a constant. For finding where a
/// study's time goes without a profiler; speed claims still come from `Benchmarks/`.
public enum StageClock {
  /// Whether stage times are written (read once from the environment).
  public static let enabled: Bool = {
    guard let value = getenv("HEPAFOCI_STAGE_TIMES") else { return false }
    return String(cString: value) != "0"
  }()

  /// Runs `body`, and with stage times on writes how long it took under `name`.
  @inline(__always)
  public static func measure<T, E: Error>(_ name: @autoclosure () -> String, _ body: () throws(E) -> T) throws(E) -> T {
    guard enabled else { return try body() }
    let start = now()
    defer { record(name(), since: start) }
    return try body()
  }

  /// A start time for `record(_:since:)`, for stages that do not fit one closure.
  @inline(__always)
  public static func start() -> Times { enabled ? now() : Times(wall: 0, processor: 0) }

  /// With stage times on, writes the time since `start` under `name`.
  @inline(__always)
  public static func record(_ name: @autoclosure () -> String, since start: Times) {
    if enabled { write(name(), start: start, end: now()) }
  }

  /// A point in wall-clock and process time, in seconds.
  public struct Times: Sendable {
    var wall: Double
    var processor: Double
  }

  static func now() -> Times {
    func seconds(_ clock: clockid_t) -> Double {
      var t = timespec()
      clock_gettime(clock, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    return Times(wall: seconds(CLOCK_MONOTONIC), processor: seconds(CLOCK_PROCESS_CPUTIME_ID))
  }

  /// One line per stage with a single write, so lines of concurrent studies do not interleave.
  static func write(_ name: String, start: Times, end: Times) {
    func milliseconds(_ seconds: Double) -> Double { (seconds * 10_000).rounded() / 10 }
    let line = "stage \(name) \(milliseconds(end.wall - start.wall)) ms \(milliseconds(end.processor - start.processor)) ms\n"
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { writeToStandardError($0) }
  }

  private static func writeToStandardError(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
    #if canImport(Glibc)
      Glibc.write(2, buffer.baseAddress, buffer.count)
    #else
      Darwin.write(2, buffer.baseAddress, buffer.count)
    #endif
  }
}

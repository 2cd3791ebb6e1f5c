import Foundation

/// Progress of a cohort run on standard error: on a terminal a bar redrawn in place with the
/// count, rate and time left; otherwise (CI, cluster logs) a plain line every few seconds.
public final class CohortProgress: @unchecked Sendable {
  public enum Style: Sendable {
    case bar, lines, silent

    /// A bar when standard error is a terminal, else lines.
    public static var automatic: Style { isatty(STDERR_FILENO) != 0 ? .bar : .lines }
  }

  private let total: Int
  private let style: Style
  private let interval: TimeInterval
  private let started = Date()
  private let lock = NSCondition()
  private var analysed = 0
  private var skipped = 0
  private var failed = 0
  private var finished = false
  private var thread: Thread?

  public init(total: Int, style: Style) {
    self.total = total
    self.style = style
    interval = style == .bar ? 0.25 : 5
  }

  /// Starts the reporting thread.
  public func start() {
    guard style != .silent else { return }
    let thread = Thread { [self] in
      lock.lock()
      while !finished {
        _ = lock.wait(until: Date().addingTimeInterval(interval))
        if !finished { emit(final: false) }
      }
      lock.unlock()
    }
    self.thread = thread
    thread.start()
  }

  public func studyAnalysed() { count { $0.analysed += 1 } }
  public func studySkipped() { count { $0.skipped += 1 } }
  public func studyFailed() { count { $0.failed += 1 } }

  private func count(_ change: (CohortProgress) -> Void) {
    lock.lock()
    change(self)
    lock.unlock()
  }

  /// Stops the thread and prints the last state.
  public func finish() {
    lock.lock()
    finished = true
    lock.broadcast()
    if style != .silent { emit(final: true) }
    lock.unlock()
  }

  /// One report; called with the lock held.
  private func emit(final: Bool) {
    let done = analysed + skipped + failed
    let elapsed = Date().timeIntervalSince(started)
    let worked = analysed + failed
    let rate = elapsed > 0 ? Double(worked) / elapsed : 0
    let left = total - done
    let eta = rate > 0 ? Self.duration(Double(left) / rate) : "--"
    let figures = String(
      format: "%d/%d studies (%d analysed, %d failed, %d already done) %.2f studies/s, %@ elapsed, %@ left", done, total, analysed,
      failed, skipped, rate, Self.duration(elapsed), final ? "0s" : eta)
    let line: String
    switch style {
    case .bar:
      let width = 24
      let filled = total > 0 ? width * done / total : width
      let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      line = "\r\u{1B}[2K[\(bar)] " + figures + (final ? "\n" : "")
    case .lines:
      line = "hepafoci cohort: " + figures + "\n"
    case .silent:
      return
    }
    FileHandle.standardError.write(Data(line.utf8))
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s)s"
  }
}

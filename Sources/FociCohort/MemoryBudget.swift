import Foundation

/// Bytes that studies in flight may hold together. A study waits until its share fits, except
/// that one study always runs, however large, so no cohort stalls.
public final class MemoryBudget: @unchecked Sendable {
  public let limit: Int
  private let condition = NSCondition()
  private var used = 0
  private var holders = 0

  public init(limit: Int) {
    self.limit = max(1, limit)
  }

  /// Blocks until `bytes` fit under the limit (or nothing else is held), then holds them.
  public func acquire(_ bytes: Int) {
    condition.lock()
    while holders > 0 && used + bytes > limit { condition.wait() }
    used += bytes
    holders += 1
    condition.unlock()
  }

  public func release(_ bytes: Int) {
    condition.lock()
    used -= bytes
    holders -= 1
    condition.broadcast()
    condition.unlock()
  }

  /// Memory the system can give without swapping (`MemAvailable` of /proc/meminfo), else the
  /// physical memory.
  public static func availableBytes() -> Int {
    if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
      for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
        let fields = line.split(separator: " ")
        if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
      }
    }
    return Int(ProcessInfo.processInfo.physicalMemory)
  }
}

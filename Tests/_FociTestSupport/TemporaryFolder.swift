import Foundation

/// A fresh folder under the system temporary directory, removed on deinit.
public final class TemporaryFolder: @unchecked Sendable {
  public let path: String

  public init(_ label: String = "hepafoci-test") {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    path = url.path
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Absolute path of `name` inside the folder.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Names of the entries in the folder, sorted (hidden files included).
  public func contents() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  /// Writes `bytes` to `name` and returns its path.
  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) -> String {
    let p = file(name)
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }

  /// Copies a file into the folder under `name` and returns the new path.
  @discardableResult
  public func copy(_ source: String, as name: String) -> String {
    let p = file(name)
    try? FileManager.default.removeItem(atPath: p)
    try! FileManager.default.copyItem(atPath: source, toPath: p)
    return p
  }
}

/// Reads a whole file.
public func fileBytes(_ path: String) -> [UInt8] {
  [UInt8](FileManager.default.contents(atPath: path) ?? Data())
}

/// A small deterministic random generator (SplitMix64) for reproducible test data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

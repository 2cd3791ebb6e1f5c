#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writing shared by every output of HepaFoci.
///
/// A file is written under a temporary name in its own folder and renamed over the final name
/// when complete, so readers see the old file or the whole new one, never a part. Temporary
/// names are `.<name>.<host>.<pid>.<random>.tmp`: recognisable, so a run killed mid-write
/// can have its leftovers swept by the next run (``removeStaleTemporaries(in:)``) without
/// touching the temporaries of a live process that shares the folder.
public enum AtomicFile {
  /// Why a write failed: the final path and the system's reason.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): could not be written: \(reason)" }
  }

  /// Writes `pieces` one after another to a temporary file beside `path`, then renames it to
  /// `path`. On any failure the temporary file is removed and `path` is left as it was.
  public static func write(_ path: String, pieces: [UnsafeRawBufferPointer]) throws(Failure) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = (folder.isEmpty ? "" : folder + "/") + temporaryName(for: name)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Failure(path: path, reason: message(errno)) }
    var failure: Failure?
    outer: for piece in pieces {
      var done = 0
      while done < piece.count {
        let n = posixWrite(fd, piece.baseAddress! + done, Swift.min(piece.count - done, 1 << 30))
        if n < 0 {
          if errno == EINTR { continue }
          failure = Failure(path: path, reason: message(errno))
          break outer
        }
        done += n
      }
    }
    if close(fd) != 0, failure == nil { failure = Failure(path: path, reason: message(errno)) }
    if failure == nil, rename(temporary, path) != 0 {
      failure = Failure(path: path, reason: message(errno))
    }
    if let failure {
      unlink(temporary)
      throw failure
    }
  }

  /// Writes `bytes` to `path` atomically.
  public static func write(_ path: String, bytes: some Sequence<UInt8>) throws(Failure) {
    let array = Array(bytes)
    let result: Result<Void, Failure> = array.withUnsafeBytes { raw in
      Result { () throws(Failure) in try write(path, pieces: [raw]) }
    }
    try result.get()
  }

  /// Whether `name` (a bare file name) is one of this type's temporary names.
  public static func isTemporary(_ name: String) -> Bool {
    parseTemporary(name) != nil
  }

  /// Removes temporaries left in `folder` (not its subfolders) by writers that died: those of
  /// this host whose process no longer runs, and any older than `maximumAge` seconds (a writer
  /// on another host of a shared file system). Returns how many were removed.
  @discardableResult
  public static func removeStaleTemporaries(in folder: String, maximumAge: Double = 24 * 3600) -> Int {
    guard let directory = opendir(folder) else { return 0 }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name.hasPrefix("."), name.hasSuffix(".tmp") { names.append(name) }
    }
    closedir(directory)
    let host = hostName
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var removed = 0
    for name in names {
      guard let owner = parseTemporary(name) else { continue }
      let path = folder + "/" + name
      var stale = owner.host == host && kill(owner.pid, 0) != 0 && errno == ESRCH
      if !stale {
        var info = stat()
        if stat(path, &info) == 0 { stale = Double(now.tv_sec - info.st_mtim.tv_sec) > maximumAge }
      }
      if stale, unlink(path) == 0 { removed += 1 }
    }
    return removed
  }

  /// The temporary name under which process `pid` of this host writes the file `name`.
  public static func temporaryName(for name: String, pid: pid_t = getpid()) -> String {
    ".\(name).\(hostName).\(pid).\(UInt32.random(in: 0...UInt32.max)).tmp"
  }

  /// The host and process id of a temporary name, read from the end (the final name may hold
  /// dots; a host name holds none, being cut at the first).
  static func parseTemporary(_ name: String) -> (host: String, pid: pid_t)? {
    guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
    let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 4, UInt32(parts[parts.count - 1]) != nil, let pid = pid_t(parts[parts.count - 2]), pid > 0,
      !parts[parts.count - 3].isEmpty
    else { return nil }
    return (String(parts[parts.count - 3]), pid)
  }

  /// This machine's host name up to its first dot (dots separate the temporary name's fields).
  static let hostName: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
    let full = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let short = full.split(separator: ".").first.map(String.init) ?? ""
    let safe = short.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    return safe.isEmpty ? "host" : safe
  }()

  static func message(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}

/// `write(2)`, outside the enum whose own `write` would shadow it.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, bytes, count)
}

import FociCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file reading and atomic writing for the NIfTI reader and writer.
///
/// Opening checks that the path is a regular file first, so a FIFO or a device named by
/// mistake is refused instead of blocking or streaming forever.
enum FileAccess {
  /// An open regular file, closed on deinit.
  final class OpenFile {
    let path: String
    let descriptor: Int32
    let size: Int

    init(path: String) throws(NIfTIError) {
      self.path = path
      var info = stat()
      guard stat(path, &info) == 0 else {
        let code = errno
        if code == ENOENT || code == ENOTDIR { throw .missingFile(path: path) }
        throw .unreadable(path: path, reason: FileAccess.message(code))
      }
      guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw .unreadable(path: path, reason: (info.st_mode & S_IFMT) == S_IFDIR ? "it is a folder" : "not a regular file")
      }
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw .unreadable(path: path, reason: FileAccess.message(errno)) }
      descriptor = fd
      size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads `count` bytes at `offset` into `destination`; returns how many were read
    /// (fewer only at end of file).
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(NIfTIError) -> Int {
      var done = 0
      while done < count {
        // Large reads in 1 GiB pieces: some kernels cap a single read at 2 GiB.
        let piece = Swift.min(count - done, 1 << 30)
        let n = pread(descriptor, destination + done, piece, off_t(offset + done))
        if n < 0 {
          if errno == EINTR { continue }
          throw .unreadable(path: path, reason: FileAccess.message(errno))
        }
        if n == 0 { break }
        done += n
      }
      return done
    }

    /// The whole file in a fresh buffer.
    func readAll() throws(NIfTIError) -> ByteBuffer {
      guard let buffer = ByteBuffer(capacity: size) else {
        throw .unreadable(path: path, reason: "not enough memory for \(size) bytes")
      }
      buffer.count = try read(into: buffer.pointer, count: size, at: 0)
      return buffer
    }
  }

  /// Whether a file system object exists at `path`.
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// Writes `pieces` atomically (see ``AtomicFile``).
  static func writeAtomically(_ path: String, pieces: [UnsafeRawBufferPointer]) throws(NIfTIError) {
    do {
      try AtomicFile.write(path, pieces: pieces)
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
  }

  static func message(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}

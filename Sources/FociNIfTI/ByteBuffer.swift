import FociCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An uninitialised, growable block of bytes owned by one reader: file contents or inflated
/// gzip data. Unlike `[UInt8]` it is never zero-filled, which matters at hundreds of MB.
final class ByteBuffer: @unchecked Sendable {
  private(set) var pointer: UnsafeMutableRawPointer
  private(set) var capacity: Int
  /// Bytes filled so far.
  var count = 0

  /// Allocates `capacity` bytes, or returns nil when memory cannot be had.
  init?(capacity: Int) {
    guard let p = malloc(Swift.max(capacity, 1)) else { return nil }
    HugePages.advise(p, byteCount: capacity)
    pointer = p
    self.capacity = capacity
  }

  deinit { free(pointer) }

  /// Grows to `newCapacity`, keeping the first `count` bytes. Returns false when out of memory.
  func grow(to newCapacity: Int) -> Bool {
    guard newCapacity > capacity else { return true }
    if count == 0 {
      // Nothing to keep: a fresh block avoids realloc copying stale bytes.
      guard let p = malloc(newCapacity) else { return false }
      HugePages.advise(p, byteCount: newCapacity)
      free(pointer)
      pointer = p
    } else {
      guard let p = realloc(pointer, newCapacity) else { return false }
      pointer = p
    }
    capacity = newCapacity
    return true
  }

  /// Calls `body` with the filled bytes, valid only inside it. Swift may free an object right
  /// after its last use (a temporary at once), and reading a view of its memory is not a use;
  /// so the view is only handed out here, with the buffer kept alive while `body` runs.
  func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    defer { withExtendedLifetime(self) {} }
    return try body(UnsafeRawBufferPointer(start: pointer, count: count))
  }

  /// Calls `body` with the filled bytes of every buffer, all kept alive while it runs.
  static func withBytes<R, E: Error>(of buffers: [ByteBuffer], _ body: ([UnsafeRawBufferPointer]) throws(E) -> R) throws(E) -> R {
    defer { withExtendedLifetime(buffers) {} }
    return try body(buffers.map { UnsafeRawBufferPointer(start: $0.pointer, count: $0.count) })
  }

  /// A copy of the filled bytes.
  var array: [UInt8] { withBytes { Array($0) } }

  /// A new buffer holding just the filled bytes.
  func copy() throws(Gzip.Failure) -> ByteBuffer {
    guard let other = ByteBuffer(capacity: count) else { throw .outOfMemory }
    other.pointer.copyMemory(from: pointer, byteCount: count)
    other.count = count
    return other
  }
}

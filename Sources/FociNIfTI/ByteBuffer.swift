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

  /// The filled bytes. The view is only valid while the buffer lives: a caller that reads it
  /// after its own last use of the buffer must keep the buffer alive
  /// (`defer { withExtendedLifetime(buffer) {} }`), as Swift may free an object after its
  /// last use, and a temporary at once.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }

  /// A copy of the filled bytes (made while the buffer is certainly alive).
  var array: [UInt8] { Array(bytes) }

  /// A new buffer holding just the filled bytes.
  func copy() throws(Gzip.Failure) -> ByteBuffer {
    guard let other = ByteBuffer(capacity: count) else { throw .outOfMemory }
    other.pointer.copyMemory(from: pointer, byteCount: count)
    other.count = count
    return other
  }
}

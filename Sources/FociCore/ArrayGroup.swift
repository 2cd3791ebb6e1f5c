/// Raw access to a varying number of arrays at once, for loops that read or write several
/// images per voxel: the pointers are valid for the whole call, with no copy and no escaping
/// pointer.
public enum ArrayGroup {
  /// Calls `body` with the base addresses of `arrays` (in order), each valid for the call (an
  /// empty array's address is not to be read).
  @inlinable
  public static func withPointers<T, R>(to arrays: [[T]], _ body: ([UnsafePointer<T>]) throws -> R) rethrows -> R {
    func nest(_ index: Int, _ pointers: [UnsafePointer<T>]) throws -> R {
      guard index < arrays.count else { return try body(pointers) }
      return try arrays[index].withUnsafeBufferPointer { try nest(index + 1, pointers + [$0.baseAddress ?? placeholder()]) }
    }
    return try nest(0, [])
  }

  /// `count` new arrays of `length` elements, all `initial`, filled by `body` through their
  /// base addresses (in order).
  @inlinable
  public static func make<T>(count: Int, length: Int, initial: T, _ body: ([UnsafeMutablePointer<T>]) -> Void) -> [[T]] {
    var made: [[T]] = []
    func nest(_ pointers: [UnsafeMutablePointer<T>]) {
      guard pointers.count < count else { return body(pointers) }
      let array = [T](unsafeUninitializedCapacity: length) { buffer, initialized in
        buffer.initialize(repeating: initial)
        initialized = length
        nest(pointers + [buffer.baseAddress ?? UnsafeMutablePointer(mutating: placeholder())])
      }
      made.append(array)
    }
    nest([])
    // The innermost array is finished first.
    return made.reversed()
  }

  /// A non-null, aligned address that is never read, for arrays without storage.
  @usableFromInline
  static func placeholder<T>() -> UnsafePointer<T> {
    UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
  }
}

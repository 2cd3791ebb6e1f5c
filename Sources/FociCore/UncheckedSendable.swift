/// Carries a buffer pointer into the `@Sendable` closures of parallel loops.
///
/// Swift 6 will not let a `concurrentPerform` closure capture an `UnsafeBufferPointer` or
/// `UnsafeMutableBufferPointer`. This wrapper is the project's single, documented escape. It
/// is safe exactly when (1) workers that write touch disjoint indices, (2) nobody writes what
/// another worker reads, and (3) the memory outlives the parallel section (wrap inside
/// `withUnsafe…BufferPointer`, never let the wrapper escape it).
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value

  public init(_ value: Value) {
    self.value = value
  }
}

import Dispatch
import FociCore

/// Runs `body` for 0..<count on all cores and returns the results in index order, whatever
/// the order they finished in: how commands read several files or studies at once.
public func concurrentResults<Success, Failure: Error>(
  count: Int, _ body: @Sendable (Int) -> Result<Success, Failure>
) -> [Result<Success, Failure>] {
  let slots = UnsafeMutableBufferPointer<Result<Success, Failure>?>.allocate(capacity: count)
  slots.initialize(repeating: nil)
  defer {
    // The slots own their results (volumes, for file loading): release them with the memory.
    _ = slots.deinitialize()
    slots.deallocate()
  }
  let results = UncheckedSendable(slots)
  DispatchQueue.concurrentPerform(iterations: count) { index in results.value[index] = body(index) }
  return slots.map { $0! }
}

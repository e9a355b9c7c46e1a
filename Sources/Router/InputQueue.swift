import RouterCore
import Synchronization

/// The router's single input queue: many producers, one consumer that takes everything queued at once.
///
/// Taking a whole batch lets the runtime save state once and then release the batch's events, so a crash
/// can never leave a client holding an event whose cursor was not saved.
final class InputQueue: Sendable {
    private let pending = Mutex<[RouterInput]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init() {
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds an input; never blocks.
    func submit(_ input: RouterInput) {
        pending.withLock { $0.append(input) }
        wake.yield()
    }

    /// Waits until inputs are queued and returns all of them; nil once `finish` was called and the queue is empty.
    func nextBatch() async -> [RouterInput]? {
        var iterator = wakeups.makeAsyncIterator()
        while true {
            let batch = pending.withLock { queue -> [RouterInput] in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if !batch.isEmpty { return batch }
            guard await iterator.next() != nil else { return nil }
        }
    }

    /// Takes whatever is queued now without waiting (tests step the runtime with it).
    func drain() -> [RouterInput] {
        pending.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }

    /// Ends the stream of batches (shutdown).
    func finish() {
        wake.finish()
    }
}

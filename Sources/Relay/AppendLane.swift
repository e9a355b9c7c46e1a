import Dispatch
import Foundation
import Synchronization

/// One thread of the `InboxAppender`: runs its queued appends in order, each to the end (write, fsync, report).
///
/// A dedicated thread, not the shared Dispatch pool: an fsync blocks its thread for milliseconds, and on Linux the
/// Dispatch pool is the same few threads (one per core) that run every Swift task of the relay, so appends parked
/// there held up the poll loop, and the acknowledgements waited behind the outbox records for a free thread.
final class AppendLane: Sendable {
    private let pending = Mutex<[@Sendable () -> Void]>([])
    /// Signalled once per `enqueue`; the thread runs everything pending on each wakeup.
    private let wakeup = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Queues `work` behind what this lane already has.
    func enqueue(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(work) }
        wakeup.signal()
    }

    /// The lane lives as long as the relay: its thread blocks on the semaphore when there is nothing to do.
    private func run() {
        while true {
            wakeup.wait()
            let batch = pending.withLock { works in
                defer { works = [] }
                return works
            }
            for work in batch { work() }
        }
    }
}

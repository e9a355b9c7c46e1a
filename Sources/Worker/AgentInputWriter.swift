import CodeswarmIO
import Dispatch
import Foundation
import Synchronization

/// Writes to the agent's stdin from a dedicated thread, in order, so a full pipe never blocks the event loop.
///
/// A stalled agent that stops reading would otherwise block a cooperative thread inside `write` and with it
/// the worker's signal handling. Writes after a failure (the agent died: EPIPE) are dropped.
final class AgentInputWriter: Sendable {
    /// Bytes waiting for the thread, and whether stdin should be closed after them.
    private struct Pending {
        var chunks: [[UInt8]] = []
        var isClosed = false
    }

    private let pending = Mutex(Pending())
    /// Signalled once per `enqueue` or `close`; the thread drains everything pending on each wakeup.
    private let wakeup = DispatchSemaphore(value: 0)

    init(writer: FileDescriptorWriter) {
        let thread = Thread { [self] in drain(into: writer) }
        thread.name = "agent stdin"
        thread.start()
    }

    /// Queues `bytes` for the agent; ignored once closed.
    func enqueue(_ bytes: [UInt8]) {
        let accepted = pending.withLock { state in
            if state.isClosed { return false }
            state.chunks.append(bytes)
            return true
        }
        if accepted { wakeup.signal() }
    }

    /// Closes stdin after everything queued so far.
    func close() {
        let wasClosed = pending.withLock { state in
            defer { state.isClosed = true }
            return state.isClosed
        }
        if !wasClosed { wakeup.signal() }
    }

    private func drain(into writer: FileDescriptorWriter) {
        var failed = false
        while true {
            wakeup.wait()
            let (chunks, isClosed) = pending.withLock { state in
                defer { state.chunks = [] }
                return (state.chunks, state.isClosed)
            }
            for chunk in chunks where !failed {
                do {
                    try writer.write(chunk)
                } catch {
                    failed = true
                }
            }
            if isClosed {
                writer.close()
                return
            }
        }
    }
}

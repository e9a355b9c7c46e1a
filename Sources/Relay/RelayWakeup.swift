import Synchronization

/// Wakes the relay's poll loop early: inotify saw a write, an inject was appended, or the followed set changed.
///
/// The loop calls `wait(timeout:)` with the time until its next due poll; signals collect the file names to look
/// at, and the wait returns as soon as there is one (or everything), or when the timeout passes.
final class RelayWakeup: Sendable {
    /// The names signalled since the last wait, and the waiting loop's continuation.
    private struct State {
        var files: Set<String> = []
        /// Outboxes whose node was just sent a prompt (`expectAnswer`), not yet handed to the loop.
        var answersDue: Set<String> = []
        var everything = false
        var waiter: CheckedContinuation<Void, Never>?

        var isPending: Bool { everything || !files.isEmpty }
    }

    private let state = Mutex(State())

    /// Asks for `files` to be looked at now.
    func signal(_ files: Set<String>) {
        guard !files.isEmpty else { return }
        resume { $0.files.formUnion(files) }
    }

    /// The node whose outbox is `file` was just sent a prompt: its file is looked at now, and the loop learns (from
    /// `takeAnswersDue`) that its answer is due. Safe to call from any thread, so the appender's threads report
    /// without waiting for a Swift task to run.
    func expectAnswer(file: String) {
        resume {
            $0.files.insert(file)
            $0.answersDue.insert(file)
        }
    }

    /// The outboxes `expectAnswer` named since the last call.
    func takeAnswersDue() -> Set<String> {
        state.withLock { state in
            defer { state.answersDue = [] }
            return state.answersDue
        }
    }

    /// Asks for every followed file to be looked at now.
    func signalEverything() {
        resume { $0.everything = true }
    }

    /// Waits until something is signalled or `timeout` passes; returns what to look at: the signalled names,
    /// nil for everything, an empty set after a plain timeout.
    func wait(timeout: Duration) async -> Set<String>? {
        if !state.withLock(\.isPending), timeout > .zero {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: timeout) }
                group.addTask { await self.waitForSignal() }
                await group.next()
                group.cancelAll()
            }
        }
        return state.withLock { state in
            defer {
                state.files = []
                state.everything = false
            }
            return state.everything ? nil : state.files
        }
    }

    private func resume(_ change: (inout State) -> Void) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            change(&state)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns when a signal arrives or the task is cancelled (the timeout won the race).
    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancellation is flagged before its handler runs, so checking it under the lock closes the race.
                let resumeNow = state.withLock { state -> Bool in
                    if state.isPending || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}

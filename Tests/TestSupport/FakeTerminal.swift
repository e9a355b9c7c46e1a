import DashboardCore
import Synchronization

/// A terminal for tests: records every drawn grid and replays scripted events; it never touches a tty.
package final class FakeTerminal: TerminalDevice {
    /// Everything mutable, behind `state`'s mutex.
    private struct Shared {
        var size: ScreenSize
        var frames: [ScreenGrid] = []
        var restoreCount = 0
        var clipboard: [String] = []
        var bells = 0
        var waiters:
            [(id: Int, predicate: @Sendable (ScreenGrid) -> Bool, continuation: CheckedContinuation<ScreenGrid, Never>)] =
                []
        var nextWaiterID = 0
    }

    private let state: Mutex<Shared>
    package let events: AsyncStream<TerminalEvent>
    private let continuation: AsyncStream<TerminalEvent>.Continuation

    package let canCopyToClipboard: Bool

    package init(size: ScreenSize = ScreenSize(width: 80, height: 24), canCopyToClipboard: Bool = false) {
        self.canCopyToClipboard = canCopyToClipboard
        state = Mutex(Shared(size: size))
        (events, continuation) = AsyncStream.makeStream(of: TerminalEvent.self)
    }

    package var size: ScreenSize { state.withLock { $0.size } }

    /// Every frame drawn so far, oldest first.
    package var frames: [ScreenGrid] { state.withLock { $0.frames } }

    /// The latest frame, if any.
    package var lastFrame: ScreenGrid? { state.withLock { $0.frames.last } }

    /// Everything copied to the clipboard, oldest first.
    package var clipboard: [String] { state.withLock { $0.clipboard } }

    package func bell() {
        state.withLock { $0.bells += 1 }
    }

    /// How many times `bell()` was called.
    package var bells: Int { state.withLock { $0.bells } }

    package func copyToClipboard(_ text: String) {
        guard canCopyToClipboard else { return }
        state.withLock { $0.clipboard.append(text) }
    }

    /// How many times `restore()` was called.
    package var restoreCount: Int { state.withLock { $0.restoreCount } }

    package func draw(_ grid: ScreenGrid) {
        let ready = state.withLock { shared -> [CheckedContinuation<ScreenGrid, Never>] in
            shared.frames.append(grid)
            let matched = shared.waiters.filter { $0.predicate(grid) }
            shared.waiters.removeAll { waiter in matched.contains { $0.id == waiter.id } }
            return matched.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: grid) }
    }

    package func restore() async {
        state.withLock { $0.restoreCount += 1 }
        continuation.finish()
    }

    /// Delivers `event` as if the user had pressed a key, pasted or resized.
    package func send(_ event: TerminalEvent) {
        if case .resized(let size) = event { state.withLock { $0.size = size } }
        continuation.yield(event)
    }

    /// Presses each key in turn.
    package func press(_ keys: Key...) {
        for key in keys { send(.key(key)) }
    }

    /// Types `text` one character at a time.
    package func type(_ text: String) {
        for character in text { send(.key(.character(character))) }
    }

    /// Ends the event stream, as a closed tty would.
    package func finish() { continuation.finish() }

    /// Waits (without sleeping) for a frame that satisfies `predicate`, checking the latest frame first.
    ///
    /// When the waiting task is cancelled (a test's time limit), it returns the latest frame (or a blank
    /// one), so a missing frame fails the test's expectations instead of hanging the run.
    package func frame(where predicate: @escaping @Sendable (ScreenGrid) -> Bool) async -> ScreenGrid {
        let id = state.withLock { shared -> Int in
            shared.nextWaiterID += 1
            return shared.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let found = state.withLock { shared -> ScreenGrid? in
                    if let last = shared.frames.last, predicate(last) { return last }
                    if Task.isCancelled { return shared.frames.last ?? ScreenGrid(size: shared.size) }
                    shared.waiters.append((id, predicate, continuation))
                    return nil
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            let waiter = state.withLock { shared -> (CheckedContinuation<ScreenGrid, Never>, ScreenGrid)? in
                guard let index = shared.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                let removed = shared.waiters.remove(at: index)
                return (removed.continuation, shared.frames.last ?? ScreenGrid(size: shared.size))
            }
            if let (continuation, grid) = waiter { continuation.resume(returning: grid) }
        }
    }

    /// Waits for a frame that shows `text` somewhere.
    package func frame(containing text: String) async -> ScreenGrid {
        await frame { $0.contains(text) }
    }
}

import CodeswarmProtocol
import Dashboard
import Synchronization

/// A router link for session tests: records what the dashboard sends and plays events the test pushes.
final class ScriptedLink: DashboardLink {
    let events: AsyncThrowingStream<RouterEvent, any Error>
    private let continuation: AsyncThrowingStream<RouterEvent, any Error>.Continuation
    private let sentCommands = Mutex<[(RouterCommand, String)]>([])
    private let waiters = Mutex<[(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)]>([])

    init() {
        (events, continuation) = AsyncThrowingStream.makeStream(of: RouterEvent.self)
    }

    /// Everything sent so far.
    var sent: [(command: RouterCommand, requestID: String)] { sentCommands.withLock { $0.map { ($0.0, $0.1) } } }

    func send(_ command: RouterCommand, requestID: String) async throws {
        let ready = sentCommands.withLock { sent -> [CheckedContinuation<Void, Never>] in
            sent.append((command, requestID))
            let count = sent.count
            return waiters.withLock { list in
                let done = list.filter { $0.count <= count }.map(\.continuation)
                list.removeAll { $0.count <= count }
                return done
            }
        }
        for waiter in ready { waiter.resume() }
    }

    /// Waits until at least `count` commands have been sent (or the task is cancelled by a time limit).
    func waitForSent(count: Int) async {
        let id = UUIDCounter.next()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Both locks are taken in the same order as in `send`, so a send cannot slip between them.
                let isDone = sentCommands.withLock { list -> Bool in
                    if list.count >= count || Task.isCancelled { return true }
                    waiters.withLock { $0.append((id, count, continuation)) }
                    return false
                }
                if isDone { continuation.resume() }
            }
        } onCancel: {
            // Under `sentCommands` too, so this cannot run between the check and the append above.
            let waiter = sentCommands.withLock { _ in
                waiters.withLock { list -> CheckedContinuation<Void, Never>? in
                    guard let index = list.firstIndex(where: { $0.id == id }) else { return nil }
                    return list.remove(at: index).continuation
                }
            }
            waiter?.resume()
        }
    }

    /// Delivers an event from the router.
    func push(_ event: RouterEvent) { continuation.yield(event) }

    /// Drops the connection (the stream ends).
    func drop() { continuation.finish() }
}

/// Hands out links in order, one per `connect` call, and counts the calls; fails when none is left.
final class LinkSupply: Sendable {
    private let links: Mutex<[ScriptedLink]>
    private let calls = Mutex(0)

    init(_ links: [ScriptedLink]) {
        self.links = Mutex(links)
    }

    var connectCount: Int { calls.withLock { $0 } }

    /// The `connect` closure for `DashboardApp.run`.
    var connect: @Sendable () async throws -> any DashboardLink {
        { [self] in
            calls.withLock { $0 += 1 }
            guard let next = links.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                throw SupplyExhausted()
            }
            return next
        }
    }

    /// The error once every link has been used.
    struct SupplyExhausted: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }
}

/// Ids for waiters, unique within the test process.
enum UUIDCounter {
    private static let counter = Mutex(0)

    /// The next id.
    static func next() -> Int {
        counter.withLock { value in
            value += 1
            return value
        }
    }
}

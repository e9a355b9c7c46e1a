import CodeswarmProtocol
import Dashboard
import Synchronization

/// A router link for session tests: records what the dashboard sends and plays events the test pushes.
final class ScriptedLink: DashboardLink {
    let events: AsyncThrowingStream<RouterEvent, any Error>
    private let continuation: AsyncThrowingStream<RouterEvent, any Error>.Continuation
    private let sentCommands = Mutex<[(RouterCommand, String)]>([])
    private let waiters = Mutex<[(count: Int, continuation: CheckedContinuation<Void, Never>)]>([])

    init() {
        (events, continuation) = AsyncThrowingStream.makeStream(of: RouterEvent.self)
    }

    /// Everything sent so far.
    var sent: [(command: RouterCommand, requestID: String)] { sentCommands.withLock { $0.map { ($0.0, $0.1) } } }

    func send(_ command: RouterCommand, requestID: String) async throws {
        let count = sentCommands.withLock { list -> Int in
            list.append((command, requestID))
            return list.count
        }
        let ready = waiters.withLock { list -> [CheckedContinuation<Void, Never>] in
            let done = list.filter { $0.count <= count }.map(\.continuation)
            list.removeAll { $0.count <= count }
            return done
        }
        for waiter in ready { waiter.resume() }
    }

    /// Waits until at least `count` commands have been sent.
    func waitForSent(count: Int) async {
        await withCheckedContinuation { continuation in
            let isDone = sentCommands.withLock { $0.count >= count }
            if isDone {
                continuation.resume()
            } else {
                waiters.withLock { $0.append((count, continuation)) }
                // Re-check: a send may have landed between the two locks.
                if sentCommands.withLock({ $0.count >= count }) {
                    let mine = waiters.withLock { list -> [CheckedContinuation<Void, Never>] in
                        let done = list.filter { $0.count <= count }.map(\.continuation)
                        list.removeAll { $0.count <= count }
                        return done
                    }
                    for waiter in mine { waiter.resume() }
                }
            }
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

import NIOCore
import RouterCore
import Synchronization

/// Where the runtime's events for clients go: the connected clients in production, recorders in tests.
protocol ClientOutlet: Sendable {
    /// The per-client queue bound in bytes.
    var queueLimit: Int { get }
    /// Queues bytes for one client; returns its id if it had to be dropped (it stopped reading).
    func send(_ buffer: ByteBuffer, to id: ClientID) -> ClientID?
    /// Queues bytes for every client; returns the ids of clients that had to be dropped.
    func broadcast(_ buffer: ByteBuffer) -> [ClientID]
    /// Waits until the client has at most `bytes` queued; false when it is gone.
    func waitForRoom(_ id: ClientID, atMost bytes: Int) async -> Bool
}

/// The connected clients and their bounded outbound queues.
///
/// Sends never block the router: bytes go into a client's queue, drained by that connection's writer task.
/// A client whose queue passes the limit (it stopped reading) is cut off with a logged reason, so it can
/// never slow the router or the other clients.
final class ClientRegistry: ClientOutlet {
    /// One client's outbound side.
    final class Outbox: Sendable {
        let stream: AsyncStream<ByteBuffer>
        private let continuation: AsyncStream<ByteBuffer>.Continuation
        /// Bytes queued and not yet written to the socket.
        private let queued = Atomic(0)
        let limit: Int
        /// The connection, closed outright when the client is dropped (a pending write to it may never finish).
        private let channel: any Channel
        /// Replays waiting for the queue to shrink to their threshold (or for the client to go).
        private let roomWaiters = Mutex<[(atMost: Int, continuation: CheckedContinuation<Bool, Never>)]>([])
        private let isClosed = Atomic(false)

        init(limit: Int, channel: any Channel) {
            self.limit = limit
            self.channel = channel
            (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        }

        /// Queues bytes; false (and the queue is closed) when that would pass the limit.
        func enqueue(_ buffer: ByteBuffer) -> Bool {
            let total = queued.add(buffer.readableBytes, ordering: .relaxed).newValue
            // One event larger than the limit is let through to an idle client; a backlog past it is not.
            guard total <= limit || total == buffer.readableBytes else {
                close()
                channel.close(mode: .all, promise: nil)
                return false
            }
            continuation.yield(buffer)
            return true
        }

        /// Called by the writer after a buffer reached the socket.
        func written(_ count: Int) {
            let left = queued.subtract(count, ordering: .relaxed).newValue
            let ready = roomWaiters.withLock { waiters -> [CheckedContinuation<Bool, Never>] in
                guard !waiters.isEmpty else { return [] }
                let due = waiters.filter { left <= $0.atMost }.map(\.continuation)
                waiters.removeAll { left <= $0.atMost }
                return due
            }
            for continuation in ready { continuation.resume(returning: true) }
        }

        var queuedBytes: Int { queued.load(ordering: .relaxed) }

        /// Suspends until at most `bytes` are queued; false once the client is gone.
        func waitForRoom(atMost bytes: Int) async -> Bool {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool? = roomWaiters.withLock { waiters in
                    if isClosed.load(ordering: .relaxed) { return false }
                    if queued.load(ordering: .relaxed) <= bytes { return true }
                    waiters.append((bytes, continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        }

        func close() {
            continuation.finish()
            let waiting = roomWaiters.withLock { waiters in
                isClosed.store(true, ordering: .relaxed)
                defer { waiters.removeAll() }
                return waiters.map(\.continuation)
            }
            for continuation in waiting { continuation.resume(returning: false) }
        }
    }

    private let clients = Mutex<[ClientID: Outbox]>([:])
    private let nextID = Atomic(0)
    let queueLimit: Int

    init(queueLimit: Int) {
        self.queueLimit = queueLimit
    }

    /// Registers a new client and returns its id and outbox.
    func add(channel: any Channel) -> (ClientID, Outbox) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let outbox = Outbox(limit: queueLimit, channel: channel)
        clients.withLock { $0[id] = outbox }
        return (id, outbox)
    }

    func remove(_ id: ClientID) {
        clients.withLock { $0.removeValue(forKey: id) }?.close()
    }

    /// Queues `bytes` for one client; returns the id of a client that had to be dropped, if any.
    func send(_ buffer: ByteBuffer, to id: ClientID) -> ClientID? {
        guard let outbox = clients.withLock({ $0[id] }) else { return nil }
        return outbox.enqueue(buffer) ? nil : dropped(id)
    }

    /// Queues `bytes` for every client; returns the ids of clients that had to be dropped.
    func broadcast(_ buffer: ByteBuffer) -> [ClientID] {
        let all = clients.withLock { Array($0) }
        return all.compactMap { id, outbox in outbox.enqueue(buffer) ? nil : dropped(id) }
    }

    func waitForRoom(_ id: ClientID, atMost bytes: Int) async -> Bool {
        guard let outbox = clients.withLock({ $0[id] }) else { return false }
        return await outbox.waitForRoom(atMost: bytes)
    }

    var count: Int { clients.withLock { $0.count } }

    private func dropped(_ id: ClientID) -> ClientID {
        clients.withLock { $0.removeValue(forKey: id) }?.close()
        return id
    }
}

import NIOCore
import RouterCore
import Synchronization

/// The connected clients and their bounded outbound queues.
///
/// Sends never block the router: bytes go into a client's queue, drained by that connection's writer task.
/// A client whose queue passes the limit (it stopped reading) is cut off with a logged reason, so it can
/// never slow the router or the other clients.
final class ClientRegistry: Sendable {
    /// One client's outbound side.
    final class Outbox: Sendable {
        let stream: AsyncStream<ByteBuffer>
        private let continuation: AsyncStream<ByteBuffer>.Continuation
        /// Bytes queued and not yet written to the socket.
        private let queued = Atomic(0)
        let limit: Int
        /// The connection, closed outright when the client is dropped (a pending write to it may never finish).
        private let channel: any Channel

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
                continuation.finish()
                channel.close(mode: .all, promise: nil)
                return false
            }
            continuation.yield(buffer)
            return true
        }

        /// Called by the writer after a buffer reached the socket.
        func written(_ count: Int) {
            queued.subtract(count, ordering: .relaxed)
        }

        var queuedBytes: Int { queued.load(ordering: .relaxed) }

        func close() { continuation.finish() }
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

    var count: Int { clients.withLock { $0.count } }

    private func dropped(_ id: ClientID) -> ClientID {
        clients.withLock { $0.removeValue(forKey: id) }?.close()
        return id
    }
}

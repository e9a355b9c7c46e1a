import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The router's TCP listener: one task per connection, lines in as router inputs, queued events out.
struct TCPServer {
    let host: String
    let port: Int
    let clients: ClientRegistry
    let inputs: InputQueue
    let logger: Logger
    /// The token check every connection goes through.
    let admissionPolicy: ClientAdmission.Policy
    /// Shared by every connection task: which refusals get a log line.
    let refusals = RefusalLog()

    /// The refusal log limiter behind a lock, shared by the connection tasks.
    final class RefusalLog: Sendable {
        private let limiter = Mutex(RefusalLogLimiter())

        func record(peerKey: String, at now: Date) -> RefusalLogLimiter.Entry? {
            limiter.withLock { $0.record(peerKey: peerKey, at: now) }
        }
    }

    /// Binds the listening socket; returns the bound channel (its port may differ when `port` is 0).
    func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<LineSplitter.Output, ByteBuffer>, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LineFramingHandler())
                    return try NIOAsyncChannel<LineSplitter.Output, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts connections until cancelled.
    func serve(_ server: NIOAsyncChannel<NIOAsyncChannel<LineSplitter.Output, ByteBuffer>, Never>) async throws {
        // A discarding group: finished connection tasks are released at once instead of piling up.
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await handle(connection) }
                }
            }
        }
    }

    private func handle(_ connection: NIOAsyncChannel<LineSplitter.Output, ByteBuffer>) async {
        let peer = connection.channel.remoteAddress
        if let refusal = PeerCredentials.refusal(peer: peer, local: connection.channel.localAddress) {
            if let entry = refusals.record(peerKey: refusal.peerKey, at: Date()) {
                var metadata: Logger.Metadata = [
                    "peer": "\(peer.map { "\($0)" } ?? "?")", "reason": "\(refusal.reason)",
                ]
                if entry.suppressed > 0 { metadata["refused.unlogged"] = "\(entry.suppressed)" }
                logger.warning("refused connection (logged at most once a minute per peer)", metadata: metadata)
            }
            try? await connection.channel.close()
            return
        }
        var admission = ClientAdmission(policy: admissionPolicy)
        var registered: (id: ClientID, outbox: ClientRegistry.Outbox)?
        do {
            try await connection.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                // Until admitted (the token is required and not yet shown) the connection is not registered: its
                // lines never reach the core and no broadcast is queued for it. Answers are written directly.
                var first: LineSplitter.Output?
                while !admission.isAdmitted {
                    guard let frame = try await frames.next() else { return }
                    let decision = decide(frame, with: &admission)
                    switch decision {
                    case .forward: first = frame
                    case .answer(let event): try await outbound.write(encode(event))
                    case .refuse(let rejection):
                        refused(rejection, peer: peer, client: admission.client)
                        try await outbound.write(encode(.commandRejected(rejection)))
                        return
                    }
                }
                let (clientID, outbox) = clients.add(channel: connection.channel)
                registered = (clientID, outbox)
                inputs.submit(.clientConnected(clientID, at: Date()))
                logger.debug(
                    "client connected",
                    metadata: [
                        "client.id": "\(clientID)", "client.name": "\(admission.client?.name ?? "-")",
                        "client.authenticated": "\(admission.isAuthenticated)",
                    ])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await buffer in outbox.stream {
                            let count = buffer.readableBytes
                            try await outbound.write(buffer)
                            outbox.written(count)
                        }
                        // The queue closed: the client was dropped (too slow) or is leaving; end the reader too.
                        connection.channel.close(promise: nil)
                    }
                    if let first { submit(first, from: clientID) }
                    reading: while let frame = try await frames.next() {
                        // An open router's anonymous client may still say hello or show a token at any time.
                        switch admission.isAuthenticated ? .forward : decide(frame, with: &admission) {
                        case .forward: submit(frame, from: clientID)
                        case .answer(let event): _ = clients.send(encode(event), to: clientID)
                        case .refuse(let rejection):
                            refused(rejection, peer: peer, client: admission.client)
                            try await outbound.write(encode(.commandRejected(rejection)))
                            break reading
                        }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            // The connection failed or was closed under a pending write; the cleanup below is the same.
        }
        guard let (clientID, outbox) = registered else { return }
        if outbox.queuedBytes > outbox.limit {
            logger.warning(
                "dropped a client that stopped reading",
                metadata: ["client.id": "\(clientID)", "queue.limit_bytes": "\(outbox.limit)"])
        }
        clients.remove(clientID)
        inputs.submit(.clientDisconnected(clientID, at: Date()))
        logger.debug("client disconnected", metadata: ["client.id": "\(clientID)"])
    }

    private func decide(_ frame: LineSplitter.Output, with admission: inout ClientAdmission) -> ClientAdmission.Decision
    {
        switch frame {
        case .line(let bytes): admission.decide(line: bytes)
        case .oversized(let count): admission.decideOversized(byteCount: count)
        }
    }

    /// Hands one line from an admitted client to the router core.
    private func submit(_ frame: LineSplitter.Output, from clientID: ClientID) {
        switch frame {
        case .line(let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            inputs.submit(.lineReceived(clientID, bytes, at: Date()))
        case .oversized(let count):
            inputs.submit(.lineTooLong(clientID, byteCount: count, at: Date()))
        }
    }

    /// Logs a token refusal, rate-limited like the peer refusals.
    private func refused(_ rejection: CommandRejected, peer: SocketAddress?, client: Handshake.ClientInfo?) {
        let key = "token " + (peer?.ipAddress ?? "?")
        guard let entry = refusals.record(peerKey: key, at: Date()) else { return }
        var metadata: Logger.Metadata = [
            "peer": "\(peer.map { "\($0)" } ?? "?")", "client.name": "\(client?.name ?? "-")",
            "reason": "\(rejection.reason)",
        ]
        if entry.suppressed > 0 { metadata["refused.unlogged"] = "\(entry.suppressed)" }
        logger.warning("refused a client without the router's token", metadata: metadata)
    }

    private func encode(_ event: RouterEvent) -> ByteBuffer {
        ByteBuffer(bytes: (try? WireCoding.encodeLine(EventEnvelope(date: Date(), event: event))) ?? [])
    }

}

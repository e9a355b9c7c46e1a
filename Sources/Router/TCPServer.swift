import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterCore

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
        let localPort = server.channel.localAddress?.port ?? port
        // A discarding group: finished connection tasks are released at once instead of piling up.
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await handle(connection, localPort: localPort) }
                }
            }
        }
    }

    private func handle(_ connection: NIOAsyncChannel<LineSplitter.Output, ByteBuffer>, localPort: Int) async {
        let peer = connection.channel.remoteAddress
        if let refusal = refusalReason(peer: peer, localPort: localPort) {
            logger.warning(
                "refused connection", metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")", "reason": "\(refusal)"])
            try? await connection.channel.close()
            return
        }
        let (clientID, outbox) = clients.add(channel: connection.channel)
        inputs.submit(.clientConnected(clientID, at: Date()))
        logger.debug("client connected", metadata: ["client.id": "\(clientID)"])
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await buffer in outbox.stream {
                            let count = buffer.readableBytes
                            try await outbound.write(buffer)
                            outbox.written(count)
                        }
                        // The queue closed: the client was dropped (too slow) or is leaving.
                        throw CancellationError()
                    }
                    group.addTask {
                        for try await frame in inbound {
                            switch frame {
                            case .line(let bytes):
                                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                                inputs.submit(.lineReceived(clientID, bytes, at: Date()))
                            case .oversized(let count):
                                inputs.submit(.lineTooLong(clientID, byteCount: count, at: Date()))
                            }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            if outbox.queuedBytes > outbox.limit {
                logger.warning(
                    "dropped a client that stopped reading",
                    metadata: ["client.id": "\(clientID)", "queue.limit_bytes": "\(outbox.limit)"])
            }
        }
        clients.remove(clientID)
        inputs.submit(.clientDisconnected(clientID, at: Date()))
        logger.debug("client disconnected", metadata: ["client.id": "\(clientID)"])
    }

    /// Nil when the peer may connect: a loopback socket owned by the router's own user.
    private func refusalReason(peer: SocketAddress?, localPort: Int) -> String? {
        guard let peer, let address = peer.ipAddress, let peerPort = peer.port else { return "unknown peer address" }
        guard PeerCredentials.isLoopback(address: address) else {
            return "only loopback clients are accepted (use ssh -L to reach the router from another host)"
        }
        guard let owner = PeerCredentials.owner(peerAddress: address, peerPort: peerPort, localPort: localPort) else {
            return "cannot determine the owner of the client socket"
        }
        return owner == getuid() ? nil : "client socket belongs to uid \(owner), not to the router's user \(getuid())"
    }
}

import CodeswarmIO
import CodeswarmProtocol
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to the router: send commands, read events.
///
/// Connecting includes the handshake: the listener must belong to this Unix user (another user's program on the
/// port never gets our token or prompts), then `hello` with the token of the endpoint's state directory.
package final class RouterConnection: Sendable {
    /// Events in arrival order; finishes when the router closes the connection.
    package let events: AsyncThrowingStream<EventEnvelope, any Error>
    /// The router's answer to `hello` (nil from a router that predates it).
    package let welcome: Welcome?
    private let channel: any Channel

    private init(channel: any Channel, events: AsyncThrowingStream<EventEnvelope, any Error>, welcome: Welcome?) {
        self.channel = channel
        self.events = events
        self.welcome = welcome
    }

    /// Something listens on the endpoint but must not be used: it belongs to another user, or it refused our token.
    package struct Refused: Error, CustomStringConvertible {
        package var description: String
    }

    /// Who we are in `hello`.
    package static let clientInfo = Handshake.ClientInfo(name: "codeswarm", version: "0.1.0")
    /// How long the router may take to answer `hello`.
    static let handshakeTimeout: Duration = .seconds(10)

    /// Connects to the router and authenticates; throws `Refused` when the endpoint is not our router.
    package static func connect(to endpoint: RouterEndpoint) async throws -> RouterConnection {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: EventEnvelope.self, throwing: (any Error).self)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let answered = loop.makePromise(of: RouterEvent.self)
        let requestID = "hello-\(UUID().uuidString)"
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(2))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Events can be larger than command frames: inject_ack echoes a prompt of up to 8 MiB, escaped.
                        try channel.pipeline.syncOperations.addHandler(
                            LineFramingHandler(maximumLineLength: 64 * 1024 * 1024))
                        try channel.pipeline.syncOperations.addHandler(
                            EventForwarder(continuation: continuation, handshakeID: requestID, answered: answered))
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port)
                .get()
        } catch {
            answered.fail(error)
            throw error
        }
        do {
            try checkListenerOwner(channel)
            let token = endpoint.tokenFile.flatMap(readToken)
            try await channel.writeAndFlush(
                ByteBuffer(bytes: try Handshake.helloLine(requestID: requestID, token: token, client: clientInfo)))
            let welcome = try await answer(answered.futureResult, channel: channel, endpoint: endpoint, token: token)
            return RouterConnection(channel: channel, events: events, welcome: welcome)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Connects when something listens on the endpoint; nil when nothing does (connection refused, timeout). A
    /// listener that is not our router still throws `Refused`: starting another router would not help.
    package static func connectIfListening(to endpoint: RouterEndpoint) async throws -> RouterConnection? {
        do {
            return try await connect(to: endpoint)
        } catch let refused as Refused {
            throw refused
        } catch {
            return nil
        }
    }

    /// Sends one command.
    package func send(_ command: RouterCommand, requestID: String) async throws {
        try await sendLine(try WireCoding.encodeLine(CommandEnvelope(requestID: requestID, command: command)))
    }

    /// Sends raw bytes (a complete line including its newline); for tests of malformed input.
    package func sendLine(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Closes the connection.
    package func close() async {
        try? await channel.close()
    }

    // MARK: - Handshake

    /// The token in `path`, without surrounding white space; nil when it cannot be read (an open router does
    /// not need it; a router that requires it says so).
    static func readToken(at path: String) -> String? {
        guard let bytes = try? AtomicFile.read(path) else { return nil }
        let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Refuses a loopback listener whose socket belongs to another user: on a shared login node anyone can take a
    /// free port first, and our client must not hand them the token or a prompt.
    static func checkListenerOwner(_ channel: any Channel) throws {
        guard let remote = channel.remoteAddress, let local = channel.localAddress,
            let server = remote.ipAddress.flatMap({ ip in remote.port.flatMap { TCPEndpoint(ip: ip, port: $0) } }),
            let client = local.ipAddress.flatMap({ ip in local.port.flatMap { TCPEndpoint(ip: ip, port: $0) } }),
            server.isLoopback
        else { return }
        // The listener's accepted socket (even one not yet accepted) carries the listener's uid.
        if case .owner(let uid) = TCPSocketTable.owner(local: server, remote: client), uid != geteuid() {
            throw Refused(
                description:
                    "the program listening on \(server) belongs to uid \(uid), not to you (uid \(geteuid())): it is not your router, so nothing was sent to it. Use another port (router.port or CODESWARM_ROUTER_PORT) and tell your administrator"
            )
        }
    }

    /// How the wait for the answer to `hello` ended.
    private enum HandshakeEnd: Sendable {
        case answered(RouterEvent)
        case closed
        case timedOut
    }

    /// Waits (bounded) for the answer to `hello`.
    private static func answer(
        _ future: EventLoopFuture<RouterEvent>, channel: any Channel, endpoint: RouterEndpoint, token: String?
    ) async throws -> Welcome? {
        let end = await withTaskGroup(of: HandshakeEnd.self) { group in
            group.addTask {
                guard let event = try? await future.get() else { return .closed }
                return .answered(event)
            }
            group.addTask {
                do {
                    try await Task.sleep(for: handshakeTimeout)
                } catch {
                    return .timedOut  // Cancelled: the answer came first, and this result is not used.
                }
                // Closing fails the pending answer, so the other task ends too.
                channel.close(promise: nil)
                return .timedOut
            }
            let first = await group.next() ?? .closed
            group.cancelAll()
            return first
        }
        switch end {
        case .answered(.welcome(let welcome)):
            return welcome
        case .answered(.commandRejected(let rejection)) where rejection.reason.hasPrefix("unknown command \"hello\""):
            // A router from before the handshake: it serves without a token.
            return nil
        case .answered(.commandRejected(let rejection)):
            let source = endpoint.tokenFile.map { token == nil ? " (no token could be read from \($0))" : "" } ?? ""
            throw Refused(description: "the router on \(endpoint) refused this client\(source): \(rejection.reason)")
        case .answered(let event):
            throw Refused(description: "the program on \(endpoint) answered hello with \(event.name)")
        case .closed:
            throw Refused(
                description:
                    "the program on \(endpoint) closed the connection without answering hello (a router refuses clients of other users; see its log)"
            )
        case .timedOut:
            throw Refused(
                description:
                    "the program on \(endpoint) did not answer hello within \(handshakeTimeout); is it a codeswarm router?"
            )
        }
    }
}

/// Decodes framed lines into event envelopes for the connection's stream; the answer to `hello` goes to the
/// handshake instead.
private final class EventForwarder: ChannelInboundHandler {
    typealias InboundIn = LineSplitter.Output

    let continuation: AsyncThrowingStream<EventEnvelope, any Error>.Continuation
    let handshakeID: JSONValue
    let answered: EventLoopPromise<RouterEvent>
    /// Set once `answered` is completed (on the channel's event loop only).
    private var isAnswered = false

    init(
        continuation: AsyncThrowingStream<EventEnvelope, any Error>.Continuation, handshakeID: String,
        answered: EventLoopPromise<RouterEvent>
    ) {
        self.continuation = continuation
        self.handshakeID = .string(handshakeID)
        self.answered = answered
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Lines that are not events (a newer router's extensions, garbage) are skipped, never fatal.
        guard case .line(let bytes) = unwrapInboundIn(data), !bytes.isEmpty,
            let envelope = try? WireCoding.decode(EventEnvelope.self, from: bytes)
        else { return }
        if !isAnswered, envelope.event.requestID == handshakeID {
            isAnswered = true
            answered.succeed(envelope.event)
            return
        }
        continuation.yield(envelope)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failHandshake(ChannelError.eof)
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failHandshake(error)
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    private func failHandshake(_ error: any Error) {
        guard !isAnswered else { return }
        isAnswered = true
        answered.fail(error)
    }
}

import CodeswarmIO
import CodeswarmProtocol
import NIOCore
import NIOPosix

/// One TCP connection to the router: send commands, read events.
package final class RouterConnection: Sendable {
    /// Events in arrival order; finishes when the router closes the connection.
    package let events: AsyncThrowingStream<EventEnvelope, any Error>
    private let channel: any Channel

    private init(channel: any Channel, events: AsyncThrowingStream<EventEnvelope, any Error>) {
        self.channel = channel
        self.events = events
    }

    /// Connects to the router.
    package static func connect(to endpoint: RouterEndpoint) async throws -> RouterConnection {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: EventEnvelope.self, throwing: (any Error).self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Events can be larger than command frames: inject_ack echoes a prompt of up to 8 MiB, escaped.
                    try channel.pipeline.syncOperations.addHandler(
                        LineFramingHandler(maximumLineLength: 64 * 1024 * 1024))
                    try channel.pipeline.syncOperations.addHandler(EventForwarder(continuation: continuation))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .get()
        return RouterConnection(channel: channel, events: events)
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
}

/// Decodes framed lines into event envelopes for the connection's stream.
private final class EventForwarder: ChannelInboundHandler {
    typealias InboundIn = LineSplitter.Output

    let continuation: AsyncThrowingStream<EventEnvelope, any Error>.Continuation

    init(continuation: AsyncThrowingStream<EventEnvelope, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Lines that are not events (a newer router's extensions, garbage) are skipped, never fatal.
        guard case .line(let bytes) = unwrapInboundIn(data), !bytes.isEmpty,
            let envelope = try? WireCoding.decode(EventEnvelope.self, from: bytes)
        else { return }
        continuation.yield(envelope)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}

import CodeswarmProtocol
import NIOCore

/// A NIO inbound handler that splits a byte stream into lines (`LineSplitter.Output`), enforcing the frame limit.
package final class LineFramingHandler: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = LineSplitter.Output

    private var splitter: LineSplitter

    package init(maximumLineLength: Int = LineSplitter.defaultMaximumLineLength) {
        splitter = LineSplitter(maximumLineLength: maximumLineLength)
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        for output in splitter.append(bytes) {
            context.fireChannelRead(wrapInboundOut(output))
        }
    }
}

@available(*, unavailable)
extension LineFramingHandler: Sendable {}

/// Splits a byte stream into lines, holding back an incomplete tail and refusing lines over a size limit.
///
/// The same splitter frames TCP connections, agent stdio, relay pipes and mailbox files, so every reader
/// treats partial and oversized lines the same way.
package struct LineSplitter: Sendable {
    /// One unit produced by the splitter.
    package enum Output: Sendable, Equatable {
        /// A complete line without its `\n` (a trailing `\r` is kept; JSON parsing tolerates it).
        case line([UInt8])
        /// A line that grew past the limit; its bytes up to the next `\n` are discarded.
        case oversized(byteCount: Int)
    }

    /// The default limit for one line: 8 MiB.
    package static let defaultMaximumLineLength = 8 * 1024 * 1024

    /// The largest line accepted, in bytes, not counting the newline.
    package let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var discarding = false
    private var discardedCount = 0

    /// Creates a splitter with the given line limit.
    package init(maximumLineLength: Int = LineSplitter.defaultMaximumLineLength) {
        self.maximumLineLength = maximumLineLength
    }

    /// Bytes received but not yet part of a complete line.
    package var pendingByteCount: Int { discarding ? 0 : buffer.count }

    /// Feeds `bytes` and returns every line they complete, in order.
    package mutating func append(_ bytes: some Collection<UInt8>) -> [Output] {
        let chunk = Array(bytes)
        var outputs: [Output] = []
        var start = 0
        while start < chunk.count {
            let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? chunk.count
            let piece = chunk[start..<end]
            if discarding {
                discardedCount += piece.count
            } else if buffer.count + piece.count > maximumLineLength {
                discarding = true
                discardedCount = buffer.count + piece.count
                buffer.removeAll(keepingCapacity: false)
            } else {
                buffer.append(contentsOf: piece)
            }
            guard newline != nil else { break }
            if discarding {
                outputs.append(.oversized(byteCount: discardedCount))
                discarding = false
                discardedCount = 0
            } else {
                outputs.append(.line(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
        return outputs
    }
}

import CodeswarmProtocol
import Glibc
import RouterCore

/// Reads one journal segment back: its complete batches, and where the intact part ends.
///
/// Pure over the segment's bytes so that torn tails, foreign lines and mismatched markers are tested directly.
struct JournalScan: Sendable {
    /// A complete batch: its marker and the byte ranges of its event lines (newline included), in order.
    struct Batch: Sendable, Hashable {
        var marker: JournalBatch
        var lines: [Range<Int>]
    }

    private(set) var batches: [Batch] = []
    /// Bytes up to the end of the last complete batch; anything after is a torn write.
    private(set) var validLength = 0
    /// Problems found (a marker that does not decode or does not match its lines), for the log.
    private(set) var problems: [String] = []

    init(_ bytes: [UInt8]) {
        var pending: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count {
                guard let found = memchr(base + start, 0x0A, buffer.count - start) else { break }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                let line = start..<end
                start = end
                guard buffer[line].starts(with: JournalBatch.prefix) else {
                    pending.append(line)
                    continue
                }
                guard let marker = try? WireCoding.decode(JournalBatch.self, from: buffer[line.dropLast()]) else {
                    problems.append("unreadable batch marker at byte \(line.lowerBound); its batch was skipped")
                    pending = []
                    validLength = end
                    continue
                }
                if marker.events.count == pending.count {
                    batches.append(Batch(marker: marker, lines: pending))
                } else {
                    problems.append(
                        "batch \(marker.number) names \(marker.events.count) events but has \(pending.count) lines; skipped"
                    )
                }
                pending = []
                validLength = end
            }
        }
    }
}

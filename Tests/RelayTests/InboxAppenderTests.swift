import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Relay

/// The relay's inbox appends on their own threads: order per node, durability before the report, the hand-over.
@Suite("InboxAppender")
struct InboxAppenderTests {
    /// One reported outcome and whether its line was already the inbox's last line when it was reported.
    struct Report: Sendable {
        var event: RelayEvent
        var wasDurable: Bool
    }

    @Test(
        "each node's appends land in the order they were queued, with more nodes than lanes; each is reported once its line is in the inbox"
    )
    func orderPerNodeAndReportAfterWrite() async throws {
        let base = try TemporaryDirectory.make(prefix: "codeswarm-appender")
        try AtomicFile.makePrivateDirectory("\(base)/mailbox/inbox")
        let appender = InboxAppender(concurrency: 3)
        let (reports, continuation) = AsyncStream.makeStream(of: Report.self)
        let nodes = 7
        let rounds = 5
        for round in 0..<rounds {
            for node in 0..<nodes {
                let line = "{\"node\":\(node),\"round\":\(round)}"
                let path = MailboxLayout.path(base: base, box: .inbox, jobID: "j", nodeID: node)
                appender.enqueue(base: base, id: round * nodes + node, jobID: "j", nodeID: node, line: line) { event in
                    let durable = FileTail.endsWith(path: path, bytes: Array(line.utf8) + [UInt8(ascii: "\n")])
                    continuation.yield(Report(event: event, wasDurable: durable))
                }
            }
        }
        var seen: [Int] = []
        for await report in reports {
            guard case .appended(let id) = report.event else {
                Issue.record("unexpected outcome \(report.event)")
                break
            }
            #expect(report.wasDurable, "append \(id) was reported before its line was in the inbox")
            seen.append(id)
            if seen.count == nodes * rounds { break }
        }
        #expect(seen.sorted() == Array(0..<(nodes * rounds)))
        for node in 0..<nodes {
            let path = MailboxLayout.path(base: base, box: .inbox, jobID: "j", nodeID: node)
            let text = String(decoding: try #require(try AtomicFile.read(path)), as: UTF8.self)
            let expected = (0..<rounds).map { "{\"node\":\(node),\"round\":\($0)}\n" }.joined()
            #expect(text == expected)
        }
        // One node's reports come in its queue order too.
        let byNode = Dictionary(grouping: seen, by: { $0 % nodes })
        for (_, ids) in byNode { #expect(ids == ids.sorted()) }
    }

    @Test("a failed append is reported as append_failed, and the node's next append still runs")
    func failureIsReported() async throws {
        let appender = InboxAppender(concurrency: 2)
        let (reports, continuation) = AsyncStream.makeStream(of: RelayEvent.self)
        let base = try TemporaryDirectory.make(prefix: "codeswarm-appender")
        // No mailbox/inbox folder under `base`: the open fails.
        appender.enqueue(base: base, id: 1, jobID: "j", nodeID: 0, line: "{}") { continuation.yield($0) }
        appender.enqueue(base: base, id: 2, jobID: "../x", nodeID: 0, line: "{}") { continuation.yield($0) }
        var events: [RelayEvent] = []
        for await event in reports {
            events.append(event)
            if events.count == 2 { break }
        }
        guard case .appendFailed(1, _) = events[0], case .appendFailed(2, let reason) = events[1] else {
            Issue.record("unexpected outcomes \(events)")
            return
        }
        #expect(reason == "invalid job id or node id")
    }

    @Test("expectAnswer wakes the poll loop with the file and hands the file over once")
    func expectAnswerHandsOver() async {
        let wakeup = RelayWakeup()
        wakeup.expectAnswer(file: "j_00.jsonl")
        let changed = await wakeup.wait(timeout: .seconds(3600))
        #expect(changed == ["j_00.jsonl"])
        #expect(wakeup.takeAnswersDue() == ["j_00.jsonl"])
        #expect(wakeup.takeAnswersDue().isEmpty)
    }
}

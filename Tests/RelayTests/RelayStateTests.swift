import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

@testable import Relay

/// The relay's per-file polling on real files: which files a poll looks at, and what it reads from them.
@Suite("RelayState")
struct RelayStateTests {
    static let settings = AdaptivePollSchedule.Settings(
        active: .milliseconds(50), idle: .milliseconds(300), linger: .seconds(1), expectation: .seconds(30))

    /// A mailbox with an outbox for nodes 0 and 1 of job `j`.
    struct Mailbox {
        let base: String
        init() throws {
            base = try TemporaryDirectory.make(prefix: "codeswarm-relay-state")
            for box in MailboxLayout.Box.allCases {
                try FileManager.default.createDirectory(
                    atPath: "\(base)/mailbox/\(box.rawValue)", withIntermediateDirectories: true)
            }
        }
        func append(_ text: String, node: Int) throws {
            try AtomicFile.append(
                Array(text.utf8), to: MailboxLayout.path(base: base, box: .outbox, jobID: "j", nodeID: node))
        }
        func file(_ node: Int) -> String { MailboxLayout.fileName(jobID: "j", nodeID: node) }
    }

    static func lines(_ events: [RelayEvent]) -> [String] {
        events.compactMap { if case .record(_, _, _, _, let line) = $0 { line } else { nil } }
    }

    @Test("a newly watched file is read at once; an idle file is not looked at again before its interval")
    func dueFilesOnly() async throws {
        let mailbox = try Mailbox()
        try mailbox.append("{\"seq\":1}\n", node: 0)
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 2, cursors: []), now: .zero)

        let first = await state.poll(base: mailbox.base, now: .zero, changed: [])
        #expect(Self.lines(first.events) == ["{\"seq\":1}"])
        // Node 0 just streamed (fast), node 1 is idle: the next file is due after the active interval.
        #expect(first.nextDue == .milliseconds(50))

        try mailbox.append("{\"seq\":2}\n", node: 1)
        let early = await state.poll(base: mailbox.base, now: .milliseconds(10), changed: [])
        #expect(early.events.isEmpty)
        let due = await state.poll(base: mailbox.base, now: .milliseconds(300), changed: [])
        #expect(Self.lines(due.events) == ["{\"seq\":2}"])
    }

    @Test("a file inotify names is read before it is due; nil reads every file")
    func changedFilesAreRead() async throws {
        let mailbox = try Mailbox()
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 2, cursors: []), now: .zero)
        _ = await state.poll(base: mailbox.base, now: .zero, changed: [])

        try mailbox.append("{\"seq\":1}\n", node: 1)
        let named = await state.poll(base: mailbox.base, now: .milliseconds(1), changed: [mailbox.file(1)])
        #expect(Self.lines(named.events) == ["{\"seq\":1}"])

        try mailbox.append("{\"seq\":1}\n", node: 0)
        try mailbox.append("{\"seq\":2}\n", node: 1)
        let everything = await state.poll(base: mailbox.base, now: .milliseconds(2), changed: nil)
        #expect(Self.lines(everything.events).sorted() == ["{\"seq\":1}", "{\"seq\":2}"])
    }

    @Test("an inject appended to a node makes its outbox due within the active interval, however idle it was")
    func expectedAnswerIsPolledFast() async throws {
        let mailbox = try Mailbox()
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 1, cursors: []), now: .zero)
        var now = Duration.zero
        for _ in 0..<5 { now = await state.poll(base: mailbox.base, now: now, changed: []).nextDue ?? now }
        #expect(now >= .milliseconds(900))  // backed off to the idle interval

        await state.expectAnswer(file: mailbox.file(0), now: now + .milliseconds(1))
        let next = await state.poll(base: mailbox.base, now: now + .milliseconds(1), changed: [])
        #expect(next.nextDue == now + .milliseconds(51))
    }

    @Test("an outbox renamed to the archive is drained there, then a new outbox is followed from 0")
    func archiveThenNewOutbox() async throws {
        let mailbox = try Mailbox()
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 1, cursors: []), now: .zero)
        try mailbox.append("{\"seq\":1}\n", node: 0)
        _ = await state.poll(base: mailbox.base, now: .zero, changed: nil)

        try mailbox.append("{\"seq\":2}\n", node: 0)
        let outbox = MailboxLayout.path(base: mailbox.base, box: .outbox, jobID: "j", nodeID: 0)
        let archive = MailboxLayout.path(base: mailbox.base, box: .archive, jobID: "j", nodeID: 0)
        #expect(rename(outbox, archive) == 0)
        let drained = await state.poll(base: mailbox.base, now: .milliseconds(1), changed: nil)
        #expect(Self.lines(drained.events) == ["{\"seq\":2}"])

        try mailbox.append("{\"seq\":3}\n", node: 0)
        let replaced = await state.poll(base: mailbox.base, now: .milliseconds(2), changed: nil)
        #expect(replaced.events.first == .fileReset(file: mailbox.file(0), reason: "replaced"))
        #expect(Self.lines(replaced.events) == ["{\"seq\":3}"])
    }

    @Test("an idle worker's heartbeat is read but does not make its file fast; any other line does")
    func heartbeatIsNotActivity() async throws {
        let mailbox = try Mailbox()
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 1, cursors: []), now: .zero)
        try mailbox.append(#"{"job_id":"j","node_id":0,"seq":1,"type":"heartbeat"}"# + "\n", node: 0)
        let heartbeat = await state.poll(base: mailbox.base, now: .zero, changed: [])
        #expect(Self.lines(heartbeat.events).count == 1)
        #expect(heartbeat.nextDue == .milliseconds(300))

        try mailbox.append(#"{"job_id":"j","node_id":0,"seq":2,"type":"codex_rpc"}"# + "\n", node: 0)
        let line = await state.poll(base: mailbox.base, now: .milliseconds(300), changed: [])
        #expect(Self.lines(line.events).count == 1)
        #expect(line.nextDue == .milliseconds(350))
    }

    @Test("unwatching a job stops looking at its files")
    func unwatch() async throws {
        let mailbox = try Mailbox()
        let state = RelayState(settings: Self.settings)
        await state.apply(.watch(jobID: "j", nodeCount: 1, cursors: []), now: .zero)
        await state.apply(.unwatch(jobID: "j"), now: .zero)
        try mailbox.append("{\"seq\":1}\n", node: 0)
        let result = await state.poll(base: mailbox.base, now: .seconds(1), changed: nil)
        #expect(result.events.isEmpty)
        #expect(result.nextDue == nil)
    }
}

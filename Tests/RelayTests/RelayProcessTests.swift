import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real `codeswarm relay` process driven over its stdin/stdout, as the router drives it.
@Suite(.enabled(if: CodeswarmBinary.isBuilt || CodeswarmBinary.isCI, "codeswarm is not built (CI=true fails instead)"))
struct RelayProcessTests {
    /// A relay on a temporary mailbox, with its events collected as they arrive.
    final class Relay: @unchecked Sendable {
        // Set once in init; the event list is guarded by its own lock.
        let base: String
        let process: ChildProcess
        private let log = EventLog()
        private var reader: Task<Void, Never>?

        /// Events in arrival order, shared with the reading task.
        final class EventLog: @unchecked Sendable {
            // `events` is guarded by `lock`.
            private let lock = NSLock()
            private var events: [RelayEvent] = []
            func append(_ event: RelayEvent) { lock.withLock { events.append(event) } }
            func first(where predicate: (RelayEvent) -> Bool) -> RelayEvent? {
                lock.withLock { events.first(where: predicate) }
            }
        }

        init(arguments: [String]) throws {
            try #require(CodeswarmBinary.isBuilt, "codeswarm is not built at \(CodeswarmBinary.path)")
            base = try TemporaryDirectory.make(prefix: "codeswarm-relay")
            process = try ChildProcess.spawn(
                executable: CodeswarmBinary.path, arguments: ["relay", "--base", base] + arguments, stderr: .null)
            let lines = FileDescriptorReader.lines(try #require(process.standardOutput), name: "relay stdout")
            let log = self.log
            reader = Task {
                for await case .line(let bytes) in lines {
                    if let event = try? WireCoding.decode(RelayEvent.self, from: bytes) { log.append(event) }
                }
            }
        }

        func send(_ request: RelayRequest) throws {
            try process.standardInput?.write(try WireCoding.encodeLine(request))
        }

        /// Waits (bounded) for an event matching `predicate`.
        func waitFor(_ what: String, _ predicate: (RelayEvent) -> Bool) async throws -> RelayEvent {
            let deadline = ContinuousClock.now + .seconds(20)
            // Looked at once more after the deadline: a task kept off a busy cooperative pool must not fail for it.
            while true {
                if let found = log.first(where: predicate) { return found }
                if ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("timed out waiting for \(what)")
            throw CancellationError()
        }

        deinit {
            reader?.cancel()
            process.standardInput?.close()
            _ = process.send(signal: SIGKILL)
            try? FileManager.default.removeItem(atPath: base)
        }
    }

    static func isRecord(_ line: String) -> (RelayEvent) -> Bool {
        { if case .record(_, _, _, _, let text) = $0 { text == line } else { false } }
    }

    @Test("without inotify (a shared filesystem's case) the poll alone sees a worker's write")
    func pollAloneSeesWrites() async throws {
        let relay = try Relay(arguments: ["--no-inotify", "--poll-idle-ms", "200"])
        _ = try await relay.waitFor("ready") { if case .ready = $0 { true } else { false } }
        try relay.send(.watch(jobID: "j", nodeCount: 1, cursors: []))
        let outbox = MailboxLayout.path(base: relay.base, box: .outbox, jobID: "j", nodeID: 0)
        try AtomicFile.append(Array("{\"seq\":1}\n".utf8), to: outbox)
        _ = try await relay.waitFor("the record", Self.isRecord("{\"seq\":1}"))
    }

    @Test("with inotify, a write is reported and an append is acknowledged and lands in the inbox")
    func inotifyAndAppend() async throws {
        let relay = try Relay(arguments: [])
        _ = try await relay.waitFor("ready") { if case .ready = $0 { true } else { false } }
        try relay.send(.watch(jobID: "j", nodeCount: 2, cursors: []))
        try relay.send(.append(id: 7, jobID: "j", nodeID: 1, line: #"{"type":"user","content":"hi"}"#))
        _ = try await relay.waitFor("the append") { $0 == .appended(id: 7) }
        let inbox = MailboxLayout.path(base: relay.base, box: .inbox, jobID: "j", nodeID: 1)
        #expect(try AtomicFile.read(inbox) == Array("{\"type\":\"user\",\"content\":\"hi\"}\n".utf8))

        let outbox = MailboxLayout.path(base: relay.base, box: .outbox, jobID: "j", nodeID: 1)
        try AtomicFile.append(Array("{\"seq\":1}\n".utf8), to: outbox)
        _ = try await relay.waitFor("the record", Self.isRecord("{\"seq\":1}"))
    }

    @Test("appends sent at once to many nodes are all acknowledged; each inbox keeps its own lines in order")
    func concurrentAppends() async throws {
        let relay = try Relay(arguments: [])
        _ = try await relay.waitFor("ready") { if case .ready = $0 { true } else { false } }
        var id = 0
        for round in 0..<3 {
            for node in 0..<16 {
                id += 1
                try relay.send(.append(id: id, jobID: "j", nodeID: node, line: "{\"n\":\(node),\"r\":\(round)}"))
            }
        }
        for expected in 1...id {
            _ = try await relay.waitFor("append \(expected)") { $0 == .appended(id: expected) }
        }
        for node in 0..<16 {
            let inbox = MailboxLayout.path(base: relay.base, box: .inbox, jobID: "j", nodeID: node)
            let lines = (0..<3).map { "{\"n\":\(node),\"r\":\($0)}\n" }.joined()
            #expect(try AtomicFile.read(inbox) == Array(lines.utf8))
        }
    }
}

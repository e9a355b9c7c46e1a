import CodeswarmProtocol
import Foundation
import Testing

/// Locks every wire format: each canonical fixture line decodes and re-encodes to the same bytes.
@Suite("Golden fixtures")
struct GoldenFixtureTests {
    @Test("every canonical command line decodes, validates and re-encodes byte for byte")
    func commandsRoundTrip() throws {
        var names: Set<String> = []
        for line in try Fixture.lines("commands.jsonl") {
            let envelope = try WireCoding.decode(CommandEnvelope.self, from: line)
            #expect(try WireCoding.encodeString(envelope) == line, "CommandEnvelope round trip of \(line)")

            let parsed = try CommandParser.parse(line: Array(line.utf8)).get()
            let requestID = try #require(parsed.requestID.stringValue, "fixture request ids are strings: \(line)")
            let rebuilt = CommandEnvelope(requestID: requestID, command: parsed.command)
            #expect(try WireCoding.encodeString(rebuilt) == line, "parsed command re-encoded differs: \(line)")
            names.insert(parsed.command.name)
        }
        #expect(names == Set(RouterCommand.knownNames), "commands.jsonl must hold a line for every command")
    }

    @Test("every canonical event line decodes and re-encodes byte for byte")
    func eventsRoundTrip() throws {
        var cases: Set<String> = []
        for line in try Fixture.lines("events.jsonl") {
            let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
            #expect(try WireCoding.encodeString(envelope) == line, "EventEnvelope round trip of \(line)")
            #expect(envelope.timestamp == "2026-11-25T12:29:44.793876+00:00")
            cases.insert(envelope.event.caseName)
        }
        #expect(cases == RouterEvent.allCaseNames, "events.jsonl must hold every event case and every stream body")
    }

    @Test("every outbox line type decodes and re-encodes byte for byte")
    func outboxRoundTrip() throws {
        var kinds: Set<String> = []
        for line in try Fixture.lines("outbox.jsonl") {
            let record = try WireCoding.decode(OutboxRecord.self, from: line)
            #expect(try WireCoding.encodeString(record) == line, "OutboxRecord round trip of \(line)")
            kinds.insert(record.type.rawValue)
        }
        #expect(
            kinds == [
                "start", "codex_rpc", "codex_stderr", "worker_error", "complete", "heartbeat", "injection_routed",
                "thread",
            ])
    }

    @Test("inbox lines decode and re-encode byte for byte")
    func inboxRoundTrip() throws {
        var kinds: Set<InboxLine.Kind> = []
        for line in try Fixture.lines("inbox.jsonl") {
            let inbox = try WireCoding.decode(InboxLine.self, from: line)
            #expect(try WireCoding.encodeString(inbox) == line, "InboxLine round trip of \(line)")
            let kind = try #require(inbox.kind, "unknown inbox type in \(line)")
            kinds.insert(kind)
            let rebuilt: InboxLine
            if kind == .user {
                rebuilt = InboxLine(
                    userContent: try #require(inbox.content), injectionID: try #require(inbox.injectionID),
                    mode: inbox.mode)
            } else {
                rebuilt = InboxLine(
                    control: kind, rpcID: inbox.rpcID, decision: inbox.decision, approvalID: inbox.approvalID)
            }
            #expect(try WireCoding.encodeString(rebuilt) == line)
        }
        #expect(kinds == Set(InboxLine.Kind.allCases), "inbox.jsonl must hold a line of every type")
    }

    @Test("relay requests of every op decode and re-encode byte for byte")
    func relayRequestsRoundTrip() throws {
        var ops: Set<String> = []
        for line in try Fixture.lines("relay_requests.jsonl") {
            let request = try WireCoding.decode(RelayRequest.self, from: line)
            #expect(try WireCoding.encodeString(request) == line, "RelayRequest round trip of \(line)")
            switch request {
            case .watch: ops.insert("watch")
            case .unwatch: ops.insert("unwatch")
            case .append: ops.insert("append")
            case .run: ops.insert("run")
            }
        }
        #expect(ops == ["watch", "unwatch", "append", "run"])
    }

    @Test("relay events of every type decode and re-encode byte for byte")
    func relayEventsRoundTrip() throws {
        var types: Set<String> = []
        for line in try Fixture.lines("relay_events.jsonl") {
            let event = try WireCoding.decode(RelayEvent.self, from: line)
            #expect(try WireCoding.encodeString(event) == line, "RelayEvent round trip of \(line)")
            switch event {
            case .ready: types.insert("ready")
            case .record: types.insert("record")
            case .appended: types.insert("appended")
            case .appendFailed: types.insert("append_failed")
            case .fileReset: types.insert("file_reset")
            case .error: types.insert("error")
            case .ran: types.insert("ran")
            }
        }
        #expect(types == ["ready", "record", "appended", "append_failed", "file_reset", "error", "ran"])
    }

    @Test("each fixture file ends every line with a single newline and holds no carriage returns")
    func fixtureFilesAreCanonicalJSONLines() throws {
        for name in [
            "commands.jsonl", "events.jsonl", "outbox.jsonl", "inbox.jsonl", "relay_requests.jsonl",
            "relay_events.jsonl",
        ] {
            let bytes = try Fixture.bytes(name)
            #expect(bytes.last == UInt8(ascii: "\n"), "\(name)")
            #expect(!bytes.contains(UInt8(ascii: "\r")), "\(name)")
        }
    }

    // MARK: - Decoded values

    @Test("run requests keep their argv apart and their input verbatim; ran events carry the exit code and output")
    func runFixtureValues() throws {
        let requests = try Fixture.lines("relay_requests.jsonl").map {
            try WireCoding.decode(RelayRequest.self, from: $0)
        }
        #expect(
            requests.contains(
                .run(
                    id: 22, argv: ["squeue", "-h", "-j", "272900,272901", "-o", "%i|%T|%r|%L"],
                    input: "line one\n$(not expanded) `x`", timeoutSeconds: 15)))
        let events = try Fixture.lines("relay_events.jsonl").map { try WireCoding.decode(RelayEvent.self, from: $0) }
        #expect(events.contains(.ran(id: 21, exitCode: 0, standardOutput: "272900\n", standardError: "")))
        #expect(events.contains(.ran(id: 22, exitCode: -1, standardOutput: "", standardError: "timed out after 15 s")))
    }

    @Test("the launch fixture decodes to the full launch request")
    func launchFixtureValues() throws {
        let line = try #require(try Fixture.lines("commands.jsonl").first)
        let parsed = try CommandParser.parse(line: Array(line.utf8)).get()
        #expect(parsed.requestID == "req-launch-1")
        #expect(
            parsed.command
                == .launch(
                    LaunchRequest(
                        nodes: 4, partition: "gpu", time: "01:00:00", account: "proj-42", qos: "normal",
                        systemPrompt: "You are a focused autonomous agent.", provider: "slurm")))
    }

    @Test("inject fixtures decode their node selections: all, one index, a list")
    func injectFixtureSelections() throws {
        let selections = try Fixture.lines("commands.jsonl").compactMap { line -> NodeSelection? in
            guard case .inject(_, let nodes, _, _) = try CommandParser.parse(line: Array(line.utf8)).get().command
            else {
                return nil
            }
            return nodes
        }
        #expect(selections == [.all, .nodes([2]), .nodes([1, 3]), .nodes([0, 2])])
    }

    @Test("the usage fixture carries the total and the whole breakdown")
    func usageFixtureValues() throws {
        let usage = try Fixture.lines("events.jsonl").compactMap { line -> StreamEvent? in
            guard case .stream(let event) = try WireCoding.decode(EventEnvelope.self, from: line).event,
                case .usage = event.body
            else { return nil }
            return event
        }
        let full = try #require(usage.first)
        #expect(full.swarmID == "3f1c2a9e-5b7d-4e21-9c0a-6d8e4f2b1a70")
        #expect(full.jobID == "local_ad6a3e6b")
        #expect(full.nodeID == 1)
        #expect(full.injectionID == "b7e4c1d2-8a3f-4e5b-9c6d-0f1a2b3c4d5e")
        #expect(full.turnID == "turn-7")
        #expect(full.seq == 12)
        #expect(
            full.body
                == .usage(
                    TokenUsage(
                        totalTokens: 5400, inputTokens: 5000, cachedInputTokens: 1000, outputTokens: 400,
                        reasoningOutputTokens: 128, modelContextWindow: 272000, turnTotalTokens: 1400,
                        turnInputTokens: 1300, turnOutputTokens: 100)))
        #expect(usage.last?.body == .usage(TokenUsage(totalTokens: 17)))
    }

    @Test("stream events before any injection carry injection_id null on the wire")
    func nullInjectionIDIsWritten() throws {
        let line = try #require(try Fixture.lines("events.jsonl").first { $0.contains("\"node_started\"") })
        #expect(line.contains("\"injection_id\":null"))
        let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
        guard case .stream(let event) = envelope.event else {
            Issue.record("node_started did not decode as a stream event")
            return
        }
        #expect(event.injectionID == nil)
        #expect(event.body == .nodeStarted(hostname: "node01"))
    }

    @Test("codex_rpc outbox lines keep injection_id null; other types omit absent fields")
    func outboxNullInjection() throws {
        let lines = try Fixture.lines("outbox.jsonl")
        let initialize = try WireCoding.decode(OutboxRecord.self, from: lines[1])
        #expect(initialize.type == .codexRPC)
        #expect(initialize.injectionID == nil)
        #expect(lines[1].contains("\"injection_id\":null"))
        let corrupt = try WireCoding.decode(OutboxRecord.self, from: lines[6])
        #expect(corrupt.type == .workerError)
        #expect(!lines[6].contains("injection_id"))
        #expect(corrupt.code == "inbox_corrupt_line")
    }

    @Test("numeric and null request ids survive a round trip unchanged")
    func requestIDKinds() throws {
        let lines = try Fixture.lines("events.jsonl")
        let numeric = try #require(lines.first { $0.contains("\"launch_request_id\":7") })
        #expect(try WireCoding.decode(EventEnvelope.self, from: numeric).event.requestID == .number(7))
        let null = try #require(
            lines.first { $0.contains("\"event\":\"command_rejected\"") && $0.contains("\"request_id\":null") })
        #expect(try WireCoding.decode(EventEnvelope.self, from: null).event.requestID == .null)
    }

    @Test("an unknown event name decodes to .unknown with its data kept")
    func unknownEventKept() throws {
        let line = try #require(try Fixture.lines("events.jsonl").last)
        let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
        #expect(envelope.event == .unknown(name: "debug", data: ["source": "router", "message": "daemon_started"]))
    }
}

extension RouterEvent {
    /// A name for each case (stream events by body), so fixture coverage can be checked exhaustively.
    var caseName: String {
        switch self {
        case .swarmLaunched: "swarm_launched"
        case .swarmLaunchProgress: "swarm_launch_progress"
        case .swarmList: "swarm_list"
        case .swarmStatus: "swarm_status"
        case .swarmTerminated: "swarm_terminated"
        case .swarmTerminateProgress: "swarm_terminate_progress"
        case .commandRejected: "command_rejected"
        case .injectAck: "inject_ack"
        case .injectDelivered: "inject_delivered"
        case .injectFailed: "inject_failed"
        case .injectDeferred: "inject_deferred"
        case .swarmResumed: "swarm_resumed"
        case .replayComplete: "replay_complete"
        case .providersList: "providers_list"
        case .queueList: "queue_list"
        case .projectList: "project_list"
        case .notice: "router_notice"
        case .interruptSent: "interrupt_sent"
        case .approvalsList: "approvals_list"
        case .approvalSubmitted: "approval_submitted"
        case .execApproval(let kind, _): kind.rawValue
        case .welcome: "welcome"
        case .unknown: "unknown"
        case .stream(let event): "stream.\(event.body.name)"
        }
    }

    /// Every case name `caseName` can produce.
    static var allCaseNames: Set<String> {
        Set([
            "swarm_launched", "swarm_launch_progress", "swarm_list", "swarm_status", "swarm_terminated",
            "swarm_terminate_progress", "command_rejected", "inject_ack", "inject_delivered", "inject_failed",
            "replay_complete", "router_notice", "welcome", "unknown", "providers_list", "queue_list", "project_list",
            "interrupt_sent", "approvals_list", "approval_submitted", "exec_approval_required",
            "exec_approval_submitted", "exec_approval_resolved", "inject_deferred", "swarm_resumed",
        ]).union(StreamEvent.Body.names.map { "stream.\($0)" })
    }
}

import Foundation
import Testing

@testable import CodeswarmProtocol

/// Lines written by the original system (seed router, worker and clients) decode to the values they mean.
@Suite("Lines written by the original system")
struct SeedCompatibilityTests {
    static let swarmID: SwarmID = "e3b0c442-98fc-4c14-9afb-f4c8996fb924"
    static let injectionID: InjectionID = "82010eed-4c5a-4b7e-9f3d-2e1a0b9c8d7f"
    static let launchRequest: JSONValue = "5b0f7c3e-2d4a-4f61-8e9b-1a2c3d4e5f60"
    static let listRequest: JSONValue = "9d8c7b6a-5f4e-4d3c-8b2a-190817263544"
    static let seedTimestamp = "2026-02-25T23:58:01.123456+00:00"

    @Test("seed client commands (uuid request ids, type command, JSON.stringify and json.dumps styles) parse")
    func seedCommands() throws {
        let expected: [CommandParser.Parsed] = [
            .init(
                requestID: Self.launchRequest,
                command: .launch(
                    LaunchRequest(
                        nodes: 2, partition: "gpu", time: "00:30:00",
                        systemPrompt: "You are a focused autonomous agent."))),
            .init(requestID: Self.listRequest, command: .list),
            .init(requestID: Self.launchRequest, command: .status(swarmID: Self.swarmID, includeNodes: false)),
            .init(
                requestID: Self.listRequest,
                command: .inject(swarmID: Self.swarmID, nodes: .all, content: "Quote test: it's \"ok\" $HOME `x`")),
            .init(
                requestID: Self.launchRequest,
                command: .inject(swarmID: Self.swarmID, nodes: .nodes([1]), content: "naïve café ✓")),
            .init(requestID: Self.listRequest, command: .terminate(swarmID: Self.swarmID, force: false)),
            .init(
                requestID: Self.launchRequest,
                command: .inject(swarmID: Self.swarmID, nodes: .nodes([0, 1]), content: "café — 🚀")),
        ]
        let lines = try Fixture.lines("seed_commands.jsonl")
        #expect(lines.count == expected.count)
        for (line, want) in zip(lines, expected) {
            let parsed = CommandParser.parse(line: Array(line.utf8))
            #expect(parsed == .success(want), "seed command \(line)")
        }
        #expect(lines[0].contains("\"type\":\"command\""), "the seed CLI sends type command")
        #expect(!lines[6].contains("\"type\""), "the last line omits type, which the seed ignores")
    }

    @Test("seed router events (json.dumps separators, \\u escapes, +00:00 timestamps, null injection ids) decode")
    func seedEvents() throws {
        let base = { (body: StreamEvent.Body) in
            RouterEvent.stream(
                StreamEvent(
                    swarmID: Self.swarmID, jobID: "272900", nodeID: 1, injectionID: Self.injectionID, body: body))
        }
        let expected: [RouterEvent] = [
            .swarmLaunched(
                SwarmLaunched(
                    requestID: Self.launchRequest, swarmID: Self.swarmID, jobID: "272900", nodeCount: 2,
                    partition: "gpu",
                    time: "00:30:00")),
            .injectAck(
                InjectionEvent(
                    requestID: Self.launchRequest, swarmID: Self.swarmID, injectionID: Self.injectionID, nodeID: 1)),
            .injectDelivered(
                InjectionEvent(
                    requestID: Self.launchRequest, swarmID: Self.swarmID, injectionID: Self.injectionID, nodeID: 1)),
            .injectFailed(
                InjectionEvent(
                    requestID: Self.launchRequest, swarmID: Self.swarmID, injectionID: Self.injectionID, nodeID: 1,
                    error: "ssh: connect to host fakehpc port 22: Connection refused")),
            .stream(
                StreamEvent(swarmID: Self.swarmID, jobID: "272900", nodeID: 0, injectionID: nil, body: .turnStarted)),
            base(.assistantDelta(content: "café — ")),
            base(.assistant(content: "café — 🚀 done")),
            base(.usage(TokenUsage(totalTokens: 5400))),
            base(.turnComplete(status: nil, error: nil)),
            .swarmStatus(
                SwarmStatusReply(
                    requestID: Self.launchRequest, swarmID: Self.swarmID, jobID: "272900", nodeCount: 2,
                    status: .running,
                    slurmState: "RUNNING")),
            .swarmTerminated(SwarmTerminated(requestID: Self.listRequest, swarmID: Self.swarmID)),
            .commandRejected(CommandRejected(requestID: Self.launchRequest, reason: "partition is required")),
            .commandRejected(CommandRejected(requestID: .null, reason: "unknown swarm_id")),
            .unknown(name: "debug", data: ["source": "router", "message": "command received: 'swarm_list'"]),
        ]
        let lines = try Fixture.lines("seed_events.jsonl")
        #expect(lines.count == expected.count)
        for (line, want) in zip(lines, expected) {
            #expect(line.contains("\", \""), "seed lines use Python's separators")
            let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
            #expect(envelope.event == want, "seed event \(line)")
            #expect(envelope.timestamp == Self.seedTimestamp)
        }
        #expect(lines[5].contains("\\u00e9"), "the fixture really holds \\u escapes")
        #expect(lines[6].contains("\\ud83d\\ude80"), "and surrogate pairs")
    }

    @Test("the latest original web backend's commands (provider_params, providers/queue/project lists) parse")
    func headCommands() throws {
        let lines = try Fixture.lines("head_commands.jsonl")
        let parsed = try lines.map { try CommandParser.parse(line: Array($0.utf8)).get().command }
        #expect(
            parsed == [
                .launch(
                    LaunchRequest(
                        nodes: 2, partition: "gpu", time: "00:30:00", account: "proj-42", qos: "normal",
                        systemPrompt: "You are a focused autonomous agent.", provider: "slurm")),
                .launch(LaunchRequest(nodes: 1, provider: "local")),
                .providers, .queueList, .projectList,
            ])
    }

    @Test("launch progress names the launch in launch_request_id, so a seed client's first match is the answer")
    func launchProgressCarriesNoRequestID() throws {
        let progress = SwarmLaunchProgress(requestID: Self.launchRequest, stage: "accepted", message: "launching")
        let line = try WireCoding.encodeString(
            EventEnvelope(timestamp: Self.seedTimestamp, event: .swarmLaunchProgress(progress)))
        let data = try #require(try WireCoding.decode(JSONValue.self, from: line)["data"])
        #expect(data["request_id"] == nil, "the seed CLI would print this event as \"Swarm launched\"")
        #expect(data["launch_request_id"] == Self.launchRequest)
        #expect(try WireCoding.decode(EventEnvelope.self, from: line).event.requestID == Self.launchRequest)
    }

    @Test("launch progress from a router that still sent request_id decodes to the same launch")
    func legacyLaunchProgressDecodes() throws {
        let line =
            #"{"data":{"message":"job 272900 submitted","request_id":"req-old","stage":"submitted","swarm_id":"s1"},"event":"swarm_launch_progress","protocol":"codeswarm.router.v1","timestamp":"x","type":"event"}"#
        let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
        #expect(
            envelope.event
                == .swarmLaunchProgress(
                    SwarmLaunchProgress(
                        requestID: "req-old", swarmID: "s1", stage: "submitted", message: "job 272900 submitted")))
    }

    @Test("the seed worker's outbox lines decode, including a worker_error without job or node")
    func seedOutbox() throws {
        let turnStarted: JSONValue = [
            "method": "turn/started",
            "params": ["threadId": "thr_1", "turn": ["id": "turn_1", "status": "inProgress", "items": []]],
        ]
        let legacyDelta: JSONValue = [
            "jsonrpc": "2.0", "method": "codex/event/agent_message_content_delta",
            "params": [
                "id": "1", "msg": ["type": "agent_message_content_delta", "delta": "café — "],
                "conversationId": "thr_1",
            ],
        ]
        let expected: [OutboxRecord] = [
            OutboxRecord(
                type: .start, jobID: "272900", nodeID: 1, hostname: "nid001234", timestamp: Self.seedTimestamp),
            OutboxRecord(
                type: .codexRPC, jobID: "272900", nodeID: 1, injectionID: nil,
                payload: ["id": 0, "result": ["userAgent": "codex_cli_rs/0.104.0"]]),
            OutboxRecord(
                type: .codexRPC, jobID: "272900", nodeID: 1, injectionID: Self.injectionID, payload: turnStarted),
            OutboxRecord(
                type: .codexRPC, jobID: "272900", nodeID: 1, injectionID: Self.injectionID, payload: legacyDelta),
            OutboxRecord(
                type: .codexStderr, jobID: "272900", nodeID: 1,
                line: "2026-02-25T23:58:02Z WARN codex_core: rate limited"),
            OutboxRecord(
                type: .workerError, jobID: nil, nodeID: nil, error: "Expecting value: line 1 column 1 (char 0)"),
            OutboxRecord(type: .complete, jobID: "272900", nodeID: 1, timestamp: Self.seedTimestamp),
        ]
        let lines = try Fixture.lines("seed_outbox.jsonl")
        #expect(lines.count == expected.count)
        for (line, want) in zip(lines, expected) {
            #expect(try WireCoding.decode(OutboxRecord.self, from: line) == want, "seed outbox line \(line)")
        }
        let start = try WireCoding.decode(OutboxRecord.self, from: lines[0])
        #expect(start.timestamp.flatMap(WireTimestamp.date(from:)) != nil, "the seed's +00:00 timestamp parses")
    }

    @Test("the seed's inbox lines decode, and our inbox line is readable the same way")
    func seedInbox() throws {
        let lines = try Fixture.lines("seed_inbox.jsonl")
        let decoded = try lines.map { try WireCoding.decode(InboxLine.self, from: $0) }
        #expect(
            decoded[0] == InboxLine(userContent: "Quote test: it's \"ok\" $HOME `x`", injectionID: Self.injectionID))
        #expect(
            decoded[1]
                == InboxLine(userContent: "café — 🚀\nsecond line", injectionID: "00000000-0000-4000-8000-000000000002"))
        #expect(decoded[2].type == "shutdown")
        #expect(decoded[2].content == nil)
        #expect(decoded[2].injectionID == nil)
    }

    @Test("a seed-format outbox file name maps to its job and node")
    func seedOutboxFileNames() {
        #expect(
            MailboxLayout.parse(fileName: "272900_01.jsonl").map { [$0.jobID.rawValue, String($0.nodeID)] } == [
                "272900", "1",
            ])
        #expect(MailboxLayout.fileName(jobID: "272900", nodeID: 1) == "272900_01.jsonl")
    }
}

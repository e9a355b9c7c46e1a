import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Outbox records become ordered, deduplicated stream events labelled with their injection.
@Suite("RouterCore stream")
struct RouterCoreStreamTests {
    static let job: JobID = "local_5eed0001"
    static let expectedTimeline = [
        "inject_ack", "inject_delivered", "turn_started", "assistant_delta", "assistant_delta", "assistant_delta",
        "assistant",
        "usage", "turn_complete",
    ]

    /// A running swarm with one delivered injection per node; returns the harness, swarm and injection per node.
    static func swarmWithDeliveredInjection(nodes: Int) throws -> (RouterCoreHarness, SwarmID, [Int: InjectionID]) {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: nodes, job: job)
        let injections = try harness.injectDelivered(swarmID, content: "Optimize GEMM tiling.", id: "inj-1")
        return (harness, swarmID, injections)
    }

    @Test(
        "for one injection on one node a client sees ack, delivered, turn_started, deltas, assistant, usage, turn_complete"
    )
    func orderPerInjection() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        var effects = try harness.command(
            "inject", id: "inj-order",
            payload: ["swarm_id": .string(swarmID.rawValue), "content": "Optimize GEMM tiling."])
        let injections = effects.broadcastEvents.compactMap(\.injectAck).map(\.injectionID)
        for append in effects.appendRequests { effects += harness.appended(append.id) }
        // The two nodes' traffic interleaves; each injection's own order must hold.
        for (turn, node) in [("turn_a", 0), ("turn_b", 1)] {
            effects += try harness.rpc(
                job: Self.job, node: node, injection: injections[node], AppServer.turnStarted(turn: turn))
        }
        for piece in ["Tile ", "by ", "64."] {
            for (turn, node) in [("turn_a", 0), ("turn_b", 1)] {
                effects += try harness.rpc(
                    job: Self.job, node: node, injection: injections[node], AppServer.delta(piece, turn: turn))
            }
        }
        for (turn, node) in [("turn_b", 1), ("turn_a", 0)] {
            effects += try harness.rpc(
                job: Self.job, node: node, injection: injections[node],
                AppServer.agentMessage("Tile by 64.", turn: turn))
            effects += try harness.rpc(
                job: Self.job, node: node, injection: injections[node], AppServer.tokenUsage(total: 1200, turn: turn))
            effects += try harness.rpc(
                job: Self.job, node: node, injection: injections[node], AppServer.turnCompleted(turn: turn))
        }

        for (node, injection) in injections.enumerated() {
            let events = effects.broadcastEvents.filter { $0.injectionID == injection }
            #expect(events.map(\.name) == Self.expectedTimeline, "node \(node)")
            let seqs = events.compactMap(\.seq)
            #expect(seqs.count == events.count, "every lifecycle and stream event carries a seq")
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "seqs strictly increase")
            let stream = events.compactMap(\.stream)
            #expect(stream.allSatisfy { $0.swarmID == swarmID && $0.jobID == Self.job && $0.nodeID == node })
            #expect(stream.allSatisfy { $0.turnID == (node == 0 ? "turn_a" : "turn_b") })
            #expect(
                stream.map(\.body).filter { if case .assistantDelta = $0 { true } else { false } } == [
                    .assistantDelta(content: "Tile "), .assistantDelta(content: "by "), .assistantDelta(content: "64."),
                ])
            #expect(stream.map(\.body).contains(.assistant(content: "Tile by 64.")))
            #expect(
                stream.map(\.body).contains(
                    .usage(
                        TokenUsage(
                            totalTokens: 1200, inputTokens: 1180, cachedInputTokens: 0, outputTokens: 20,
                            reasoningOutputTokens: 0, modelContextWindow: 258_400, turnTotalTokens: 1200,
                            turnInputTokens: 1180, turnOutputTokens: 20))))
            #expect(stream.last?.body == .turnComplete(status: "completed", error: nil))
            #expect(events.first?.requestID == "inj-order")
        }
        let node = harness.snapshot.swarms.values[0].nodes[0]
        #expect(node.openInjections.isEmpty)
        #expect(node.currentInjection == nil)
        #expect(node.agentState == .idle)
        #expect(node.totalTokens == 1200)
    }

    @Test("output of an injection whose append is not yet acknowledged reports delivery first, once")
    func outputBeforeAcknowledgement() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let payload: JSONValue = ["swarm_id": .string(swarmID.rawValue), "content": "go"]
        let first = try harness.command("inject", id: "a", payload: payload)
        try harness.command("inject", id: "b", payload: payload)
        let append = try #require(first.appendRequests.first)
        let injection = try #require(first.broadcastEvents.compactMap(\.injectAck).first?.injectionID)

        // A relay restart: the worker has read the line and the agent answers before the re-sent append is acknowledged.
        let effects = try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnStarted(turn: "t"))
        #expect(effects.eventNames == ["inject_delivered", "turn_started"])
        #expect(effects.appendRequests.count == 1, "the next queued append goes out")
        #expect(harness.appended(append.id).isEmpty, "the late acknowledgement adds nothing")
    }

    @Test("the demo agent's whole turn yields exactly the expected events")
    func demoTurnEvents() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        let effects = try harness.demoTurn(
            job: Self.job, node: 0, injection: injection, turn: "turn_1", deltas: ["a", "b", "c"], totalTokens: 50)
        #expect(effects.eventNames == Array(Self.expectedTimeline.dropFirst(2)))
        #expect(effects.streamEvents.allSatisfy { $0.injectionID == injection })
    }

    @Test("usage is deduplicated per node and injection, across current and legacy notifications")
    func usageDeduplicated() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 2)
        let first = try #require(injections[0])
        let once = try harness.rpc(
            job: Self.job, node: 0, injection: first, AppServer.tokenUsage(total: 500, turn: "t1"))
        #expect(once.eventNames == ["usage"])
        let repeated = try harness.rpc(
            job: Self.job, node: 0, injection: first, AppServer.tokenUsage(total: 500, turn: "t1"))
        #expect(repeated.streamEvents.isEmpty, "the same total for the same injection is not repeated")
        let legacy: JSONValue = [
            "method": "codex/event/token_count",
            "params": ["msg": ["info": ["total_token_usage": ["total_tokens": 500]]]],
        ]
        #expect(
            try harness.rpc(job: Self.job, node: 0, injection: first, legacy).streamEvents.isEmpty,
            "legacy twin suppressed")
        let grown = try harness.rpc(
            job: Self.job, node: 0, injection: first, AppServer.tokenUsage(total: 650, turn: "t1"))
        #expect(
            grown.streamEvents.map(\.body) == [
                .usage(
                    TokenUsage(
                        totalTokens: 650, inputTokens: 630, cachedInputTokens: 0, outputTokens: 20,
                        reasoningOutputTokens: 0, modelContextWindow: 258_400, turnTotalTokens: 650,
                        turnInputTokens: 630, turnOutputTokens: 20))
            ])

        let otherNode = try harness.rpc(
            job: Self.job, node: 1, injection: injections[1], AppServer.tokenUsage(total: 650, turn: "t2"))
        #expect(otherNode.eventNames == ["usage"], "another node's usage is its own")
        let swarmID = harness.snapshot.swarms.values[0].id
        let next = try harness.injectDelivered(swarmID, nodes: 0, content: "again", id: "inj-2")
        let nextUsage = try harness.rpc(
            job: Self.job, node: 0, injection: next[0], AppServer.tokenUsage(total: 650, turn: "t3"))
        #expect(nextUsage.eventNames == ["usage"], "a new injection reports even an unchanged total")
    }

    @Test("a record the relay delivers again (same bytes, or anything below the cursor) is dropped without effects")
    func recordBelowCursorDropped() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let file = MailboxLayout.fileName(jobID: Self.job, nodeID: 0)
        let start = harness.fileEnd(file)
        let record = OutboxRecord(
            type: .codexRPC, jobID: Self.job, nodeID: 0, injectionID: injections[0],
            payload: AppServer.turnStarted(turn: "t"),
            seq: harness.nextWorkerSeq(job: Self.job, node: 0))
        let line = try WireCoding.encodeString(record)
        let end = start + UInt64(line.utf8.count) + 1
        #expect(harness.record(file: file, offset: start, end: end, line: line).eventNames == ["turn_started"])
        #expect(
            harness.snapshot.cursors["local/\(file)"]
                == OutboxCursor(file: file, inode: harness.inodeOf(file), offset: end))

        #expect(harness.record(file: file, offset: start, end: end, line: line).isEmpty, "the same record again")
        #expect(harness.record(file: file, offset: 0, end: 10, line: line).isEmpty, "an older part of the file")
    }

    @Test("a line with the same or a lower worker seq is dropped even at a new offset")
    func workerSeqDuplicatesDropped() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let seq = harness.nextWorkerSeq(job: Self.job, node: 0)
        let delta = OutboxRecord(
            type: .codexRPC, jobID: Self.job, nodeID: 0, injectionID: injections[0],
            payload: AppServer.delta("x", turn: "t"), seq: seq)
        #expect(try harness.outbox(delta, node: 0).eventNames == ["assistant_delta"])
        let same = try harness.outbox(delta, node: 0)
        #expect(same.count == 1 && same.progress.count == 1, "same seq: the cursor advances, nothing is emitted")
        var older = delta
        older.seq = seq - 1
        let lower = try harness.outbox(older, node: 0)
        #expect(lower.count == 1 && lower.progress.first?.workerSeq == seq, "lower seq")
        #expect(harness.snapshot.swarms.values[0].nodes[0].lastWorkerSeq == seq)
    }

    @Test("after a file reset the relay's re-read is deduplicated by the worker's seq")
    func fileResetThenReread() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let file = MailboxLayout.fileName(jobID: Self.job, nodeID: 0)
        let record = OutboxRecord(
            type: .codexRPC, jobID: Self.job, nodeID: 0, injectionID: injections[0],
            payload: AppServer.delta("once", turn: "t"),
            seq: harness.nextWorkerSeq(job: Self.job, node: 0))
        let line = try WireCoding.encodeString(record)
        let end = UInt64(line.utf8.count) + 1
        #expect(
            harness.record(file: file, inode: 77, offset: 0, end: end, line: line).eventNames == ["assistant_delta"])
        let reset = harness.handle { .relayEvent(site: "local", .fileReset(file: file, reason: "truncated"), at: $0) }
        #expect(reset.eventNames.isEmpty)
        #expect(harness.snapshot.cursors["local/\(file)"] == nil)
        let reread = harness.record(file: file, inode: 78, offset: 0, end: end, line: line)
        #expect(reread.events.isEmpty)
        #expect(reread.progress.map(\.cursor) == [OutboxCursor(file: file, inode: 78, offset: end)])
    }

    @Test("lines from the seed's worker (no seq) are translated, including the legacy codex/event forms")
    func legacyMappings() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        let file = MailboxLayout.fileName(jobID: Self.job, nodeID: 0)
        var offset = harness.fileEnd(file)
        func seedLine(_ payload: JSONValue) throws -> String {
            try WireCoding.encodeString(
                OutboxRecord(type: .codexRPC, jobID: Self.job, nodeID: 0, injectionID: injection, payload: payload))
        }
        let cases: [(JSONValue, [StreamEvent.Body])] = [
            (["method": "turn/started", "params": [:]], [.turnStarted]),
            (
                ["method": "codex/event/agent_message_content_delta", "params": ["msg": ["delta": "He"]]],
                [.assistantDelta(content: "He")]
            ),
            (
                ["method": "codex/event/agent_message_delta", "params": ["msg": ["delta": "llo"]]],
                [.assistantDelta(content: "llo")]
            ),
            (
                ["method": "codex/event/agent_message", "params": ["msg": ["message": "Hello"]]],
                [.assistant(content: "Hello")]
            ),
            (["method": "codex/event/token_count", "params": ["msg": ["info": .null]]], []),
            (
                [
                    "method": "codex/event/token_count",
                    "params": [
                        "msg": [
                            "info": [
                                "total_token_usage": ["total_tokens": 90, "input_tokens": 80, "output_tokens": 10]
                            ]
                        ]
                    ],
                ],
                [
                    .usage(
                        TokenUsage(
                            totalTokens: 90, inputTokens: 80, outputTokens: 10, turnTotalTokens: 90,
                            turnInputTokens: 80, turnOutputTokens: 10))
                ]
            ),
            (
                ["method": "codex/event/error", "params": ["msg": ["message": "boom"]]],
                [.agentError(message: "boom", code: nil, willRetry: nil)]
            ),
            (["method": "codex/event/task_started", "params": ["msg": [:]]], []),
            (["method": "turn/completed", "params": [:]], [.turnComplete(status: nil, error: nil)]),
        ]
        for (payload, bodies) in cases {
            let line = try seedLine(payload)
            let end = offset + UInt64(line.utf8.count) + 1
            let effects = harness.record(file: file, offset: offset, end: end, line: line)
            offset = end
            #expect(effects.streamEvents.map(\.body) == bodies, "\(payload)")
            #expect(effects.streamEvents.allSatisfy { $0.injectionID == injection })
        }
    }

    @Test("an approval request is remembered; the worker's answer becomes approval_answered")
    func approvals() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnStarted(turn: "t"))
        let request = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            AppServer.approvalRequest(id: 5, command: "rm -rf build", turn: "t"))
        #expect(request.streamEvents.isEmpty, "the request itself is not a stream event")
        #expect(harness.snapshot.swarms.values[0].nodes[0].agentState == .waitingForApproval)

        let answer = try harness.rpc(
            job: Self.job, node: 0, injection: injection, AppServer.answer(id: 5, decision: "decline"), toAgent: true)
        let event = try #require(answer.streamEvents.first)
        #expect(
            event.body
                == .approvalAnswered(
                    kind: "item/commandExecution/requestApproval", decision: "decline", command: "rm -rf build"))
        #expect(event.injectionID == injection)
        #expect(harness.snapshot.swarms.values[0].nodes[0].agentState == .working)
        #expect(harness.snapshot.swarms.values[0].nodes[0].pendingServerRequests.isEmpty)

        let again = try harness.rpc(
            job: Self.job, node: 0, injection: injection, AppServer.answer(id: 5, decision: "decline"), toAgent: true)
        #expect(again.streamEvents.isEmpty, "an answer to nothing pending is ignored")
    }

    @Test("an unknown server request answered with an error is reported with the error; string ids work")
    func unknownServerRequestAnswered() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            ["id": "req-a", "method": "item/tool/call", "params": ["tool": "x", "turnId": "t"]])
        let answer = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            ["id": "req-a", "error": ["code": -32601, "message": "method not supported by codeswarm"]], toAgent: true)
        #expect(
            answer.streamEvents.map(\.body)
                == [
                    .approvalAnswered(
                        kind: "item/tool/call", decision: "error: method not supported by codeswarm", command: nil)
                ])
    }

    @Test("worker_error agent_exited closes the open injection with a failed turn_complete")
    func agentExitedClosesInjection() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnStarted(turn: "t"))
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.delta("partial", turn: "t"))

        let effects = try harness.workerError(
            job: Self.job, node: 0, injection: injection, code: "agent_exited", error: "the agent exited (signal 9)")
        #expect(
            effects.streamEvents.map(\.body) == [
                .agentError(message: "the agent exited (signal 9)", code: "agent_exited", willRetry: true),
                .turnComplete(status: "failed", error: "the agent exited (signal 9)"),
            ])
        #expect(effects.streamEvents.allSatisfy { $0.injectionID == injection })
        let node = harness.snapshot.swarms.values[0].nodes[0]
        #expect(node.openInjections.isEmpty)
        #expect(node.currentInjection == nil)
        #expect(node.agentState == .starting)
        #expect(node.lastError == "the agent exited (signal 9)")
    }

    @Test("a non-fatal worker_error is reported without closing the injection")
    func nonFatalWorkerError() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        let effects = try harness.workerError(
            job: Self.job, node: 0, injection: injection, code: "turn_stalled", error: "no output for 300 s")
        #expect(
            effects.streamEvents.map(\.body) == [
                .agentError(message: "no output for 300 s", code: "turn_stalled", willRetry: nil)
            ])
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections == [injection])
    }

    @Test("the seed's worker_error without job or node is reported for the file's node")
    func seedWorkerError() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        let file = MailboxLayout.fileName(jobID: Self.job, nodeID: 0)
        let line = #"{"type": "worker_error", "error": "Expecting value: line 1 column 1 (char 0)"}"#
        let offset = harness.fileEnd(file)
        let effects = harness.record(file: file, offset: offset, end: offset + UInt64(line.utf8.count) + 1, line: line)
        let event = try #require(effects.streamEvents.first)
        #expect(event.nodeID == 0)
        #expect(event.injectionID == nil)
        #expect(
            event.body == .agentError(message: "Expecting value: line 1 column 1 (char 0)", code: nil, willRetry: nil))
    }

    @Test("thread status, command execution and agent errors become extension events")
    func extensionEvents() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        let status = try harness.rpc(
            job: Self.job, node: 0, injection: injection, AppServer.threadStatus("active", flags: ["waitingOnApproval"])
        )
        #expect(status.streamEvents.map(\.body) == [.agentStatus(status: "active", flags: ["waitingOnApproval"])])
        #expect(harness.snapshot.swarms.values[0].nodes[0].agentState == .waitingForApproval)

        let started = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            [
                "method": "item/started",
                "params": [
                    "turnId": "t",
                    "item": ["type": "commandExecution", "id": "c1", "command": "pytest -q", "cwd": "/w"],
                ],
            ])
        #expect(started.streamEvents.map(\.body) == [.commandStarted(command: "pytest -q", cwd: "/w")])
        let completed = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            [
                "method": "item/completed",
                "params": [
                    "turnId": "t",
                    "item": [
                        "type": "commandExecution", "id": "c1", "command": ["pytest", "-q"], "exitCode": 1,
                        "aggregatedOutput": "1 failed",
                    ],
                ],
            ])
        #expect(
            completed.streamEvents.map(\.body) == [
                .commandCompleted(command: "pytest -q", exitCode: 1, output: "1 failed")
            ])
        let error = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            [
                "method": "error",
                "params": [
                    "error": ["message": "stream disconnected", "codexErrorInfo": ["httpConnectionFailed": [:]]],
                    "willRetry": true,
                ],
            ])
        #expect(
            error.streamEvents.map(\.body) == [
                .agentError(message: "stream disconnected", code: "httpConnectionFailed", willRetry: true)
            ])
        let idle = try harness.rpc(job: Self.job, node: 0, injection: nil, AppServer.threadStatus("idle"))
        #expect(idle.streamEvents.first?.injectionID == nil)
        #expect(harness.snapshot.swarms.values[0].nodes[0].agentState == .idle)
    }

    @Test("responses, unknown notifications, stderr lines and malformed payloads produce no events")
    func untranslatedTraffic() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        for payload: JSONValue in [
            ["id": 3, "result": ["thread": ["id": "thr_1"]]],
            ["method": "serverRequest/resolved", "params": ["requestId": 0]],
            ["method": "item/agentMessage/delta", "params": ["delta": 5]],
            ["method": "thread/tokenUsage/updated", "params": ["tokenUsage": "lots"]],
            ["method": 42],
            "not an object",
        ] {
            #expect(
                try harness.rpc(job: Self.job, node: 0, injection: injection, payload).streamEvents.isEmpty,
                "\(payload)")
        }
        let stderr = try harness.outbox(
            OutboxRecord(
                type: .codexStderr, jobID: Self.job, nodeID: 0, line: "WARN",
                seq: harness.nextWorkerSeq(job: Self.job, node: 0)),
            node: 0)
        #expect(stderr.count == 1 && stderr.progress.count == 1, "a stderr line only moves the cursor")
    }

    @Test("lines from unknown files or that are not JSON are skipped with a log line; the cursor still advances")
    func unknownOrUnreadableLines() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 2, job: Self.job)
        let stranger = harness.record(file: "local_00000000_00.jsonl", offset: 0, end: 10, line: #"{"type":"start"}"#)
        #expect(stranger.events.isEmpty)
        #expect(stranger.contains { if case .log(.warning, _) = $0 { true } else { false } })
        let beyond = harness.record(
            file: MailboxLayout.fileName(jobID: Self.job, nodeID: 5), offset: 0, end: 10, line: #"{"type":"start"}"#)
        #expect(beyond.events.isEmpty, "a node index past the swarm's size is skipped")
        let file = MailboxLayout.fileName(jobID: Self.job, nodeID: 0)
        let offset = harness.fileEnd(file)
        let garbage = harness.record(file: file, offset: offset, end: offset + 9, line: "not json")
        #expect(garbage.events.isEmpty)
        #expect(garbage.progress.count == 1)
        #expect(harness.snapshot.cursors["local/\(file)"]?.offset == offset + 9)
    }

    @Test("a turn that completes with an error reports its status and message")
    func failedTurn() throws {
        var (harness, _, injections) = try Self.swarmWithDeliveredInjection(nodes: 1)
        let injection = try #require(injections[0])
        let effects = try harness.rpc(
            job: Self.job, node: 0, injection: injection,
            AppServer.turnCompleted(turn: "t", status: "failed", error: "context window exceeded"))
        #expect(effects.streamEvents.map(\.body) == [.turnComplete(status: "failed", error: "context window exceeded")])
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections.isEmpty)
    }
}

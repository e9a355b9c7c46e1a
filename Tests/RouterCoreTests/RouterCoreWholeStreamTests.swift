import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// What codex does besides answering becomes events: command output, reasoning, file changes and the turn's diff,
/// plans and warnings, each labelled with its node, injection and turn.
@Suite("RouterCore whole stream")
struct RouterCoreWholeStreamTests {
    static let job: JobID = "local_5ea00001"

    static func notification(_ method: String, _ params: [String: JSONValue]) -> JSONValue {
        var members = params
        members["threadId"] = "thr_1"
        members["turnId"] = "turn_a"
        return ["method": .string(method), "params": .object(members)]
    }

    @Test("output deltas, reasoning, file changes, the turn diff, the plan and warnings become their events")
    func translations() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let injection = try #require(try harness.injectDelivered(swarmID, content: "go", id: "go")[0])
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnStarted(turn: "turn_a"))
        let change: JSONValue = [
            "type": "fileChange", "id": "fc_1", "status": "inProgress",
            "changes": [["path": "notes.txt", "kind": ["type": "add"], "diff": "+hello\n"]],
        ]
        var completedChange = change
        if case .object(var members) = change {
            members["status"] = "completed"
            completedChange = .object(members)
        }
        let messages: [JSONValue] = [
            Self.notification("item/commandExecution/outputDelta", ["itemId": "call_1", "delta": "line 1\n"]),
            Self.notification(
                "item/reasoning/summaryTextDelta", ["itemId": "rs_1", "delta": "Thinking", "summaryIndex": 0]),
            Self.notification(
                "item/completed", ["item": ["type": "reasoning", "id": "rs_1", "summary": ["Thinking"]]]),
            Self.notification("item/started", ["item": change]),
            Self.notification("item/completed", ["item": completedChange]),
            Self.notification("turn/diff/updated", ["diff": "+hello\n"]),
            Self.notification(
                "turn/plan/updated",
                [
                    "explanation": "why",
                    "plan": [["step": "read", "status": "completed"], ["step": "fix", "status": "inProgress"]],
                ]),
            ["method": "warning", "params": ["message": "Model metadata not found", "threadId": "thr_1"]],
            ["method": "configWarning", "params": ["summary": "bwrap not on PATH", "details": "using bundled"]],
        ]
        var bodies: [StreamEvent.Body] = []
        for message in messages {
            let effects = try harness.rpc(job: Self.job, node: 0, injection: injection, message)
            bodies += effects.streamEvents.map(\.body)
            #expect(effects.streamEvents.allSatisfy { $0.injectionID == injection })
        }
        let files = [FileChange(path: "notes.txt", kind: "add", diff: "+hello\n")]
        #expect(
            bodies == [
                .commandOutput(itemID: "call_1", content: "line 1\n"),
                .reasoningDelta(itemID: "rs_1", content: "Thinking"),
                .reasoning(itemID: "rs_1", content: "Thinking"),
                .fileChange(itemID: "fc_1", status: "inProgress", changes: files),
                .fileChange(itemID: "fc_1", status: "completed", changes: files),
                .turnDiff(diff: "+hello\n"),
                .planUpdated(
                    explanation: "why",
                    plan: [PlanStep(step: "read", status: "completed"), PlanStep(step: "fix", status: "inProgress")]),
                .agentWarning(message: "Model metadata not found", kind: "warning"),
                .agentWarning(message: "bwrap not on PATH (using bundled)", kind: "configWarning"),
            ])

        // A file-change approval for that item shows its diff.
        let approval = try harness.outbox(
            OutboxRecord(
                type: .codexRPC, jobID: Self.job, nodeID: 0, injectionID: injection,
                payload: [
                    "id": 5, "method": "item/fileChange/requestApproval",
                    "params": ["threadId": "thr_1", "turnId": "turn_a", "itemId": "fc_1", "startedAtMs": 1],
                ],
                seq: harness.nextWorkerSeq(job: Self.job, node: 0), held: true),
            node: 0)
        let request = try #require(
            approval.streamEvents.compactMap { event -> ApprovalRequest? in
                if case .approvalRequested(let request) = event.body { return request }
                return nil
            }.first)
        #expect(request.kind == "file_change")
        #expect(request.changes == files)
    }
}

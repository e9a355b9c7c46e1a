import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Approvals that go to a person: raised, listed, answered exactly once, persisted across restarts, by rule and by
/// timeout, closed when nobody can answer them, and the original protocol's `approvals_list`/`approve_execution`.
@Suite("RouterCore approvals")
struct RouterCoreApprovalTests {
    static let job: JobID = "local_a99a0001"
    static let amendment: JSONValue = ["acceptWithExecpolicyAmendment": ["execpolicy_amendment": ["touch"]]]

    /// A running 2-node swarm whose node 1 runs turn `turn_a` for a delivered injection.
    static func busySwarm(settings: RouterCoreSettings = RouterCoreSettings()) throws -> (
        RouterCoreHarness, SwarmID, InjectionID
    ) {
        var harness = RouterCoreHarness(settings: settings)
        let swarmID = try harness.runningSwarm(nodes: 2, job: job)
        let injection = try #require(try harness.injectDelivered(swarmID, nodes: 1, content: "go", id: "go")[1])
        try harness.rpc(job: job, node: 1, injection: injection, AppServer.turnStarted(turn: "turn_a"))
        return (harness, swarmID, injection)
    }

    /// The worker's `codex_rpc` line of a request it holds for a person.
    @discardableResult
    static func held(
        _ harness: inout RouterCoreHarness, injection: InjectionID, id: Int = 0, command: String = "touch approved.txt",
        item: String = "call_1"
    ) throws -> [RouterEffect] {
        let payload: JSONValue = [
            "id": .number(Double(id)), "method": "item/commandExecution/requestApproval",
            "params": [
                "threadId": "thr_1", "turnId": "turn_a", "itemId": .string(item), "startedAtMs": 1_790_000_000_000,
                "command": .string("/bin/bash -lc '\(command)'"), "cwd": "/work/agent_01",
                "reason": "wants to write", "availableDecisions": ["accept", amendment, "cancel"],
                "proposedExecpolicyAmendment": ["touch"],
            ],
        ]
        return try harness.outbox(
            OutboxRecord(
                type: .codexRPC, jobID: job, nodeID: 1, injectionID: injection, payload: payload,
                seq: harness.nextWorkerSeq(job: job, node: 1), held: true),
            node: 1)
    }

    static func requested(_ effects: [RouterEffect]) -> ApprovalRequest? {
        effects.streamEvents.compactMap { event -> ApprovalRequest? in
            if case .approvalRequested(let request) = event.body { return request }
            return nil
        }.first
    }

    static func list(_ harness: inout RouterCoreHarness) throws -> ApprovalsListReply? {
        try harness.command("approvals_list", id: "ls").sentEvents(to: 1).compactMap { event -> ApprovalsListReply? in
            if case .approvalsList(let list) = event { return list }
            return nil
        }.first
    }

    @Test("a held request raises approval_requested with everything a person needs, and the original's event")
    func raised() throws {
        var (harness, swarmID, injection) = try Self.busySwarm()
        let effects = try Self.held(&harness, injection: injection)
        #expect(effects.contains(.persist), "a pending approval is saved with the snapshot")
        let request = try #require(Self.requested(effects))
        #expect(request.kind == "command")
        #expect(request.command == "/bin/bash -lc 'touch approved.txt'")
        #expect(request.cwd == "/work/agent_01")
        #expect(request.reason == "wants to write")
        #expect(request.availableDecisions == ["accept", Self.amendment, "cancel"])
        #expect(request.proposedExecpolicyAmendment == ["touch"])
        #expect(request.itemID == "call_1")
        #expect(request.startedAtMs == 1_790_000_000_000)
        #expect(request.createdAt == WireTimestamp.string(from: harness.now))
        let event = try #require(effects.streamEvents.first { $0.body.name == "approval_requested" })
        #expect(event.swarmID == swarmID)
        #expect(event.nodeID == 1)
        #expect(event.injectionID == injection)
        #expect(event.turnID == "turn_a")
        #expect(effects.broadcastEvents.contains { $0.name == "exec_approval_required" })
        #expect(harness.snapshot.swarms.values[0].nodes[1].agentState == .waitingForApproval)

        let list = try #require(try Self.list(&harness))
        #expect(list.pending.map(\.request.approvalID) == [request.approvalID])
        #expect(list.pending.first?.status == "pending")
        let nested = try #require(list.approvals[swarmID.rawValue]?["1"]?.first)
        #expect(nested.callID == "call_1")
        #expect(nested.jobID == Self.job)
        #expect(nested.approvalStatus == "pending")
        #expect(list.approvalsVersion == 1)
    }

    @Test("approval_decide by prefix sends the decision to the worker once; a second answer is refused with why")
    func answeredOnce() throws {
        var (harness, _, injection) = try Self.busySwarm()
        let request = try #require(Self.requested(try Self.held(&harness, injection: injection)))
        let prefix = String(request.approvalID.prefix(8))

        let effects = try harness.command(
            "approval_decide", id: "ok", payload: ["approval_id": .string(prefix), "decision": "accept"])
        #expect(effects.rejections.isEmpty)
        #expect(effects.contains(.persist))
        let submitted = try #require(
            effects.sentEvents(to: 1).compactMap { event -> ApprovalSubmitted? in
                if case .approvalSubmitted(let reply) = event { return reply }
                return nil
            }.first)
        #expect(submitted.approvalID == request.approvalID)
        #expect(submitted.nodeID == 1)
        #expect(submitted.decision == "accept")
        #expect(
            effects.streamEvents.contains {
                $0.body == .approvalDecided(approvalID: request.approvalID, decision: "accept", by: "person", rule: nil)
            })
        let append = try #require(effects.appendRequests.first)
        #expect(append.nodeID == 1)
        let line = try WireCoding.decode(InboxLine.self, from: append.line)
        #expect(line.kind == .approval)
        #expect(line.rpcID == 0)
        #expect(line.decision == "accept")
        #expect(line.approvalID == request.approvalID)

        let again = try harness.command(
            "approval_decide", id: "again",
            payload: ["approval_id": .string(request.approvalID), "decision": "decline"])
        let reason = try #require(again.rejections.first?.reason)
        #expect(reason.contains("was already answered: accept by person"))
        #expect(again.appendRequests.isEmpty)

        // The worker's answer to the agent resolves it: the original's resolved event, and it leaves the list.
        harness.appended(append.id)
        let answered = try harness.rpc(
            job: Self.job, node: 1, injection: injection, ["id": 0, "result": ["decision": "accept"]], toAgent: true)
        #expect(answered.broadcastEvents.contains { $0.name == "exec_approval_resolved" })
        #expect(answered.streamEvents.contains { $0.body.name == "approval_answered" })
        #expect(try Self.list(&harness)?.pending.isEmpty == true)
    }

    @Test("a decision the agent did not offer is refused; the amendment's name becomes the offered object")
    func offeredDecisions() throws {
        var (harness, _, injection) = try Self.busySwarm()
        let request = try #require(Self.requested(try Self.held(&harness, injection: injection)))
        let id = JSONValue.string(request.approvalID)
        let session = try harness.command(
            "approval_decide", id: "s", payload: ["approval_id": id, "decision": "acceptForSession"])
        #expect(session.rejections.first?.reason.contains("does not offer \"acceptForSession\"") == true)
        let amended = try harness.command(
            "approval_decide", id: "a", payload: ["approval_id": id, "decision": "acceptWithExecpolicyAmendment"])
        let line = try WireCoding.decode(InboxLine.self, from: try #require(amended.appendRequests.first).line)
        #expect(line.decision == Self.amendment)
        let unknown = try harness.command(
            "approval_decide", id: "u", payload: ["approval_id": "ffff", "decision": "accept"])
        #expect(unknown.rejections.first?.reason.contains("unknown approval \"ffff\"") == true)
    }

    @Test("a pending approval survives a router restart and is then answered; a lost one is asked for again")
    func survivesRestart() throws {
        var (harness, _, injection) = try Self.busySwarm()
        let request = try #require(Self.requested(try Self.held(&harness, injection: injection)))
        var restarted = try harness.restarted(after: 5)
        restarted.handle { .started(at: $0) }
        #expect(try Self.list(&restarted)?.pending.map(\.request.approvalID) == [request.approvalID])
        let effects = try restarted.command(
            "approval_decide", id: "d", payload: ["approval_id": .string(request.approvalID), "decision": "decline"])
        #expect(effects.rejections.isEmpty)
        #expect(effects.appendRequests.count == 1)

        // A router that lost the approval (no record, but the node waits) asks the worker to report it again.
        var lost = try Self.busySwarm().0
        try lost.rpc(
            job: Self.job, node: 1, injection: nil, AppServer.threadStatus("active", flags: ["waitingOnApproval"]))
        var again = try lost.restarted()
        let started = again.handle { .started(at: $0) }
        let resync = try #require(started.appendRequests.first { $0.nodeID == 1 })
        #expect(try WireCoding.decode(InboxLine.self, from: resync.line).kind == .resync)
        // The re-report of a known approval is not a new one.
        #expect(Self.requested(try Self.held(&harness, injection: injection)) == nil)
    }

    @Test("rules answer matching commands (never chained ones when accepting); the timeout answers the rest")
    func rulesAndTimeout() throws {
        var settings = RouterCoreSettings()
        settings.approvalRules = [
            ApprovalRule(prefix: "rm", decision: "decline"), ApprovalRule(prefix: "touch", decision: "accept"),
        ]
        settings.approvalTimeoutSeconds = 30
        var (harness, _, injection) = try Self.busySwarm(settings: settings)

        let ruled = try Self.held(&harness, injection: injection, id: 0, command: "touch approved.txt")
        let request = try #require(Self.requested(ruled))
        #expect(
            ruled.streamEvents.contains {
                $0.body
                    == .approvalDecided(approvalID: request.approvalID, decision: "accept", by: "rule", rule: "touch")
            })
        #expect(ruled.appendRequests.count == 1)

        let chained = try Self.held(&harness, injection: injection, id: 1, command: "touch a && rm -rf b", item: "c2")
        let waiting = try #require(Self.requested(chained))
        #expect(!chained.streamEvents.contains { $0.body.name == "approval_decided" })
        let timer = RouterTimer.approvalTimeout(approvalID: waiting.approvalID)
        #expect(chained.deadline(of: timer) == harness.now.addingTimeInterval(30))
        harness.advance(by: 30)
        let timedOut = harness.fire(timer)
        #expect(
            timedOut.streamEvents.contains {
                $0.body
                    == .approvalDecided(approvalID: waiting.approvalID, decision: "decline", by: "timeout", rule: nil)
            })

        let declined = try Self.held(&harness, injection: injection, id: 2, command: "rm -rf /tmp/x", item: "c3")
        #expect(declined.streamEvents.contains { $0.body.name == "approval_decided" })
    }

    @Test("an approval nobody answered closes when its turn ends or the agent withdraws it")
    func closedWithoutAnswer() throws {
        var (harness, _, injection) = try Self.busySwarm()
        let first = try #require(Self.requested(try Self.held(&harness, injection: injection, id: 0)))
        let withdrawn = try harness.rpc(
            job: Self.job, node: 1, injection: injection,
            ["method": "serverRequest/resolved", "params": ["threadId": "thr_1", "requestId": 0]])
        #expect(
            withdrawn.streamEvents.contains {
                $0.body == .approvalClosed(approvalID: first.approvalID, reason: "the agent withdrew the request")
            })

        let second = try #require(Self.requested(try Self.held(&harness, injection: injection, id: 1, item: "c2")))
        let ended = try harness.rpc(
            job: Self.job, node: 1, injection: injection, AppServer.turnCompleted(turn: "turn_a", status: "interrupted")
        )
        #expect(
            ended.streamEvents.contains {
                $0.body == .approvalClosed(approvalID: second.approvalID, reason: "its turn ended (interrupted)")
            })
        let late = try harness.command(
            "approval_decide", id: "late", payload: ["approval_id": .string(second.approvalID), "decision": "accept"])
        #expect(late.rejections.first?.reason.contains("is closed (its turn ended (interrupted))") == true)
    }

    @Test("the original's approve_execution finds the approval by job and call id and maps its decisions")
    func approveExecution() throws {
        var (harness, _, injection) = try Self.busySwarm()
        let request = try #require(Self.requested(try Self.held(&harness, injection: injection)))
        let effects = try harness.command(
            "approve_execution", id: "ae",
            payload: [
                "job_id": .string(Self.job.rawValue), "call_id": "call_1", "node_id": 1, "approved": false,
                "decision": "denied",
            ])
        let reply = try #require(
            effects.sentEvents(to: 1).compactMap { event -> ExecApprovalEvent? in
                if case .execApproval(.submitted, let data) = event { return data }
                return nil
            }.first)
        #expect(reply.approvalID == request.approvalID)
        #expect(reply.approved == false)
        #expect(reply.decision == "decline")
        #expect(reply.requestID == "ae")
        let unknown = try harness.command(
            "approve_execution", id: "u",
            payload: ["job_id": .string(Self.job.rawValue), "call_id": "nope", "approved": true])
        #expect(unknown.rejections.first?.reason.hasPrefix("unknown approval request") == true)
    }
}

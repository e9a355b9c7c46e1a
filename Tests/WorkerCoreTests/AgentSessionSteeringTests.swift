import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// Steering a running turn, falling back to the next turn, interrupting, and approvals held for a person.
@Suite struct AgentSessionSteeringTests {
    static let completedA =
        #"{"method":"turn/completed","params":{"threadId":"thr_1","turn":{"id":"turn_a","status":"completed"}}}"#

    @Test("a steer-mode prompt during a turn becomes turn/steer; the turn's new items and its end carry its label")
    func steerJoinsTheRunningTurn() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.agent(#"{"method":"item/started","params":{"turnId":"turn_a","item":{"id":"msg_1"}}}"#)

        let steer = harness.inbox(InboxLine(userContent: "also b", injectionID: "b", mode: .steer))
        let message = try #require(steer.agentMessages.first)
        #expect(message["method"] == "turn/steer")
        #expect(message["params"]?["expectedTurnId"] == "turn_a")
        #expect(message["params"]?["threadId"] == "thr_1")
        #expect(message["params"]?["input"]?.arrayValue?.first?["text"] == "also b")
        #expect(harness.session.queuedInjections.isEmpty)

        let accepted = harness.agent(#"{"id":3,"result":{"turnId":"turn_a"}}"#)
        let routed = try #require(accepted.records.first { $0.type == .injectionRouted })
        #expect(routed.injectionID == "b")
        #expect(routed.how == "steered")
        #expect(routed.turnID == "turn_a")

        let oldItem = harness.agent(
            #"{"method":"item/agentMessage/delta","params":{"turnId":"turn_a","itemId":"msg_1"}}"#)
        let newItem = harness.agent(#"{"method":"item/started","params":{"turnId":"turn_a","item":{"id":"msg_2"}}}"#)
        let newDelta = harness.agent(
            #"{"method":"item/agentMessage/delta","params":{"turnId":"turn_a","itemId":"msg_2"}}"#)
        let completed = harness.agent(Self.completedA)
        #expect(oldItem.agentRecordLabels == ["a"])
        #expect(newItem.agentRecordLabels == ["b"])
        #expect(newDelta.agentRecordLabels == ["b"])
        #expect(completed.agentRecordLabels == ["b"])
        #expect(harness.session.runningInjection == nil)
    }

    @Test("a refused steer runs as the next turn, reported queued with the agent's reason, then as a new turn")
    func refusedSteerFallsBack() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox(InboxLine(userContent: "also b", injectionID: "b", mode: .steer))

        let refused = harness.agent(#"{"id":3,"error":{"code":-32600,"message":"turn is not steerable"}}"#)
        let queued = try #require(refused.records.first { $0.type == .injectionRouted })
        #expect(queued.how == "queued")
        #expect(queued.reason?.contains("turn is not steerable") == true)
        #expect(harness.session.queuedInjections == ["b"])

        let next = harness.agent(Self.completedA)
        #expect(next.agentMethods == ["turn/start"])
        let started = harness.agent(#"{"id":4,"result":{"turn":{"id":"turn_b","status":"inProgress"}}}"#)
        let routed = try #require(started.records.first { $0.type == .injectionRouted })
        #expect(routed.how == "new_turn")
        #expect(routed.turnID == "turn_b")
        #expect(routed.reason?.contains("steering was refused") == true)
    }

    @Test("a steer refused after its turn ended starts at once; queue mode waits and reports queued without reason")
    func lateRefusalAndQueueMode() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox(InboxLine(userContent: "b", injectionID: "b", mode: .steer))
        _ = harness.agent(Self.completedA)
        let refused = harness.agent(#"{"id":3,"error":{"code":-32600,"message":"no active turn to steer"}}"#)
        #expect(refused.agentMethods == ["turn/start"])
        #expect(harness.session.runningInjection == "b")

        let queued = harness.inbox(InboxLine(userContent: "c", injectionID: "c", mode: .queue))
        #expect(queued.agentMessages.isEmpty)
        let record = try #require(queued.records.first { $0.type == .injectionRouted })
        #expect(record.how == "queued")
        #expect(record.reason == nil)
        #expect(harness.session.queuedInjections == ["c"])
    }

    @Test("an interrupt line sends turn/interrupt for the running turn; idle, it sends nothing; queued prompts run")
    func interrupt() throws {
        var harness = try SessionHarness()
        harness.ready()
        #expect(harness.inbox(InboxLine(control: .interrupt)).agentMessages.isEmpty)

        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox(InboxLine(userContent: "b", injectionID: "b", mode: .queue))
        let interrupt = harness.inbox(InboxLine(control: .interrupt))
        let message = try #require(interrupt.agentMessages.first)
        #expect(message["method"] == "turn/interrupt")
        #expect(message["params"]?["turnId"] == "turn_a")
        #expect(interrupt.records.contains { $0.direction == "to_agent" && $0.injectionID == "a" })

        _ = harness.agent(#"{"id":3,"result":{}}"#)
        let ended = harness.agent(
            #"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"interrupted"}}}"#)
        #expect(ended.agentMethods == ["turn/start"])
        #expect(harness.session.runningInjection == "b")
    }

    static let approvalRequest =
        #"{"id":7,"method":"item/commandExecution/requestApproval","params":{"threadId":"thr_1","turnId":"turn_a","itemId":"call_1","command":"touch x"}}"#

    @Test("under ask an approval is held (no answer), answered once from the inbox; a second answer is reported")
    func heldApproval() throws {
        var harness = try SessionHarness(approvalDecision: "ask")
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        let asked = harness.agent(Self.approvalRequest)
        #expect(asked.agentMessages.isEmpty, "nothing is answered before a person decides")
        let held = try #require(asked.records.first)
        #expect(held.held == true)
        #expect(held.injectionID == "a")

        let decision: JSONValue = ["acceptWithExecpolicyAmendment": ["execpolicy_amendment": ["touch"]]]
        let answer = harness.inbox(InboxLine(control: .approval, rpcID: 7, decision: decision, approvalID: "ap-1"))
        let reply = try #require(answer.agentMessages.first)
        #expect(reply["id"] == 7)
        #expect(reply["result"]?["decision"] == decision)
        #expect(answer.records.contains { $0.direction == "to_agent" && $0.injectionID == "a" })

        let again = harness.inbox(InboxLine(control: .approval, rpcID: 7, decision: "decline", approvalID: "ap-1"))
        #expect(again.agentMessages.isEmpty)
        #expect(again.errorCodes == ["approval_not_pending"])
    }

    @Test("resync writes every held request again; a held request does not count as a stall; its turn's end drops it")
    func resyncAndStall() throws {
        var harness = try SessionHarness(approvalDecision: "ask", stallTimeoutSeconds: 10)
        harness.ready()
        _ = harness.inbox("prompt a", id: "a")
        let started = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_a","status":"inProgress"}}}"#)
        _ = started
        _ = harness.agent(Self.approvalRequest)

        let resync = harness.inbox(InboxLine(control: .resync))
        #expect(resync.records.count == 1)
        #expect(resync.records.first?.held == true)
        #expect(resync.records.first?.payload?["id"] == 7)

        harness.now += .seconds(30)
        let stall = try #require(harness.session.armedStallTimer)
        #expect(harness.fire(stall).errorCodes.isEmpty)

        _ = harness.agent(Self.completedA)
        #expect(harness.inbox(InboxLine(control: .resync)).records.isEmpty)
    }

    @Test("an MCP elicitation is declined with action decline, not a method-not-found error")
    func elicitationDeclined() throws {
        var harness = try SessionHarness()
        harness.ready()
        let effects = harness.agent(
            #"{"id":"e1","method":"mcpServer/elicitation/request","params":{"threadId":"thr_1","serverName":"x","mode":"form","message":"?"}}"#
        )
        let reply = try #require(effects.agentMessages.first)
        #expect(reply["id"] == "e1")
        #expect(reply["result"]?["action"] == "decline")
        #expect(reply["error"] == nil)
    }

    @Test("turn/start asks for reasoning summaries")
    func summarySetting() throws {
        var harness = try SessionHarness()
        harness.ready()
        let effects = harness.inbox("go", id: "a")
        #expect(effects.agentMessages.first?["params"]?["summary"] == "auto")
    }
}

extension SessionHarness {
    mutating func inbox(_ line: InboxLine) -> [AgentSessionEffect] {
        let bytes = (try? WireCoding.encode(line)) ?? []
        return session.handle(.inboxLine(bytes, now: now))
    }
}

extension AgentSession {
    /// The stall timer as armed now, to fire it in a test.
    var armedStallTimer: SessionTimer? {
        armedTimers[.stallCheck].map { SessionTimer(kind: .stallCheck, generation: $0) }
    }
}

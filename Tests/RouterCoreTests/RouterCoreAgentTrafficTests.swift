import CodeswarmProtocol
import Testing

@testable import RouterCore

/// Translation of single app-server messages: current methods first, the seed's `codex/event/*` as fallback.
@Suite("RouterCore agent traffic translation")
struct RouterCoreAgentTrafficTests {
    @Test("turn ids come from turnId or turn.id")
    func turnIDs() {
        #expect(AgentTraffic.translate(AppServer.delta("x", turn: "t9")).turnID == "t9")
        #expect(AgentTraffic.translate(AppServer.turnStarted(turn: "t8")).turnID == "t8")
        #expect(AgentTraffic.translate(["method": "turn/started"]).turnID == nil)
    }

    @Test("current notifications map to their events and agent states")
    func currentNotifications() {
        #expect(AgentTraffic.translate(AppServer.turnStarted(turn: "t")).bodies == [.turnStarted])
        #expect(AgentTraffic.translate(AppServer.turnStarted(turn: "t")).agentState == .working)
        #expect(
            AgentTraffic.translate(AppServer.turnCompleted(turn: "t")).bodies == [
                .turnComplete(status: "completed", error: nil)
            ])
        #expect(AgentTraffic.translate(AppServer.turnCompleted(turn: "t")).agentState == .idle)
        #expect(
            AgentTraffic.translate(AppServer.turnCompleted(turn: "t", status: "interrupted")).bodies
                == [.turnComplete(status: "interrupted", error: nil)])
        #expect(AgentTraffic.translate(AppServer.delta("δ", turn: "t")).bodies == [.assistantDelta(content: "δ")])
        #expect(
            AgentTraffic.translate(AppServer.agentMessage("done", turn: "t")).bodies == [.assistant(content: "done")])
        #expect(AgentTraffic.translate(AppServer.threadStatus("systemError")).agentState == .error)
        #expect(AgentTraffic.translate(AppServer.threadStatus("active")).agentState == .working)
        #expect(AgentTraffic.translate(AppServer.threadStatus("notLoaded")).agentState == nil)
    }

    @Test("items other than agent messages and commands are not translated")
    func otherItems() {
        let reasoning: JSONValue = [
            "method": "item/completed", "params": ["item": ["type": "reasoning", "id": "r", "summary": []]],
        ]
        #expect(AgentTraffic.translate(reasoning).bodies.isEmpty)
        let startedMessage: JSONValue = [
            "method": "item/started", "params": ["item": ["type": "agentMessage", "id": "m", "text": ""]],
        ]
        #expect(
            AgentTraffic.translate(startedMessage).bodies.isEmpty, "no spurious turn_complete for a started message")
    }

    @Test("server requests are remembered by id; approval methods put the agent in waiting_for_approval")
    func serverRequests() throws {
        let approval = AgentTraffic.translate(AppServer.approvalRequest(id: 4, command: "ls", turn: "t"))
        #expect(approval.bodies.isEmpty)
        #expect(approval.agentState == .waitingForApproval)
        let remembered = try #require(approval.serverRequest)
        #expect(remembered.id == "n:4")
        #expect(
            remembered.request == PendingServerRequest(method: "item/commandExecution/requestApproval", command: "ls"))

        for method in ["item/fileChange/requestApproval", "execCommandApproval", "applyPatchApproval"] {
            #expect(
                AgentTraffic.translate(["id": "x", "method": .string(method), "params": [:]]).agentState
                    == .waitingForApproval, "\(method)")
        }
        let legacy = AgentTraffic.translate([
            "id": 1, "method": "execCommandApproval", "params": ["command": ["git", "push"]],
        ])
        #expect(legacy.serverRequest?.request.command == "git push")
        let other = AgentTraffic.translate(["id": 2, "method": "item/tool/requestUserInput", "params": [:]])
        #expect(other.agentState == nil)
        #expect(other.serverRequest?.id == "n:2")
    }

    @Test("request keys tell string ids from numeric ids")
    func requestKeys() {
        #expect(AgentTraffic.requestKey(7) == "n:7")
        #expect(AgentTraffic.requestKey("7") == "s:7")
        #expect(AgentTraffic.requestKey(.number(7.0)) == AgentTraffic.requestKey(7))
    }

    @Test("the worker's answer is read as a decision string, an amendment's name, permissions or an error")
    func answerDecisions() {
        #expect(AgentTraffic.answerDecision(AppServer.answer(id: 1, decision: "accept")) == "accept")
        #expect(
            AgentTraffic.answerDecision([
                "id": 1, "result": ["decision": ["acceptWithExecpolicyAmendment": ["execpolicy_amendment": ["ls"]]]],
            ])
                == "acceptWithExecpolicyAmendment")
        #expect(
            AgentTraffic.answerDecision(["id": 1, "result": ["permissions": [:], "scope": "turn"]]) == "permissions")
        #expect(AgentTraffic.answerDecision(["id": 1, "error": ["code": -32601, "message": "nope"]]) == "error: nope")
        #expect(AgentTraffic.answerDecision(["id": 1, "result": [:]]) == nil)
    }

    @Test("legacy token_count without info and messages without text are ignored, never crashing")
    func legacyGaps() {
        #expect(AgentTraffic.translate(["method": "codex/event/token_count", "params": ["msg": [:]]]).bodies.isEmpty)
        #expect(AgentTraffic.translate(["method": "codex/event/agent_message", "params": [:]]).bodies.isEmpty)
        #expect(AgentTraffic.translate(["method": "codex/event/agent_message_content_delta"]).bodies.isEmpty)
        #expect(
            AgentTraffic.translate(["method": "item/completed", "params": ["item": ["type": "agentMessage"]]]).bodies
                .isEmpty)
        #expect(AgentTraffic.translate(.null).bodies.isEmpty)
    }

    @Test("an error notification's code is the first key of codexErrorInfo, or the string itself")
    func errorCodes() {
        let objectCode: JSONValue = [
            "method": "error", "params": ["error": ["message": "m", "codexErrorInfo": ["usageLimitExceeded": [:]]]],
        ]
        #expect(
            AgentTraffic.translate(objectCode).bodies == [
                .agentError(message: "m", code: "usageLimitExceeded", willRetry: nil)
            ])
        let stringCode: JSONValue = [
            "method": "error", "params": ["error": ["message": "m", "codexErrorInfo": "other"], "willRetry": false],
        ]
        #expect(
            AgentTraffic.translate(stringCode).bodies == [.agentError(message: "m", code: "other", willRetry: false)])
        #expect(
            AgentTraffic.translate(["method": "error", "params": [:]]).bodies == [
                .agentError(message: "agent error", code: nil, willRetry: nil)
            ])
    }
}

import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// Every server request gets an answer by policy, with the request's id echoed in its own JSON type.
@Suite struct ServerRequestAnswerTests {
    /// One row: the request method, the configured decision and the expected `result`.
    struct Case: Sendable, CustomTestStringConvertible {
        var method: String
        var decision: String
        var result: JSONValue
        var testDescription: String { "\(method) with \(decision)" }
    }

    static let cases: [Case] = [
        Case(method: "item/commandExecution/requestApproval", decision: "accept", result: ["decision": "accept"]),
        Case(method: "item/commandExecution/requestApproval", decision: "decline", result: ["decision": "decline"]),
        Case(method: "item/commandExecution/requestApproval", decision: "cancel", result: ["decision": "cancel"]),
        Case(
            method: "item/commandExecution/requestApproval", decision: "acceptForSession",
            result: ["decision": "acceptForSession"]),
        Case(method: "item/fileChange/requestApproval", decision: "accept", result: ["decision": "accept"]),
        Case(method: "item/fileChange/requestApproval", decision: "decline", result: ["decision": "decline"]),
        Case(method: "execCommandApproval", decision: "accept", result: ["decision": "approved"]),
        Case(method: "execCommandApproval", decision: "acceptForSession", result: ["decision": "approved_for_session"]),
        Case(
            method: "execCommandApproval", decision: "decline",
            result: ["decision": ["denied": ["rejection": "declined by the Codeswarm worker's approval policy"]]]),
        Case(method: "applyPatchApproval", decision: "cancel", result: ["decision": "abort"]),
        Case(
            method: "applyPatchApproval", decision: "decline",
            result: ["decision": ["denied": ["rejection": "declined by the Codeswarm worker's approval policy"]]]),
        Case(
            method: "item/permissions/requestApproval", decision: "decline",
            result: ["permissions": [:], "scope": "turn"]),
        Case(
            method: "item/permissions/requestApproval", decision: "cancel",
            result: ["permissions": [:], "scope": "turn"]),
        Case(
            method: "item/permissions/requestApproval", decision: "accept",
            result: ["permissions": ["network": ["enabled": true]], "scope": "turn"]),
        Case(
            method: "item/permissions/requestApproval", decision: "acceptForSession",
            result: ["permissions": ["network": ["enabled": true]], "scope": "session"]),
    ]

    @Test("approval requests are answered by the configured decision", arguments: cases)
    func approvals(_ row: Case) throws {
        var harness = try SessionHarness(approvalDecision: row.decision)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        let effects = harness.agent(
            #"{"id":7,"method":"\#(row.method)","params":{"threadId":"thr_1","turnId":"turn_a","itemId":"c1","#
                + #""permissions":{"network":{"enabled":true}}}}"#)

        let reply = try #require(effects.agentMessages.first)
        #expect(reply["id"] == 7)
        #expect(reply["result"] == row.result)
        #expect(reply["error"] == nil)
        // The request and the answer are both in the outbox, labelled with the turn's injection.
        #expect(effects.records.map(\.direction) == [nil, "to_agent"])
        #expect(effects.records.map(\.injectionID) == ["a", "a"])
        #expect(effects.records.last?.payload == reply)
    }

    @Test("an unknown server request gets a JSON-RPC method-not-found error and keeps a string id")
    func unknownRequest() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        let effects = harness.agent(
            #"{"id":"req-9","method":"item/tool/requestUserInput","params":{"turnId":"turn_a"}}"#)

        let reply = try #require(effects.agentMessages.first)
        #expect(reply["id"] == "req-9")
        #expect(reply["result"] == nil)
        #expect(reply["error"]?["code"] == -32601)
        #expect(reply["error"]?["message"] == "item/tool/requestUserInput is not supported by codeswarm worker")
        #expect(effects.records.last?.direction == "to_agent")
    }

    @Test("a request outside any turn is still answered")
    func requestOutsideTurn() throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.agent(#"{"id":0,"method":"account/chatgptAuthTokens/refresh","params":{}}"#)

        #expect(effects.agentMessages.first?["error"]?["code"] == -32601)
        #expect(effects.records.map(\.injectionID) == [nil, nil])
    }

    @Test("serverRequest/resolved is labelled with the injection of the request it resolves")
    func resolvedLabel() throws {
        var harness = try SessionHarness(approvalDecision: "accept")
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.agent(#"{"id":5,"method":"item/commandExecution/requestApproval","params":{"turnId":"turn_a"}}"#)
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a"}}}"#)

        let resolved = harness.agent(
            #"{"method":"serverRequest/resolved","params":{"threadId":"thr_1","requestId":5}}"#)

        #expect(resolved.agentRecordLabels == ["a"])
    }
}

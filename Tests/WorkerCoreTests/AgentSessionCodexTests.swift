import CodeswarmProtocol
import TestSupport
import Testing

@testable import WorkerCore

/// What the session writes to codex conforms to codex's schema; its version is checked; resumed threads label right.
@Suite struct AgentSessionCodexTests {
    @Test("every message the worker writes to the agent conforms to codex's schema, for every decision")
    func requestsConform() throws {
        let schema = try CodexSchema.load()
        for decision in AppServer.ApprovalDecision.allCases {
            var harness = try SessionHarness(approvalDecision: decision.rawValue)
            var conversation = CodexSchema.Conversation(schema: schema)
            var violations: [String] = []
            func play(_ json: String) {
                let value = (try? WireCoding.decode(JSONValue.self, from: json)) ?? .null
                violations += conversation.check(value, from: .server)
                for message in harness.agent(json).agentMessages {
                    violations += conversation.check(message, from: .client)
                }
            }
            for message in harness.handle({ .workerStarted(hostname: "h", pid: 1, now: $0) }).agentMessages
                + harness.handle({ .agentStarted(pid: 2, now: $0) }).agentMessages
            {
                violations += conversation.check(message, from: .client)
            }
            play(
                #"{"id":0,"result":{"userAgent":"codeswarm/0.163.0","codexHome":"/h","platformFamily":"unix","platformOs":"linux"}}"#
            )
            play(try Self.threadOpened(id: 1))
            for message in harness.inbox("run it", id: "a").agentMessages {
                violations += conversation.check(message, from: .client)
            }
            play(
                #"{"id":2,"result":{"turn":{"id":"t1","items":[],"status":"inProgress"}}}"#)
            // Each request kind codex can send gets an answer that codex's schema accepts.
            play(
                #"{"id":0,"method":"item/commandExecution/requestApproval","params":{"threadId":"thr_1","turnId":"t1","itemId":"c","startedAtMs":1,"command":"make"}}"#
            )
            play(
                #"{"id":1,"method":"item/fileChange/requestApproval","params":{"threadId":"thr_1","turnId":"t1","itemId":"f","startedAtMs":1}}"#
            )
            play(
                #"{"id":2,"method":"item/permissions/requestApproval","params":{"threadId":"thr_1","turnId":"t1","itemId":"p","cwd":"/w","startedAtMs":1,"reason":"r","permissions":{}}}"#
            )
            play(
                #"{"id":3,"method":"execCommandApproval","params":{"conversationId":"thr_1","callId":"c","command":["make"],"cwd":"/w","parsedCmd":[]}}"#
            )
            play(#"{"id":4,"method":"account/chatgptAuthTokens/refresh","params":{"reason":"unauthorized"}}"#)
            // Shutdown interrupts the running turn with turn/interrupt.
            for message in harness.handle({ .shutdownRequested(reason: "sigterm", now: $0) }).agentMessages {
                violations += conversation.check(message, from: .client)
            }
            #expect(conversation.methods[.client]?.contains("turn/interrupt") == true)
            #expect(violations.isEmpty, "\(decision): \(violations)")
        }
    }

    @Test("after an agent restart the worker resumes with thread/resume and excludeTurns, which codex accepts")
    func resumeConforms() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        let exited = harness.handle { .agentExited(.exited(1), now: $0) }
        _ = harness.fire(try #require(exited.timer(.restart)))
        let started = harness.handle { .agentStarted(pid: 3, now: $0) }
        let initialize = try #require(started.agentMessages.first?["id"]?.intValue)
        let opened = harness.agent(#"{"id":\#(initialize),"result":{"userAgent":"codeswarm/0.163.0"}}"#)
        let resume = try #require(opened.agentMessages.last)

        #expect(resume["method"] == "thread/resume")
        #expect(resume["params"]?["threadId"] == "thr_1")
        #expect(resume["params"]?["excludeTurns"] == true)
        var conversation = CodexSchema.Conversation(schema: try CodexSchema.load())
        #expect(conversation.check(resume, from: .client).isEmpty)
    }

    @Test("a version outside the tested range is reported once as agent_version_untested; one inside is not")
    func versionCheck() throws {
        var inside = try SessionHarness()
        _ = inside.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = inside.handle { .agentStarted(pid: 2, now: $0) }
        let fine = inside.agent(#"{"id":0,"result":{"userAgent":"codeswarm/0.163.0-demo (Codeswarm demo agent)"}}"#)
        #expect(fine.errorCodes.isEmpty)

        var outside = try SessionHarness()
        _ = outside.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = outside.handle { .agentStarted(pid: 2, now: $0) }
        let old = outside.agent(#"{"id":0,"result":{"userAgent":"codeswarm/0.150.2 (Debian; x86_64)"}}"#)
        #expect(old.errorCodes == ["agent_version_untested"])
        #expect(old.workerErrors.first?.error?.contains("0.150.2") == true)
        #expect(old.workerErrors.first?.error?.contains("0.160.0 to 0.169.x") == true)
        // The same version after a restart is not reported again.
        _ = outside.agent(#"{"id":1,"result":{"thread":{"id":"thr_1"}}}"#)
        let exited = outside.handle { .agentExited(.exited(1), now: $0) }
        _ = outside.fire(try #require(exited.timer(.restart)))
        let started = outside.handle { .agentStarted(pid: 3, now: $0) }
        let initialize = try #require(started.agentMessages.first?["id"]?.intValue)
        let again = outside.agent(#"{"id":\#(initialize),"result":{"userAgent":"codeswarm/0.150.2 (Debian; x86_64)"}}"#)
        #expect(again.agentMethods == ["initialized", "thread/resume"])
        #expect(again.errorCodes.isEmpty)

        var unknown = try SessionHarness()
        _ = unknown.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = unknown.handle { .agentStarted(pid: 2, now: $0) }
        #expect(unknown.agent(#"{"id":0,"result":{"userAgent":"mystery"}}"#).errorCodes == ["agent_version_untested"])
    }

    @Test("after thread/resume codex repeats an old turn's usage: it is not taken for the new turn's")
    func resumedUsageIsNotTheNewTurn() throws {
        var harness = try SessionHarness()
        harness.ready()
        _ = harness.inbox("prompt a", id: "a")

        // Before turn/start's response: the repeated usage of a turn this worker never ran, then the real turn.
        let repeated = harness.agent(
            #"{"method":"thread/tokenUsage/updated","params":{"threadId":"thr_1","turnId":"turn_old","tokenUsage":{}}}"#
        )
        let response = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_new","status":"inProgress"}}}"#)
        let delta = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_new","delta":"x"}}"#)

        #expect(repeated.agentRecordLabels == [nil])
        #expect(response.agentRecordLabels == ["a"])
        #expect(delta.agentRecordLabels == ["a"])
    }

    /// A `thread/start` result as codex 0.163 writes it (from the golden transcript).
    static func threadOpened(id: Int) throws -> String {
        let transcript = try CodexTranscript.load("plain")
        let result = try #require(transcript.fromCodex.first { $0["result"]?["thread"] != nil }?["result"])
        var message: JSONValue = ["id": .number(Double(id)), "result": result]
        message.set(path: ["result", "thread", "id"], to: "thr_1")
        return try WireCoding.encodeString(message)
    }
}

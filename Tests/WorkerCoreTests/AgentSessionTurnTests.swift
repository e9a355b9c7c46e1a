import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// One turn at a time, the queue, and labelling every line by the turn it belongs to.
@Suite struct AgentSessionTurnTests {
    @Test("an inbox line before the thread is ready waits, then becomes turn/start")
    func promptBeforeReady() throws {
        var harness = try SessionHarness()
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = harness.handle { .agentStarted(pid: 100, now: $0) }

        let early = harness.inbox("system prompt", id: "inj-0")
        #expect(early.agentMessages.isEmpty)
        #expect(harness.session.queuedInjections == ["inj-0"])

        _ = harness.agent(#"{"id":0,"result":{}}"#)
        let ready = harness.agent(#"{"id":1,"result":{"thread":{"id":"thr_1"}}}"#)

        let turnStart = try #require(ready.agentMessages.first)
        #expect(turnStart["method"] == "turn/start")
        #expect(turnStart["params"]?["threadId"] == "thr_1")
        #expect(turnStart["params"]?["input"] == [["type": "text", "text": "system prompt", "text_elements": []]])
        #expect(harness.session.runningInjection == "inj-0")
    }

    @Test("injections arriving during a turn are queued and started one at a time, in order")
    func queueing() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        let b = harness.inbox("prompt b", id: "b")
        let c = harness.inbox("prompt c", id: "c")
        #expect(b.agentMessages.isEmpty)
        #expect(c.agentMessages.isEmpty)
        #expect(harness.session.queuedInjections == ["b", "c"])

        let completed = harness.agent(
            #"{"method":"turn/completed","params":{"threadId":"thr_1","turn":{"id":"turn_a","status":"completed"}}}"#)
        #expect(completed.agentRecordLabels == ["a"])
        #expect(completed.agentMessages.first?["params"]?["input"]?.arrayValue?.first?["text"] == "prompt b")
        #expect(harness.session.runningInjection == "b")
        #expect(harness.session.queuedInjections == ["c"])
    }

    @Test("lines are labelled by turn id, also when an old turn's lines arrive during the next turn")
    func interleavedLabels() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"completed"}}}"#)
        _ = harness.inbox("prompt b", id: "b")
        let response = harness.agent(#"{"id":3,"result":{"turn":{"id":"turn_b","status":"inProgress"}}}"#)
        #expect(response.agentRecordLabels == ["b"])

        let late = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_a","delta":"x"}}"#)
        let current = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_b","delta":"y"}}"#)
        let lateUsage = harness.agent(
            #"{"method":"thread/tokenUsage/updated","params":{"turnId":"turn_a","tokenUsage":{}}}"#)
        let started = harness.agent(#"{"method":"turn/started","params":{"turn":{"id":"turn_b"}}}"#)

        #expect(late.agentRecordLabels == ["a"])
        #expect(current.agentRecordLabels == ["b"])
        #expect(lateUsage.agentRecordLabels == ["a"])
        #expect(started.agentRecordLabels == ["b"])
    }

    @Test("a notification naming an unknown turn while turn/start is pending belongs to the pending injection")
    func notificationBeforeResponse() throws {
        var harness = try SessionHarness()
        harness.ready()
        _ = harness.inbox("prompt a", id: "a")

        let early = harness.agent(#"{"method":"turn/started","params":{"turn":{"id":"turn_a"}}}"#)
        let delta = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_a","delta":"x"}}"#)
        let response = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_a"}}}"#)
        let stranger = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_zz"}}"#)

        #expect(early.agentRecordLabels == ["a"])
        #expect(delta.agentRecordLabels == ["a"])
        #expect(response.agentRecordLabels == ["a"])
        #expect(stranger.agentRecordLabels == [nil])
    }

    @Test("messages naming no turn are labelled with the running turn, or null when none runs")
    func unnamedTurn() throws {
        var harness = try SessionHarness()
        harness.ready()
        let idleStatus = harness.agent(#"{"method":"thread/status/changed","params":{"status":{"type":"idle"}}}"#)
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        let activeStatus = harness.agent(#"{"method":"thread/status/changed","params":{"status":{"type":"active"}}}"#)

        #expect(idleStatus.agentRecordLabels == [nil])
        #expect(activeStatus.agentRecordLabels == ["a"])
    }

    @Test("a JSON-RPC error to turn/start is reported for that injection and the next prompt starts")
    func turnStartRefused() throws {
        var harness = try SessionHarness()
        harness.ready()
        _ = harness.inbox("prompt a", id: "a")
        _ = harness.inbox("prompt b", id: "b")

        let effects = harness.agent(#"{"id":2,"error":{"code":-32001,"message":"Server overloaded"}}"#)

        #expect(effects.agentRecordLabels == ["a"])
        let error = try #require(effects.workerErrors.first)
        #expect(error.code == "agent_error")
        #expect(error.injectionID == "a")
        #expect(error.error?.contains("Server overloaded") == true)
        #expect(effects.agentMethods == ["turn/start"])
        #expect(harness.session.runningInjection == "b")
    }

    @Test("turn/completed of a turn that is not running does not end the running turn")
    func staleCompletion() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox("prompt b", id: "b")

        let effects = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_other"}}}"#)

        #expect(effects.agentMessages.isEmpty)
        #expect(harness.session.runningInjection == "a")
    }
}

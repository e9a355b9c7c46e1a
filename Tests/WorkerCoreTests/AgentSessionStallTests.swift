import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// The stall watchdog: one `turn_stalled` per silence of `stallTimeoutSeconds` during a turn.
@Suite struct AgentSessionStallTests {
    @Test("silence for the stall timeout is reported once, and again after output resumes and stops")
    func stallReportedOncePerStall() throws {
        var harness = try SessionHarness(stallTimeoutSeconds: 10)
        harness.ready()
        let started = harness.inbox("prompt a", id: "a")
        let first = try #require(started.timer(.stallCheck))
        #expect(started.timers.first?.delay == .seconds(10))

        harness.now = .seconds(4)
        _ = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_a"}}}"#)
        harness.now = .seconds(10)
        let early = harness.fire(first)
        #expect(early.errorCodes.isEmpty)
        let second = try #require(early.timer(.stallCheck))
        #expect(early.timers.first?.delay == .seconds(4))

        harness.now = .seconds(14)
        let stalled = harness.fire(second)
        #expect(stalled.errorCodes == ["turn_stalled"])
        #expect(stalled.workerErrors.first?.injectionID == "a")
        #expect(stalled.timers.isEmpty)

        harness.now = .seconds(30)
        #expect(harness.fire(second).isEmpty)

        harness.now = .seconds(40)
        let resumed = harness.agent(#"{"method":"item/agentMessage/delta","params":{"turnId":"turn_a"}}"#)
        let third = try #require(resumed.timer(.stallCheck))
        harness.now = .seconds(50)
        #expect(harness.fire(third).errorCodes == ["turn_stalled"])
    }

    @Test("no stall is reported after the turn completed")
    func noStallWhenIdle() throws {
        var harness = try SessionHarness(stallTimeoutSeconds: 10)
        harness.ready()
        let started = harness.inbox("prompt a", id: "a")
        let timer = try #require(started.timer(.stallCheck))
        _ = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_a"}}}"#)
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a"}}}"#)

        harness.now = .seconds(100)
        #expect(harness.fire(timer).isEmpty)
    }

    @Test("stderr output does not count as progress")
    func stderrIsNotProgress() throws {
        var harness = try SessionHarness(stallTimeoutSeconds: 10)
        harness.ready()
        let started = harness.inbox("prompt a", id: "a")
        let timer = try #require(started.timer(.stallCheck))
        harness.now = .seconds(5)
        _ = harness.handle { .agentStderrLine("still thinking", now: $0) }

        harness.now = .seconds(10)
        #expect(harness.fire(timer).errorCodes == ["turn_stalled"])
    }
}

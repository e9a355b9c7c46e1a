import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// Agent exits: reported with the turn it ran, restarted with backoff, and given up after the limit.
@Suite struct AgentSessionRestartTests {
    @Test("backoff doubles from 1 s and is capped at 30 s")
    func backoff() {
        let delays = (1...8).map { RestartBackoff.delay(beforeAttempt: $0) }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
        #expect(RestartBackoff.delay(beforeAttempt: 1000) == .seconds(30))
    }

    @Test("an exit during a turn is reported for that injection, then the agent restarts and resumes the thread")
    func crashDuringTurn() throws {
        var harness = try SessionHarness(restartLimit: 3)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox("prompt b", id: "b")

        let exited = harness.handle { .agentExited(.exited(3), now: $0) }
        let error = try #require(exited.workerErrors.first)
        #expect(error.code == "agent_exited")
        #expect(error.injectionID == "a")
        #expect(error.error?.contains("exit code 3") == true)
        let restart = try #require(exited.timer(.restart))
        #expect(exited.timers.first?.delay == .seconds(1))
        #expect(harness.session.runningInjection == nil)

        harness.now = .seconds(1)
        #expect(harness.fire(restart) == [.startAgent])

        let started = harness.handle { .agentStarted(pid: 200, now: $0) }
        #expect(started.errorCodes == ["agent_restarted"])
        #expect(started.workerErrors.first?.pid == 200)
        #expect(started.agentMethods == ["initialize"])

        // Request ids keep counting across restarts: 0-2 went to the first agent.
        #expect(started.agentMessages.first?["id"] == 3)
        let initialized = harness.agent(#"{"id":3,"result":{}}"#)
        #expect(initialized.agentMethods == ["initialized", "thread/resume"])
        #expect(initialized.agentMessages.last?["params"]?["threadId"] == "thr_1")

        // The queued prompt runs on the resumed thread; the crashed one is not retried.
        let resumed = harness.agent(#"{"id":4,"result":{"thread":{"id":"thr_1"}}}"#)
        #expect(resumed.agentMessages.first?["params"]?["input"]?.arrayValue?.first?["text"] == "prompt b")
    }

    @Test("a refused thread/resume falls back to a fresh thread/start")
    func resumeRefused() throws {
        var harness = try SessionHarness()
        harness.ready()
        let exited = harness.handle { .agentExited(.signaled(9), now: $0) }
        _ = harness.fire(try #require(exited.timer(.restart)))
        _ = harness.handle { .agentStarted(pid: 200, now: $0) }
        _ = harness.agent(#"{"id":2,"result":{}}"#)

        let refused = harness.agent(#"{"id":3,"error":{"code":-32600,"message":"no rollout"}}"#)

        #expect(refused.agentMethods == ["thread/start"])
        #expect(refused.errorCodes.isEmpty)
    }

    @Test("consecutive exits back off 1, 2, 4 s and stop at the limit with complete")
    func restartLimit() throws {
        var harness = try SessionHarness(restartLimit: 2)
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = harness.handle { .agentStarted(pid: 100, now: $0) }
        _ = harness.inbox("prompt a", id: "a")

        var delays: [Duration] = []
        for _ in 0..<2 {
            let exited = harness.handle { .agentExited(.exited(1), now: $0) }
            #expect(exited.errorCodes == ["agent_exited"])
            delays += exited.timers.map(\.delay)
            _ = harness.fire(try #require(exited.timer(.restart)))
            _ = harness.handle { .agentStarted(pid: 100, now: $0) }
        }
        #expect(delays == [.seconds(1), .seconds(2)])

        let last = harness.handle { .agentExited(.exited(1), now: $0) }

        #expect(last.errorCodes == ["agent_exited", "agent_restart_limit", "injection_dropped"])
        let complete = try #require(last.records.last)
        #expect(complete.type == .complete)
        #expect(complete.reason == "agent_restart_limit")
        #expect(last.last == .archiveAndExit(exitCode: 1))
        #expect(harness.session.isFinished)
        #expect(harness.handle { .inboxLine(Array("{}".utf8), now: $0) }.isEmpty)
    }

    @Test("a spawn failure counts like an exit")
    func startFailure() throws {
        var harness = try SessionHarness(restartLimit: 0)
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }

        let failed = harness.handle { .agentStartFailed(error: "No such file", now: $0) }

        #expect(failed.errorCodes == ["agent_start_failed", "agent_restart_limit"])
        #expect(failed.last == .archiveAndExit(exitCode: 1))
    }

    @Test("a completed turn resets the backoff")
    func completedTurnResetsBackoff() throws {
        var harness = try SessionHarness(restartLimit: 5)
        harness.ready()
        let first = harness.handle { .agentExited(.exited(1), now: $0) }
        #expect(first.timers.first?.delay == .seconds(1))
        _ = harness.fire(try #require(first.timer(.restart)))
        _ = harness.handle { .agentStarted(pid: 2, now: $0) }
        _ = harness.agent(#"{"id":2,"result":{}}"#)
        _ = harness.agent(#"{"id":3,"result":{"thread":{"id":"thr_1"}}}"#)
        harness.runTurn("a", requestID: 4, turnID: "turn_a")
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a"}}}"#)

        let second = harness.handle { .agentExited(.exited(1), now: $0) }

        #expect(second.timers.first?.delay == .seconds(1))
        #expect(second.workerErrors.first?.injectionID == nil)
    }
}

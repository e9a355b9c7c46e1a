import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// SIGTERM: stop reading, interrupt and drain the running turn, close the agent, write `complete`, archive.
@Suite struct AgentSessionShutdownTests {
    @Test("a running turn is interrupted and drained before the agent is closed and complete is written")
    func drainRunningTurn() throws {
        var harness = try SessionHarness(drainSeconds: 10)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox("prompt b", id: "b")

        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        #expect(shutdown.first == .stopReadingInbox)
        #expect(shutdown.errorCodes == ["injection_dropped"])
        #expect(shutdown.workerErrors.first?.injectionID == "b")
        let interrupt = try #require(shutdown.agentMessages.first)
        #expect(interrupt["method"] == "turn/interrupt")
        #expect(interrupt["params"] == ["threadId": "thr_1", "turnId": "turn_a"])
        #expect(shutdown.records.last?.direction == "to_agent")
        #expect(shutdown.timers.first?.delay == .seconds(10))
        #expect(!shutdown.contains(.closeAgentInput))

        let ack = harness.agent(#"{"id":3,"result":{}}"#)
        #expect(ack.agentRecordLabels == ["a"])
        let completed = harness.agent(
            #"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"interrupted"}}}"#)
        #expect(completed.agentRecordLabels == ["a"])
        #expect(completed.contains(.closeAgentInput))
        #expect(completed.agentMethods.isEmpty)

        // Lines the agent writes before exiting are still recorded.
        let lastWords = harness.agent(#"{"method":"thread/status/changed","params":{"status":{"type":"idle"}}}"#)
        #expect(lastWords.records.count == 1)

        let exited = harness.handle { .agentExited(.exited(0), now: $0) }
        #expect(exited.errorCodes.isEmpty)
        let complete = try #require(exited.records.last)
        #expect(complete.type == .complete)
        #expect(complete.reason == "sigterm")
        #expect(exited.last == .archiveAndExit(exitCode: 0))
    }

    @Test("inbox lines arriving after SIGTERM are not consumed")
    func noInboxAfterShutdown() throws {
        var harness = try SessionHarness()
        harness.ready()
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        let late = harness.inbox("too late", id: "late")

        #expect(late.isEmpty)
    }

    @Test("the drain ends after drainSeconds when the turn never completes, and escalates to SIGTERM and SIGKILL")
    func drainTimeout() throws {
        var harness = try SessionHarness(drainSeconds: 5)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        harness.now = .seconds(5)
        let timedOut = harness.fire(try #require(shutdown.timer(.drainDeadline)))
        #expect(timedOut.errorCodes == ["drain_timeout"])
        #expect(timedOut.workerErrors.first?.injectionID == "a")
        #expect(timedOut.contains(.closeAgentInput))

        let terminate = harness.fire(try #require(timedOut.timer(.terminateAgent)))
        #expect(terminate.contains(.signalAgent(.terminate)))
        let kill = harness.fire(try #require(terminate.timer(.killAgent)))
        #expect(kill == [.signalAgent(.kill)])

        let exited = harness.handle { .agentExited(.signaled(9), now: $0) }
        #expect(exited.records.last?.reason == "sigterm")
        #expect(exited.last == .archiveAndExit(exitCode: 0))
    }

    @Test("an idle agent is closed at once")
    func idleShutdown() throws {
        var harness = try SessionHarness()
        harness.ready()

        let shutdown = harness.handle { .shutdownRequested(reason: "sigint", now: $0) }
        #expect(shutdown == [.stopReadingInbox, .closeAgentInput] + shutdown.dropFirst(2))
        #expect(shutdown.timer(.terminateAgent) != nil)

        let exited = harness.handle { .agentExited(.exited(0), now: $0) }
        #expect(exited.records.last?.reason == "sigint")
    }

    @Test("shutdown while waiting to restart completes at once")
    func shutdownDuringBackoff() throws {
        var harness = try SessionHarness()
        harness.ready()
        let exited = harness.handle { .agentExited(.exited(1), now: $0) }
        let restart = try #require(exited.timer(.restart))

        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        #expect(shutdown.records.last?.type == .complete)
        #expect(shutdown.last == .archiveAndExit(exitCode: 0))
        #expect(harness.fire(restart).isEmpty)
    }

    @Test("a turn whose turn/start is still pending is interrupted once its id is known")
    func interruptPendingTurn() throws {
        var harness = try SessionHarness()
        harness.ready()
        _ = harness.inbox("prompt a", id: "a")

        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        #expect(shutdown.agentMessages.isEmpty)

        let response = harness.agent(#"{"id":2,"result":{"turn":{"id":"turn_a"}}}"#)
        #expect(response.agentMethods == ["turn/interrupt"])
    }

    @Test(
        "an agent that dies during the drain (the step's SIGTERM reached it too) leaves its turn interrupted, not failed"
    )
    func agentDiesDuringDrain() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        harness.now = .milliseconds(300)
        let exited = harness.handle { .agentExited(.signaled(15), now: $0) }

        #expect(exited.errorCodes == ["drain_agent_exited"])
        #expect(exited.workerErrors.first?.injectionID == "a")
        let complete = try #require(exited.records.last)
        #expect(complete.type == .complete)
        #expect(complete.interruptedInjectionID == "a")
        #expect(complete.drainSeconds == 0.3)
        #expect(exited.last == .archiveAndExit(exitCode: 0))
    }

    @Test("an agent killed by SIGTERM just before the worker's own signal: the turn counts as interrupted")
    func agentSignalledBeforeWorker() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        // Both got the step's SIGTERM; the agent's exit is seen first. Nothing is reported yet.
        let exited = harness.handle { .agentExited(.signaled(15), now: $0) }
        #expect(exited.errorCodes.isEmpty)
        #expect(exited.timer(.restart) != nil)
        #expect(!exited.contains(.startAgent))

        harness.now = .milliseconds(50)
        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        #expect(shutdown.errorCodes == ["drain_agent_exited"])
        #expect(shutdown.workerErrors.first?.injectionID == "a")
        let complete = try #require(shutdown.records.last)
        #expect(complete.type == .complete)
        #expect(complete.interruptedInjectionID == "a")
        #expect(shutdown.last == .archiveAndExit(exitCode: 0))
    }

    @Test("an agent killed by SIGTERM with no signal for the worker is a failed turn, reported when it restarts")
    func agentSignalledAlone() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        let exited = harness.handle { .agentExited(.signaled(15), now: $0) }

        harness.now = .seconds(1)
        let restart = harness.fire(try #require(exited.timer(.restart)))

        #expect(restart.errorCodes == ["agent_exited"])
        #expect(restart.workerErrors.first?.injectionID == "a")
        #expect(restart.workerErrors.first?.error == "the agent exited (signal 15); restarting it (restart 1 of 3)")
        #expect(restart.contains(.startAgent))
    }

    @Test("an agent that exits on its own mid-turn is reported at once, whatever the signal")
    func agentCrashReportedAtOnce() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")

        let exited = harness.handle { .agentExited(.signaled(11), now: $0) }

        #expect(exited.errorCodes == ["agent_exited"])
        #expect(exited.workerErrors.first?.injectionID == "a")
        let shutdown = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        #expect(shutdown.errorCodes.isEmpty)
        #expect(shutdown.records.last?.interruptedInjectionID == nil)
    }

    @Test("a second signal during the drain stops waiting for the turn")
    func secondSignal() throws {
        var harness = try SessionHarness()
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        let second = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }

        #expect(second.contains(.closeAgentInput))
    }
}

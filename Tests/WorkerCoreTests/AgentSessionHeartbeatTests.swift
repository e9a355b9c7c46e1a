import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// The heartbeat: an idle worker writes a sign of life so the router can tell a dead one (issue 7 item 3).
@Suite struct AgentSessionHeartbeatTests {
    @Test("an idle worker writes one heartbeat line per quiet interval, and none while it is writing anyway")
    func heartbeatOnlyWhenQuiet() throws {
        var harness = try SessionHarness()
        let started = harness.handle { .workerStarted(hostname: "n", pid: 1, now: $0) }
        let first = try #require(started.timer(.heartbeat))
        #expect(started.timers.last { $0.timer.kind == .heartbeat }?.delay == .seconds(10))
        _ = harness.handle { .agentStarted(pid: 2, now: $0) }

        // Output at t=6 s: at the heartbeat's t=10 s the outbox has been quiet only 4 s, so it waits 6 s more.
        harness.now = .seconds(6)
        _ = harness.agent(#"{"method":"thread/status/changed","params":{"threadId":"t","status":{"type":"idle"}}}"#)
        harness.now = .seconds(10)
        let early = harness.fire(first)
        #expect(early.records.isEmpty)
        let rearmed = try #require(early.timers.first { $0.timer.kind == .heartbeat })
        #expect(rearmed.delay == .seconds(6))

        harness.now = .seconds(16)
        let due = harness.fire(rearmed.timer)
        #expect(due.records.map(\.type) == [.heartbeat])
        #expect(due.records.first?.jobID == "job1" && due.records.first?.nodeID == 2)
        #expect(due.timers.first { $0.timer.kind == .heartbeat }?.delay == .seconds(10))
    }

    @Test("heartbeats go on while a worker drains, and stop once it has written complete")
    func noHeartbeatAfterFinish() throws {
        var harness = try SessionHarness()
        let started = harness.handle { .workerStarted(hostname: "n", pid: 1, now: $0) }
        let timer = try #require(started.timer(.heartbeat))
        _ = harness.handle { .agentStarted(pid: 2, now: $0) }
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        harness.now = .seconds(10)
        let draining = harness.fire(timer)
        #expect(draining.records.map(\.type) == [.heartbeat], "still alive while it stops")
        let next = try #require(draining.timer(.heartbeat))
        let finished = harness.handle { .agentExited(.exited(0), now: $0) }
        #expect(finished.records.map(\.type).last == .complete)
        harness.now = .seconds(30)
        #expect(harness.fire(next).isEmpty)
    }

    @Test("heartbeat_seconds comes from worker.json and is range-checked")
    func configured() throws {
        var settings = WorkerSettings(base: "/b", agentCommand: ["a"])
        settings.heartbeatSeconds = 2.5
        let configuration = try AgentSessionConfiguration(
            settings: settings, jobID: "j", nodeID: 0, workingDirectory: "/w")
        #expect(configuration.heartbeatInterval == .milliseconds(2500))
        settings.heartbeatSeconds = 0
        #expect(throws: AgentSessionConfiguration.InvalidSetting.self) {
            try AgentSessionConfiguration(settings: settings, jobID: "j", nodeID: 0, workingDirectory: "/w")
        }
    }
}

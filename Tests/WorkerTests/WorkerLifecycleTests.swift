import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM drains and archives; a restarted worker continues its numbering and does not replay its inbox.
@Suite(.enabled(if: WorkerProcessFixture.canRun, "codeswarm is not built (CI=true turns this into a failure)"))
struct WorkerLifecycleTests {
    @Test("SIGTERM interrupts the running turn, waits for it, writes complete and archives the outbox")
    func sigtermDrains() async throws {
        let worker = try WorkerProcessFixture(
            // 1,000 deltas 200 ms apart: the turn must still run when SIGTERM comes, even if a busy parallel run
            // keeps this test off its thread for a minute; the drain's interrupt ends it at once anyway.
            agent: ["codeswarm", "demo-agent", "--delay-ms", "200", "--deltas", "1000"], drainSeconds: 20)
        try worker.start()
        try worker.inject("a long answer please", id: "inj-long")
        try await worker.waitFor("the first delta") { !$0.agentMessages("item/agentMessage/delta").isEmpty }

        worker.send(signal: SIGTERM)
        let status = try await worker.waitForExit()

        #expect(status == .exited(0))
        #expect(!FileManager.default.fileExists(atPath: worker.outboxPath))
        let records = worker.records()
        let interrupt = try #require(records.toAgent.first { $0.payload?["method"] == "turn/interrupt" })
        #expect(interrupt.injectionID == "inj-long")
        #expect(records.turnStatus("inj-long") == "interrupted")
        #expect(records.agentMessages("item/agentMessage/delta").count < 1000)
        let complete = try #require(records.last)
        #expect(complete.type == .complete)
        #expect(complete.reason == "sigterm")
        #expect(complete.timestamp != nil)
        // Line numbers are 1, 2, 3, … with no gap or repeat.
        #expect(records.compactMap(\.seq) == Array(1...records.count))
        #expect(records.first?.type == .start)
        #expect(records.first?.pid != nil)
    }

    @Test(
        "SIGTERM to the worker's whole process group (as Slurm signals every process of a step): the turn ends interrupted, the drain completes"
    )
    func stepWideSigtermDrains() async throws {
        let worker = try WorkerProcessFixture(
            agent: ["codeswarm", "demo-agent", "--delay-ms", "200", "--deltas", "1000"], drainSeconds: 20)
        try worker.start()
        try worker.inject("a long answer please", id: "inj-long")
        try await worker.waitFor("the first delta") { !$0.agentMessages("item/agentMessage/delta").isEmpty }

        // proctrack (linuxproc or cgroup) delivers `--signal=TERM@60` and `scancel` to the agent as well.
        let pid = try #require(worker.process?.pid)
        kill(-pid, SIGTERM)
        let status = try await worker.waitForExit()

        #expect(status == .exited(0))
        let records = worker.records()
        // The demo agent (a Swift program: its runtime unblocks SIGTERM) dies of it; codex keeps it blocked and
        // interrupts its turn. Either way the turn ended with the job, not in failure.
        #expect(records.errors("agent_exited").isEmpty, "the agent's death is not reported as a failed turn")
        let interrupted = records.turnStatus("inj-long") == "interrupted"
        #expect(interrupted || records.errors("drain_agent_exited").map(\.injectionID) == ["inj-long"])
        let complete = try #require(records.last)
        #expect(complete.type == .complete)
        #expect(complete.reason == "sigterm")
        #expect(complete.interruptedInjectionID == "inj-long")
    }

    @Test("a restarted worker continues seq, keeps the old archive and does not replay handled injections")
    func restartWithoutReplay() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "0"])
        try worker.start()
        try worker.inject("before restart", id: "inj-old")
        try await worker.waitFor("the first turn") { $0.turnCompleted("inj-old") }
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
        let firstRun = worker.records()
        let lastSeq = try #require(firstRun.last?.seq)

        try worker.start()
        try worker.inject("after restart", id: "inj-new")
        try await worker.waitFor("the second turn") { $0.turnCompleted("inj-new") }
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))

        let secondRun = worker.records()
        let start = try #require(secondRun.first)
        #expect(start.type == .start)
        #expect(start.seq == lastSeq + 1)
        #expect(secondRun.agentMessages("turn/started").map(\.injectionID) == ["inj-new"])
        #expect(FileManager.default.fileExists(atPath: worker.archivePath + ".replaced-1"))
    }

    @Test("killing the worker's process group (the router's forced stop) leaves no agent behind")
    func forcedStopKillsAgent() async throws {
        let worker = try WorkerProcessFixture(agent: [
            "codeswarm", "demo-agent", "--stall-seconds", "60", "--record-prompts", "$BASE/prompts",
        ])
        try worker.start()
        try worker.inject("stall for a minute", id: "inj-stuck")
        try await worker.waitFor("the turn to start") { !$0.agentMessages("turn/started").isEmpty }
        let agents = ProcessScan.pids { $0.contains("demo-agent") && $0.contains(worker.base) }
        #expect(agents.count == 1)

        let pid = try #require(worker.process?.pid)
        kill(-pid, SIGKILL)
        #expect(try await worker.waitForExit() == .signaled(SIGKILL))

        let deadline = ContinuousClock.now + .seconds(10)
        var left = agents
        while !left.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            left = ProcessScan.pids { $0.contains("demo-agent") && $0.contains(worker.base) }
        }
        #expect(left.isEmpty)
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// `auto_resume`: after a time limit (preemption, node failure) the router resumes the swarm on its own after a
/// growing backoff, up to the launch's limit; never after a terminate or a cancel from outside.
@Suite("RouterCore auto-resume")
struct RouterCoreAutoResumeTests {
    static func slurmHarness(autoResume: Int = 0) -> RouterCoreHarness {
        var settings = RouterCoreSettings(defaultProvider: "slurm", availableProviders: ["local", "slurm"])
        settings.autoResume = autoResume
        var harness = RouterCoreHarness(settings: settings)
        harness.site = "slurm"
        return harness
    }

    /// Launches a 1-node Slurm swarm (with `auto_resume` when given) running on `job` with thread `thr-0`.
    static func running(_ harness: inout RouterCoreHarness, job: JobID, autoResume: Int?) throws -> SwarmID {
        let extra: [String: JSONValue] = autoResume.map { ["auto_resume": .number(Double($0))] } ?? [:]
        let (swarmID, _) = try harness.launch(nodes: 1, extra: extra)
        harness.submitted(swarmID, job: job)
        try harness.workerStarted(job: job, node: 0)
        try harness.thread(job: job, node: 0, id: "thr-0")
        #expect(harness.snapshot.swarms.values[0].status == .running)
        return swarmID
    }

    /// The worker drains on Slurm's TERM@60 and the job is seen ended in `state`.
    @discardableResult
    static func jobEnds(_ harness: inout RouterCoreHarness, job: JobID, state: String) throws -> [RouterEffect] {
        var effects = try harness.workerCompleted(job: job, node: 0)
        effects += harness.handle {
            .jobsObserved(
                provider: "slurm", [job: JobObservation(state: state, isFinished: true, reason: "None")], at: $0)
        }
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        return effects
    }

    /// The automatic resume comes due: the timer fires, the new job is submitted and its worker reopens the thread.
    @discardableResult
    static func resumes(_ harness: inout RouterCoreHarness, _ swarmID: SwarmID, on job: JobID) throws -> [RouterEffect]
    {
        let due = try #require(harness.snapshot.swarms.values[0].resume?.scheduledAt)
        harness.now = due
        var effects = harness.fire(.autoResume(swarmID))
        #expect(effects.contains { if case .launch(swarmID, _) = $0 { true } else { false } }, "a new job")
        effects += harness.submitted(swarmID, job: job)
        effects += try harness.workerStarted(job: job, node: 0)
        effects += try harness.thread(job: job, node: 0, id: "thr-0", resumed: true)
        return effects
    }

    static func scheduled(_ effects: [RouterEffect]) -> [SwarmLaunchProgress] {
        effects.broadcastEvents.compactMap(\.launchProgress).filter { $0.stage == "resume_scheduled" }
    }

    @Test("after a time limit the swarm resumes on its own, on its old thread, up to N times and not N+1")
    func resumesUpToTheLimit() throws {
        var harness = Self.slurmHarness()
        let swarmID = try Self.running(&harness, job: "100", autoResume: 2)
        #expect(harness.snapshot.swarms.values[0].request.autoResume == 2)

        for (attempt, (job, next)) in [("100", "101"), ("101", "102")].enumerated() {
            let ended = try Self.jobEnds(&harness, job: JobID(job), state: "TIMEOUT")
            let notice = try #require(Self.scheduled(ended).first, "attempt \(attempt + 1) is scheduled")
            #expect(notice.message.contains("automatic resume \(attempt + 1) of 2"), "\(notice.message)")
            #expect(ended.timers.contains(.autoResume(swarmID)))
            #expect(harness.snapshot.swarms.values[0].resumeSummary()?.state == "scheduled")
            #expect(harness.snapshot.swarms.values[0].resumeSummary()?.attempt == attempt + 1)
            #expect(harness.snapshot.swarms.values[0].resumeSummary()?.limit == 2)

            let back = try Self.resumes(&harness, swarmID, on: JobID(next))
            let resumed = try #require(back.broadcastEvents.compactMap(\.resumed).first)
            #expect(resumed.cause == "automatic")
            #expect(resumed.requestID == .null)
            #expect(resumed.previousJobID == JobID(job))
            #expect(resumed.nodes == [NodeResumeOutcome(nodeID: 0, threadID: "thr-0", resumed: true)])
            #expect(harness.snapshot.swarms.values[0].status == .running)
        }
        #expect(harness.snapshot.swarms.values[0].autoResumeCount == 2)

        // The third time limit: the limit is used up, and the swarm says how to go on.
        let last = try Self.jobEnds(&harness, job: "102", state: "TIMEOUT")
        #expect(Self.scheduled(last).isEmpty)
        #expect(!last.timers.contains(.autoResume(swarmID)))
        #expect(harness.snapshot.swarms.values[0].resume == nil)
        let exhausted = last.broadcastEvents.compactMap(\.launchProgress).first { $0.stage == "auto_resume_exhausted" }
        #expect(exhausted?.message.contains("codeswarm resume") == true)
        #expect(harness.snapshot.swarms.values[0].jobChain()?.map(\.jobID) == ["100", "101", "102"])
    }

    @Test("the backoff grows: 10 s before the first automatic resume, 20 s before the second, capped at 5 min")
    func backoffGrows() throws {
        #expect((1...7).map { RouterCore.autoResumeDelay(attempt: $0) } == [10, 20, 40, 80, 160, 300, 300])
        #expect(RouterCore.autoResumeDelay(attempt: 10_000) == 300)

        var harness = Self.slurmHarness()
        let swarmID = try Self.running(&harness, job: "100", autoResume: 3)
        let first = try Self.jobEnds(&harness, job: "100", state: "TIMEOUT")
        #expect(first.deadline(of: .autoResume(swarmID)) == harness.now.addingTimeInterval(10))
        // Early, the timer does nothing (a restarted router may fire it late, never early).
        harness.advance(by: 5)
        #expect(!harness.fire(.autoResume(swarmID)).contains { if case .launch = $0 { true } else { false } })
        try Self.resumes(&harness, swarmID, on: "101")
        let second = try Self.jobEnds(&harness, job: "101", state: "PREEMPTED")
        #expect(second.deadline(of: .autoResume(swarmID)) == harness.now.addingTimeInterval(20))
    }

    @Test("never after the user's terminate, nor after a cancel from outside, nor after the workers simply ended")
    func neverAfterTerminate() throws {
        var harness = Self.slurmHarness()
        let swarmID = try Self.running(&harness, job: "100", autoResume: 3)
        _ = try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(swarmID.rawValue)])
        let ended = try Self.jobEnds(&harness, job: "100", state: "CANCELLED")
        #expect(Self.scheduled(ended).isEmpty)
        #expect(!ended.timers.contains(.autoResume(swarmID)))
        #expect(harness.snapshot.swarms.values[0].resume == nil)
        #expect(harness.snapshot.swarms.values[0].endedJobs.last?.cause == .terminated)

        var outside = Self.slurmHarness()
        let cancelledID = try Self.running(&outside, job: "200", autoResume: 3)
        let cancelled = try Self.jobEnds(&outside, job: "200", state: "CANCELLED")
        #expect(outside.snapshot.swarms.values[0].endedJobs.last?.cause == .cancelled)
        #expect(!cancelled.timers.contains(.autoResume(cancelledID)))

        var finished = Self.slurmHarness()
        let finishedID = try Self.running(&finished, job: "300", autoResume: 3)
        let done = try Self.jobEnds(&finished, job: "300", state: "COMPLETED")
        #expect(!done.timers.contains(.autoResume(finishedID)))
    }

    @Test("terminate while an automatic resume waits cancels it: the timer does nothing, held prompts fail")
    func terminateCancelsScheduled() throws {
        var harness = Self.slurmHarness()
        let swarmID = try Self.running(&harness, job: "100", autoResume: 1)
        try Self.jobEnds(&harness, job: "100", state: "TIMEOUT")
        let held = try harness.command(
            "inject", id: "i", payload: ["swarm_id": .string(swarmID.rawValue), "content": "later"])
        #expect(held.rejections.isEmpty, "a prompt for a swarm about to resume is held")

        let terminated = try harness.command(
            "swarm_terminate", id: "t", payload: ["swarm_id": .string(swarmID.rawValue)])
        #expect(harness.snapshot.swarms.values[0].resume == nil)
        #expect(terminated.contains(.persist))
        #expect(
            terminated.eventNames == ["inject_failed", "swarm_terminated"], "the held prompt fails, then the reply")
        harness.advance(by: 60)
        let fired = harness.fire(.autoResume(swarmID))
        #expect(!fired.contains { if case .launch = $0 { true } else { false } })
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
    }

    @Test("the config default applies to launches that do not say; a launch's own value wins, 0 turns it off")
    func configDefault() throws {
        var harness = Self.slurmHarness(autoResume: 2)
        let swarmID = try Self.running(&harness, job: "100", autoResume: nil)
        #expect(harness.snapshot.swarms.values[0].request.autoResume == 2)
        #expect(try Self.jobEnds(&harness, job: "100", state: "TIMEOUT").timers.contains(.autoResume(swarmID)))

        var off = Self.slurmHarness(autoResume: 2)
        let offID = try Self.running(&off, job: "200", autoResume: 0)
        #expect(!(try Self.jobEnds(&off, job: "200", state: "TIMEOUT")).timers.contains(.autoResume(offID)))

        var bad = Self.slurmHarness()
        let rejected = try bad.command("swarm_launch", id: "l", payload: ["nodes": 1, "auto_resume": 101])
        #expect(rejected.rejections.first?.reason.contains("auto_resume") == true)
        #expect(bad.snapshot.swarms.isEmpty)
    }

    @Test("a router restarted while an automatic resume waits re-arms it, and it resumes when due")
    func survivesRestart() throws {
        var harness = Self.slurmHarness()
        let swarmID = try Self.running(&harness, job: "100", autoResume: 1)
        try Self.jobEnds(&harness, job: "100", state: "NODE_FAIL")
        let due = try #require(harness.snapshot.swarms.values[0].resume?.scheduledAt)

        var restarted = try harness.restarted(after: 3)
        #expect(restarted.snapshot.swarms.values[0].resume?.scheduledAt == due)
        let started = restarted.handle { .started(at: $0) }
        #expect(started.deadline(of: .autoResume(swarmID)) == due)
        let back = try Self.resumes(&restarted, swarmID, on: "101")
        #expect(back.broadcastEvents.compactMap(\.resumed).first?.cause == "automatic")

        // Restarted after the moment passed: it resumes at once.
        var late = try harness.restarted(after: 600)
        #expect(late.handle { .started(at: $0) }.deadline(of: .autoResume(swarmID)) == late.now)
    }
}

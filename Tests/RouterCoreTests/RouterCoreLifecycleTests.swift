import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Swarms end: workers complete, terminate (graceful, forced, repeated), jobs vanish; relays restart.
@Suite("RouterCore lifecycle")
struct RouterCoreLifecycleTests {
    static let job: JobID = "local_11112222"

    static func terminate(_ swarmID: SwarmID, force: Bool = false) -> JSONValue {
        force ? ["swarm_id": .string(swarmID.rawValue), "force": true] : ["swarm_id": .string(swarmID.rawValue)]
    }

    @Test(
        "complete on every node ends the swarm with swarm_terminated; delivered injections that never started are held"
    )
    func completeOnEveryNode() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let injections = try harness.injectDelivered(swarmID, content: "work", id: "inj")

        let first = try harness.workerCompleted(job: Self.job, node: 0)
        #expect(first.eventNames == ["inject_deferred", "node_ended"])
        #expect(first.broadcastEvents.first?.injectionID == injections[0])
        #expect(first.broadcastEvents.compactMap(\.terminated).isEmpty)
        #expect(harness.snapshot.swarms.values[0].status == .running)

        let last = try harness.workerCompleted(job: Self.job, node: 1)
        #expect(last.eventNames == ["inject_deferred", "node_ended", "swarm_terminated"])
        let terminated = try #require(last.broadcastEvents.compactMap(\.terminated).first)
        #expect(
            terminated
                == SwarmTerminated(
                    requestID: .null, swarmID: swarmID, jobID: Self.job, reason: "workers stopped by SIGTERM",
                    slurmState: "COMPLETED"))
        #expect(last.relayRequests == [.unwatch(jobID: Self.job)])
        #expect(last.stops.isEmpty, "local workers that completed need no stop")
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        #expect(harness.snapshot.swarms.values[0].endedAt == harness.now)

        #expect(
            try harness.workerCompleted(job: Self.job, node: 1).events.isEmpty, "a repeated complete changes nothing")
    }

    @Test("a worker that completes for its own reason names it in the swarm's end reason")
    func workerReasonInEndReason() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        let effects = try harness.workerCompleted(job: Self.job, node: 0, reason: "agent_restart_limit")
        #expect(effects.broadcastEvents.compactMap(\.terminated).first?.reason == "workers ended: agent_restart_limit")
    }

    @Test("workers drained by SIGTERM near the time limit report the time limit")
    func timeLimitReason() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        harness.handle {
            .jobsObserved(
                provider: "slurm", [Self.job: JobObservation(state: "RUNNING", isFinished: false, timeLeftSeconds: 30)],
                at: $0)
        }
        let effects = try harness.workerCompleted(job: Self.job, node: 0, reason: "sigterm")
        #expect(
            effects.broadcastEvents.compactMap(\.terminated).first?.reason
                == "time limit reached (Slurm's --signal=TERM@60); workers drained on SIGTERM")
    }

    @Test("terminate stops the workers gracefully and arms the grace timer")
    func terminateGraceful() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let effects = try harness.command("swarm_terminate", id: "term-1", payload: Self.terminate(swarmID), from: 4)
        #expect(
            effects == [
                .persist,
                .broadcast(
                    EventEnvelope(
                        date: harness.now,
                        event: .swarmTerminateProgress(
                            SwarmTerminateProgress(
                                requestID: "term-1", swarmID: swarmID, stage: "signalling",
                                message: "asking 2 worker(s) to finish (SIGTERM); forcing after 20 s")))),
                .stopJob(Self.job, provider: "local", mode: .graceful),
                .scheduleTimer(.terminateGrace(swarmID), at: harness.now.addingTimeInterval(20)),
            ])
        #expect(harness.snapshot.swarms.values[0].status == .terminating)
    }

    @Test("completion on every node after a terminate ends the swarm with the terminate's request id")
    func terminateCompletes() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        try harness.command("swarm_terminate", id: "term-1", payload: Self.terminate(swarmID))

        let first = try harness.workerCompleted(job: Self.job, node: 0)
        #expect(first.eventNames == ["node_ended", "swarm_terminate_progress"])
        #expect(first.broadcastEvents.compactMap(\.terminateProgress).first?.message == "1/2 workers completed")
        let last = try harness.workerCompleted(job: Self.job, node: 1)
        let terminated = try #require(last.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.requestID == "term-1")
        #expect(terminated.reason == "terminated by request")
        #expect(harness.snapshot.swarms.values[0].terminateRequestID == nil)

        harness.advance(by: 20)
        #expect(harness.fire(.terminateGrace(swarmID)).isEmpty, "the grace timer of a finished terminate does nothing")
    }

    @Test("the grace timer forces the stop, and the drain deadline ends the swarm with the terminate's request id")
    func graceTimerForces() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings(gracefulTerminateSeconds: 5, drainSeconds: 3))
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        try harness.command("swarm_terminate", id: "term-1", payload: Self.terminate(swarmID))
        try harness.workerCompleted(job: Self.job, node: 0)
        harness.advance(by: 5)

        let forced = harness.fire(.terminateGrace(swarmID))
        #expect(forced.broadcastEvents.compactMap(\.terminateProgress).map(\.stage) == ["killing"])
        #expect(forced.broadcastEvents.compactMap(\.terminateProgress).first?.requestID == "term-1")
        #expect(forced.stops == [.force])
        #expect(forced.deadline(of: .drainDeadline(swarmID)) == harness.now.addingTimeInterval(3))

        harness.advance(by: 3)
        let drained = harness.fire(.drainDeadline(swarmID))
        #expect(drained.eventNames == ["node_ended", "swarm_terminated"])
        #expect(drained.streamEvents.first?.nodeID == 1)
        #expect(drained.streamEvents.first?.body == .nodeEnded(reason: "worker gone without `complete`"))
        let terminated = try #require(drained.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.requestID == "term-1")
        #expect(terminated.reason == "terminated by request")
    }

    @Test("terminating a terminated swarm answers swarm_terminated to the caller alone")
    func terminateTerminated() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        try harness.workerCompleted(job: Self.job, node: 0)
        let effects = try harness.command("swarm_terminate", id: "term-2", payload: Self.terminate(swarmID), from: 9)
        #expect(
            effects == [
                .send(
                    EventEnvelope(
                        date: harness.now,
                        event: .swarmTerminated(
                            SwarmTerminated(
                                requestID: "term-2", swarmID: swarmID, jobID: Self.job,
                                reason: "workers stopped by SIGTERM", slurmState: "COMPLETED"))),
                    to: 9)
            ])
    }

    @Test("a second terminate while one runs forces the stop, and the end carries the latest request id")
    func secondTerminateForces() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        try harness.command("swarm_terminate", id: "term-1", payload: Self.terminate(swarmID))
        let again = try harness.command("swarm_terminate", id: "term-2", payload: Self.terminate(swarmID))
        #expect(again.stops == [.force])
        #expect(again.broadcastEvents.compactMap(\.terminateProgress).first?.requestID == "term-2")
        let ended = harness.fire(.drainDeadline(swarmID))
        #expect(ended.broadcastEvents.compactMap(\.terminated).first?.requestID == "term-2")
    }

    @Test("terminate with force kills at once")
    func terminateForce() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let effects = try harness.command(
            "swarm_terminate", id: "term-f", payload: Self.terminate(swarmID, force: true))
        #expect(effects.stops == [.force])
        #expect(effects.timers == [.drainDeadline(swarmID)])
        #expect(harness.snapshot.swarms.values[0].status == .terminating)
    }

    @Test("terminating an unknown swarm is rejected with the request id")
    func terminateUnknown() throws {
        var harness = RouterCoreHarness()
        let effects = try harness.command("swarm_terminate", id: "term-x", payload: ["swarm_id": "ghost"])
        #expect(effects.rejections.map(\.requestID) == ["term-x"])
        #expect(effects.rejections.first?.reason.contains("unknown swarm_id \"ghost\"") == true)
    }

    @Test("a terminate before the job is submitted cancels it on submission and still ends the swarm")
    func terminateBeforeSubmission() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2)
        let early = try harness.command("swarm_terminate", id: "term-early", payload: Self.terminate(swarmID))
        #expect(early.broadcastEvents.compactMap(\.terminateProgress).map(\.stage) == ["cancelling"])
        #expect(early.rejections.map(\.requestID) == ["launch-1"], "the launch is answered: it will not complete")
        #expect(early.rejections.first?.reason.hasPrefix("launch cancelled") == true)
        #expect(early.stops.isEmpty)

        let submitted = harness.submitted(swarmID, job: Self.job)
        #expect(submitted.stops == [.force], "the job is cancelled as soon as it exists")
        let deadline = try #require(
            submitted.deadline(of: .drainDeadline(swarmID)),
            "without a deadline the swarm would stay terminating forever")
        harness.now = deadline
        let ended = harness.fire(.drainDeadline(swarmID))
        let terminated = try #require(ended.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.requestID == "term-early")
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
    }

    @Test(
        "a terminate before submission still answers its request id when the launch then fails; the launch is answered once"
    )
    func terminateBeforeSubmissionThenLaunchFails() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1, id: "launch-1")
        try harness.command("swarm_terminate", id: "term-early", payload: Self.terminate(swarmID))
        let effects = harness.handle { .launchFailed(swarmID, reason: "no resources", at: $0) }
        #expect(effects.rejections.isEmpty, "the launch was already answered when the terminate arrived")
        #expect(effects.broadcastEvents.compactMap(\.terminated).first?.requestID == "term-early")
    }

    @Test("a terminate while the workers start answers the launch, and the swarm ends with the terminate's request id")
    func terminateWhileStarting() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2, id: "launch-s")
        harness.submitted(swarmID, job: Self.job)
        try harness.workerStarted(job: Self.job, node: 0)
        let terminate = try harness.command("swarm_terminate", id: "term-s", payload: Self.terminate(swarmID))
        #expect(terminate.rejections.map(\.requestID) == ["launch-s"])
        #expect(terminate.stops == [.graceful])

        let late = try harness.workerStarted(job: Self.job, node: 1)
        #expect(late.broadcastEvents.compactMap(\.launched).isEmpty, "a terminating swarm is never announced")
        try harness.workerCompleted(job: Self.job, node: 0)
        let ended = try harness.workerCompleted(job: Self.job, node: 1)
        #expect(ended.rejections.isEmpty, "no second answer to the launch")
        #expect(ended.broadcastEvents.compactMap(\.terminated).first?.requestID == "term-s")
    }

    @Test("a new relay is told to watch every live job from the persisted cursors and gets the in-flight appends again")
    func relayReadyRewatchesAndResends() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let otherJob: JobID = "local_33334444"
        let other = try harness.runningSwarm(nodes: 1, job: otherJob, id: "launch-2")
        let endedJob: JobID = "local_55556666"
        _ = try harness.runningSwarm(nodes: 1, job: endedJob, id: "launch-3")
        try harness.workerCompleted(job: endedJob, node: 0)

        let first = try harness.command(
            "inject", id: "a", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": 0, "content": "one"])
        try harness.command(
            "inject", id: "b", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": 0, "content": "two"])
        let inFlight = try #require(first.appendRequests.first)
        let otherInject = try harness.command(
            "inject", id: "c", payload: ["swarm_id": .string(other.rawValue), "content": "three"])
        let otherInFlight = try #require(otherInject.appendRequests.first)

        harness.handle { .relayStopped(site: "local", reason: "exit status 137", at: $0) }
        let effects = harness.handle { .relayEvent(site: "local", .ready(base: "/state/local", pid: 999), at: $0) }

        func cursors(_ job: JobID, nodes: Int) -> [OutboxCursor] {
            (0..<nodes).compactMap {
                harness.snapshot.cursors["local/\(MailboxLayout.fileName(jobID: job, nodeID: $0))"]
            }
        }
        #expect(cursors(Self.job, nodes: 2).count == 2)
        #expect(cursors(Self.job, nodes: 2).allSatisfy { $0.offset > 0 })
        #expect(
            effects.relayRequests == [
                .watch(jobID: Self.job, nodeCount: 2, cursors: cursors(Self.job, nodes: 2)),
                .watch(jobID: otherJob, nodeCount: 1, cursors: cursors(otherJob, nodes: 1)),
                .append(id: inFlight.id, jobID: Self.job, nodeID: 0, line: inFlight.line),
                .append(id: otherInFlight.id, jobID: otherJob, nodeID: 0, line: otherInFlight.line),
            ])
        #expect(
            effects.events.allSatisfy { if case .notice = $0 { true } else { false } },
            "a relay restart shows clients at most a notice, never swarm events")

        let delivered = harness.appended(inFlight.id)
        #expect(delivered.broadcastEvents.compactMap(\.injectDelivered).map(\.requestID) == ["a"])
        #expect(delivered.appendRequests.count == 1, "the queued append follows once the re-sent one is acknowledged")
    }

    @Test("a job seen finished closes its swarm after the drain deadline, with a reason")
    func jobFinishedDrains() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings(drainSeconds: 2))
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let observed = harness.handle {
            .jobsObserved(provider: "slurm", [Self.job: JobObservation(state: "COMPLETED", isFinished: true)], at: $0)
        }
        #expect(observed.timers == [.drainDeadline(swarmID), .providerPoll("slurm")], "and the next poll is armed")
        #expect(observed.deadline(of: .drainDeadline(swarmID)) == harness.now.addingTimeInterval(2))
        #expect(observed.contains(.persist))
        #expect(observed.events.isEmpty)
        let repeated = harness.handle {
            .jobsObserved(provider: "slurm", [Self.job: JobObservation(state: "COMPLETED", isFinished: true)], at: $0)
        }
        #expect(repeated.timers == [.providerPoll("slurm")], "the drain is armed once")

        try harness.workerCompleted(job: Self.job, node: 0)
        harness.advance(by: 2)
        let ended = harness.fire(.drainDeadline(swarmID))
        #expect(ended.eventNames == ["node_ended", "swarm_terminated"])
        let terminated = try #require(ended.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.requestID == .null)
        #expect(terminated.reason == "job ended (state COMPLETED); workers are gone")
        #expect(terminated.slurmState == "COMPLETED")
        #expect(harness.fire(.drainDeadline(swarmID)).isEmpty)
    }

    @Test("a job that finishes before its workers start rejects the launch")
    func jobFinishedWhileStarting() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1, id: "launch-f")
        harness.submitted(swarmID, job: Self.job)
        harness.handle {
            .jobsObserved(provider: "slurm", [Self.job: JobObservation(state: "FAILED", isFinished: true)], at: $0)
        }
        let effects = harness.fire(.drainDeadline(swarmID))
        #expect(effects.rejections.map(\.requestID) == ["launch-f"])
        #expect(
            effects.rejections.first?.reason.contains("the job ended before its workers started (state FAILED)") == true
        )
    }

    @Test("the retention sweep forgets swarms that ended long ago, with their cursors, and keeps the rest")
    func retentionSweep() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings(endedRetentionSeconds: 100))
        let live = try harness.runningSwarm(nodes: 1, job: Self.job)
        let endedJob: JobID = "local_99990000"
        let ended = try harness.runningSwarm(nodes: 1, job: endedJob, id: "launch-2")
        try harness.workerCompleted(job: endedJob, node: 0)
        harness.advance(by: 50)
        #expect(!harness.fire(.retentionSweep).contains(.persist), "not yet expired")
        harness.advance(by: 51)
        let effects = harness.fire(.retentionSweep)
        #expect(effects.contains(.persist))
        #expect(effects.timers == [.retentionSweep])
        #expect(harness.snapshot.swarms.values.map(\.id) == [live])
        #expect(!harness.snapshot.cursors.keys.contains { $0.contains(endedJob.rawValue) })
        let replay = try harness.command(
            "events_replay", id: "r", payload: ["since_seq": 0, "swarm_id": .string(ended.rawValue)])
        #expect(replay.rejections.count == 1, "a forgotten swarm is unknown")
    }

    @Test("Slurm workers ending on their own: the swarm ends with Slurm's final state from the next poll")
    func slurmFinalStateFromPoll() throws {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(
                defaultProvider: "slurm", availableProviders: ["slurm"], defaultPartition: "gpu"))
        harness.site = "slurm"
        let swarmID = try harness.runningSwarm(nodes: 1, job: "272900")
        let completed = try harness.workerCompleted(job: "272900", node: 0)
        #expect(completed.broadcastEvents.compactMap(\.terminated).isEmpty, "wait for the scheduler's word")
        #expect(completed.timers == [.drainDeadline(swarmID)])
        let observed = harness.handle {
            .jobsObserved(
                provider: "slurm", ["272900": JobObservation(state: "CANCELLED", isFinished: true, reason: "None")],
                at: $0)
        }
        let terminated = try #require(observed.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.slurmState == "CANCELLED")
        #expect(terminated.reason == "job cancelled in Slurm (scancel); workers drained on SIGTERM")
        #expect(observed.contains(.relay(site: "slurm", .unwatch(jobID: "272900"))))
        #expect(harness.snapshot.swarms.values.first { $0.id == swarmID }?.status == .terminated)
    }

    @Test("Slurm workers ended but the job lingers: at the deadline the allocation is released and the swarm ends")
    func slurmReleasesAllocation() throws {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(
                defaultProvider: "slurm", availableProviders: ["slurm"], defaultPartition: "gpu"))
        harness.site = "slurm"
        let swarmID = try harness.runningSwarm(nodes: 1, job: "272900")
        try harness.workerCompleted(job: "272900", node: 0)
        harness.advance(by: 15)
        let effects = harness.fire(.drainDeadline(swarmID))
        #expect(effects.contains(.stopJob("272900", provider: "slurm", mode: .force)))
        #expect(effects.contains(.relay(site: "slurm", .unwatch(jobID: "272900"))))
        #expect(harness.snapshot.swarms.values.first { $0.id == swarmID }?.status == .terminated)
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Launch: accepted, submitted, workers starting, `swarm_launched`, the system prompt; and every way it fails.
@Suite("RouterCore launch")
struct RouterCoreLaunchTests {
    static let job: JobID = "local_0a1b2c3d"

    @Test("a launch is accepted with progress, a launch effect, a timeout and a persist")
    func launchAccepted() throws {
        var harness = RouterCoreHarness()
        var ids = IDGenerator(seed: 7)
        let (swarmID, effects) = try harness.launch(nodes: 2, systemPrompt: "Be brief.")
        let at = harness.now

        #expect(swarmID.rawValue == ids.next(), "swarm ids come from the snapshot's seeded generator")
        #expect(
            effects == [
                .broadcast(
                    EventEnvelope(
                        date: at,
                        event: .swarmLaunchProgress(
                            SwarmLaunchProgress(
                                requestID: "launch-1", swarmID: swarmID, stage: "accepted",
                                message: "launching 2 node(s) with the local provider", nodeCount: 2)))),
                .launch(
                    swarmID,
                    LaunchPlan(
                        provider: "local", nodes: 2, partition: nil, time: nil, account: nil, qos: nil,
                        jobID: JobID("local_" + String(ids.next().prefix(8))), token: swarmID.rawValue)),
                .scheduleTimer(.launchTimeout(swarmID), at: at.addingTimeInterval(600)),
                .persist,
            ])
        let swarm = try #require(harness.snapshot.swarms.values.first)
        #expect(swarm.status == .starting)
        #expect(swarm.jobID == nil)
        #expect(swarm.launchRequestID == "launch-1")
    }

    @Test("submission starts watching the job's outbox and reports progress")
    func submission() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2)
        harness.advance(by: 1)
        let effects = harness.submitted(swarmID, job: Self.job)

        #expect(
            effects == [
                .relay(site: "local", .watch(jobID: Self.job, nodeCount: 2, cursors: [])),
                .broadcast(
                    EventEnvelope(
                        date: harness.now,
                        event: .swarmLaunchProgress(
                            SwarmLaunchProgress(
                                requestID: "launch-1", swarmID: swarmID, jobID: Self.job, stage: "submitted",
                                message: "job local_0a1b2c3d submitted; waiting for 2 worker(s) to start",
                                nodesStarted: 0,
                                nodeCount: 2)))),
                .persist,
            ])
    }

    @Test("each worker start is progress; the last one announces the swarm, then injects the system prompt per node")
    func workersStartThenAnnounceThenSystemPrompt() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2, systemPrompt: "Be brief.", id: "launch-9")
        harness.submitted(swarmID, job: Self.job)

        let first = try harness.workerStarted(job: Self.job, node: 0)
        #expect(first.eventNames == ["node_started", "swarm_launch_progress"])
        #expect(first.streamEvents.first?.body == .nodeStarted(hostname: "node0"))
        #expect(first.streamEvents.first?.injectionID == nil)
        let progress = try #require(first.broadcastEvents.compactMap(\.launchProgress).first)
        #expect(progress.stage == "workers_starting")
        #expect(progress.nodesStarted == 1)
        #expect(progress.nodeCount == 2)
        #expect(progress.requestID == "launch-9")
        #expect(first.appendRequests.isEmpty)

        let last = try harness.workerStarted(job: Self.job, node: 1)
        #expect(last.eventNames == ["node_started", "swarm_launched", "inject_ack", "inject_ack"])
        let launched = try #require(last.broadcastEvents.compactMap(\.launched).first)
        #expect(
            launched
                == SwarmLaunched(
                    requestID: "launch-9", swarmID: swarmID, jobID: Self.job, nodeCount: 2, provider: "local"))
        let acks = last.broadcastEvents.compactMap(\.injectAck)
        #expect(acks.map(\.nodeID) == [0, 1])
        #expect(acks.allSatisfy { $0.requestID == "launch-9" && $0.prompt == "Be brief." && $0.swarmID == swarmID })

        let appends = last.appendRequests
        #expect(appends.map(\.nodeID) == [0, 1])
        #expect(appends.map(\.jobID) == [Self.job, Self.job])
        for (append, ack) in zip(appends, acks) {
            let inbox = try WireCoding.decode(InboxLine.self, from: append.line)
            #expect(inbox == InboxLine(userContent: "Be brief.", injectionID: ack.injectionID, mode: .steer))
        }
        // Effects keep the order ack → its append, node by node, and end with a persist.
        #expect(last.last == .persist)

        let delivered = harness.appended(appends[0].id)
        #expect(delivered.broadcastEvents.compactMap(\.injectDelivered).map(\.requestID) == ["launch-9"])
        #expect(delivered.broadcastEvents.compactMap(\.injectDelivered).map(\.injectionID) == [acks[0].injectionID])
        #expect(harness.snapshot.swarms.values[0].status == .running)
        #expect(harness.snapshot.swarms.values[0].isAnnounced)
    }

    @Test("an empty system prompt announces the swarm without injecting anything")
    func emptySystemPrompt() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1, systemPrompt: "")
        harness.submitted(swarmID, job: Self.job)
        let effects = try harness.workerStarted(job: Self.job, node: 0)
        #expect(effects.eventNames == ["node_started", "swarm_launched"])
        #expect(effects.appendRequests.isEmpty)
    }

    @Test("a provider failure rejects the launch's request id and ends the swarm")
    func launchFailure() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2, id: "launch-x")
        let effects = harness.handle {
            .launchFailed(swarmID, reason: "sbatch: error: invalid partition specified: nope", at: $0)
        }

        let rejection = try #require(effects.rejections.first)
        #expect(rejection.requestID == "launch-x")
        #expect(rejection.reason == "launch failed: sbatch: error: invalid partition specified: nope")
        let terminated = try #require(effects.broadcastEvents.compactMap(\.terminated).first)
        #expect(terminated.swarmID == swarmID)
        #expect(terminated.reason?.hasPrefix("launch failed") == true)
        #expect(effects.stops.isEmpty, "nothing was submitted, so nothing is stopped")
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
    }

    @Test("a launch failure reported after the swarm was announced ends it without answering the launch twice")
    func failureAfterAnnouncement() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let effects = harness.handle { .launchFailed(swarmID, reason: "provider lost the job", at: $0) }
        #expect(effects.rejections.isEmpty)
        #expect(effects.broadcastEvents.compactMap(\.terminated).count == 1)
    }

    @Test("a failure after submission also stops the job")
    func launchFailureAfterSubmission() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1)
        harness.submitted(swarmID, job: Self.job)
        let effects = harness.handle { .launchFailed(swarmID, reason: "workers could not be spawned", at: $0) }
        #expect(effects.stops == [.force])
        #expect(effects.rejections.map(\.requestID) == ["launch-1"])
        #expect(effects.relayRequests.contains(.unwatch(jobID: Self.job)))
    }

    @Test("a launch whose workers do not all start in time is rejected, its job killed and the swarm ended")
    func launchTimeout() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings(launchTimeoutSeconds: 30))
        let (swarmID, accepted) = try harness.launch(nodes: 2, id: "launch-slow")
        #expect(accepted.deadline(of: .launchTimeout(swarmID)) == harness.now.addingTimeInterval(30))
        harness.submitted(swarmID, job: Self.job)
        try harness.workerStarted(job: Self.job, node: 0)
        harness.advance(by: 30)

        let effects = harness.fire(.launchTimeout(swarmID))
        let rejection = try #require(effects.rejections.first)
        #expect(rejection.requestID == "launch-slow")
        #expect(rejection.reason.contains("only 1/2 workers started within 30 s"))
        #expect(effects.stops == [.force])
        #expect(effects.broadcastEvents.compactMap(\.terminated).count == 1)
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        #expect(harness.fire(.launchTimeout(swarmID)).isEmpty, "a second firing does nothing")
    }

    @Test("the launch timeout does nothing once the swarm is running")
    func launchTimeoutAfterRunning() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        #expect(harness.fire(.launchTimeout(swarmID)).isEmpty)
    }

    @Test("scheduler observations while pending become launch progress with Slurm's reason, once per state")
    func pendingProgress() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1)
        harness.submitted(swarmID, job: Self.job)
        let pending = harness.handle {
            .jobsObserved(
                provider: "slurm", [Self.job: JobObservation(state: "PENDING", isFinished: false, reason: "Resources")],
                at: $0)
        }
        let progress = try #require(pending.broadcastEvents.compactMap(\.launchProgress).first)
        #expect(progress.stage == "pending")
        #expect(progress.slurmState == "PENDING")
        #expect(progress.reason == "Resources")
        #expect(progress.message.contains("(Resources)"))
        #expect(pending.contains(.persist))

        let again = harness.handle {
            .jobsObserved(
                provider: "slurm", [Self.job: JobObservation(state: "PENDING", isFinished: false, reason: "Resources")],
                at: $0)
        }
        #expect(again.broadcastEvents.isEmpty, "an unchanged state is not reported again")
    }

    @Test("a launch naming a provider this router lacks is rejected to the sender only")
    func unknownProvider() throws {
        var harness = RouterCoreHarness()
        let effects = try harness.command(
            "swarm_launch", id: "l-1", payload: ["nodes": 1, "provider": "slurm"], from: 3)
        #expect(effects.count == 1)
        let rejection = try #require(effects.sentEvents(to: 3).compactMap(\.rejection).first)
        #expect(rejection.requestID == "l-1")
        #expect(rejection.reason.contains("unknown provider \"slurm\""))
        #expect(rejection.reason.contains("local"))
        #expect(harness.snapshot.swarms.isEmpty)
    }

    @Test("a Slurm launch takes the configured defaults for what it leaves out")
    func slurmDefaults() throws {
        let settings = RouterCoreSettings(
            defaultProvider: "slurm", availableProviders: ["local", "slurm"], defaultPartition: "gpu",
            defaultTime: "00:30:00",
            defaultAccount: "proj", defaultQos: nil)
        var harness = RouterCoreHarness(settings: settings)
        let (swarmID, effects) = try harness.launch(nodes: 3, extra: ["qos": "high", "time": "02:00:00"])
        #expect(
            effects.contains(
                .launch(
                    swarmID,
                    LaunchPlan(
                        provider: "slurm", nodes: 3, partition: "gpu", time: "02:00:00", account: "proj", qos: "high",
                        token: swarmID.rawValue)))
        )
        let (localID, local) = try harness.launch(nodes: 1, id: "launch-2", extra: ["provider": "local"])
        let plannedJob = try #require(harness.snapshot.swarms.values.first { $0.id == localID }?.plannedJobID)
        #expect(plannedJob.rawValue.hasPrefix("local_"), "a local launch's job id is chosen before anything starts")
        #expect(
            local.contains(
                .launch(
                    localID,
                    LaunchPlan(
                        provider: "local", nodes: 1, partition: nil, time: nil, account: nil, qos: nil,
                        jobID: plannedJob, token: localID.rawValue))
            ))
    }

    @Test("a submission that arrives after the launch already failed stops the orphaned job")
    func lateSubmissionAfterFailure() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1)
        harness.advance(by: 600)
        harness.fire(.launchTimeout(swarmID))
        #expect(harness.snapshot.swarms.values[0].status == .terminated)

        let effects = harness.submitted(swarmID, job: Self.job)
        #expect(effects.stops == [.force], "the job the provider submitted late must not keep running")
        #expect(
            !effects.relayRequests.contains(.watch(jobID: Self.job, nodeCount: 1, cursors: [])),
            "an ended swarm is not watched")
        #expect(
            effects.broadcastEvents.compactMap(\.launchProgress).isEmpty, "an ended swarm reports no launch progress")
    }

    @Test("workers that all end before the swarm is announced reject the launch's request id")
    func workersEndBeforeAnnouncement() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2, id: "launch-doomed")
        harness.submitted(swarmID, job: Self.job)
        try harness.workerStarted(job: Self.job, node: 0)
        try harness.workerCompleted(job: Self.job, node: 0, reason: "agent_restart_limit")
        let effects = try harness.workerCompleted(job: Self.job, node: 1, reason: "agent_restart_limit")

        let rejection = try #require(effects.rejections.first, "the launch must get an answer")
        #expect(rejection.requestID == "launch-doomed")
        #expect(rejection.reason.contains("agent_restart_limit"))
        #expect(effects.broadcastEvents.compactMap(\.terminated).count == 1)
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Slurm requeues (`scontrol requeue`, preemption with `--requeue`): the same job id runs again, and the swarm is
/// followed through it, its new workers reopening their threads as in a resume.
@Suite("RouterCore requeue")
struct RouterCoreRequeueTests {
    static let job: JobID = "500"

    /// A 2-node Slurm swarm on `job`, each node on thread `thr-<n>`, node 0 mid-turn; returns its id and the turn's
    /// injection.
    static func running(_ harness: inout RouterCoreHarness) throws -> (SwarmID, InjectionID) {
        let (swarmID, _) = try harness.launch(nodes: 2)
        harness.submitted(swarmID, job: job)
        for node in 0..<2 {
            try harness.workerStarted(job: job, node: node)
            try harness.thread(job: job, node: node, id: "thr-\(node)")
        }
        #expect(harness.snapshot.swarms.values[0].status == .running)
        let working = try #require(try harness.injectDelivered(swarmID, nodes: [0], content: "work", id: "a")[0])
        try harness.rpc(job: job, node: 0, injection: working, AppServer.turnStarted(turn: "t0"))
        return (swarmID, working)
    }

    static func observe(_ harness: inout RouterCoreHarness, _ state: String) -> [RouterEffect] {
        harness.handle {
            .jobsObserved(
                provider: "slurm", [job: JobObservation(state: state, isFinished: false, reason: "BeginTime")], at: $0)
        }
    }

    /// The job runs again: each node's new worker writes `start` and reopens its thread.
    static func runsAgain(_ harness: inout RouterCoreHarness) throws -> [RouterEffect] {
        var effects: [RouterEffect] = []
        for node in 0..<2 { effects += try harness.workerStarted(job: job, node: node) }
        for node in 0..<2 { effects += try harness.thread(job: job, node: node, id: "thr-\(node)", resumed: true) }
        return effects
    }

    @Test("a poll that sees the running swarm's job PENDING again follows it: same job id, threads reopened")
    func pollSeesRequeue() throws {
        var harness = RouterCoreAutoResumeTests.slurmHarness(autoResume: 3)
        let (swarmID, working) = try Self.running(&harness)

        let seen = Self.observe(&harness, "PENDING")
        let notice = try #require(seen.broadcastEvents.compactMap(\.launchProgress).first { $0.stage == "requeued" })
        #expect(notice.jobID == Self.job)
        #expect(harness.snapshot.swarms.values[0].status == .starting)
        #expect(harness.snapshot.swarms.values[0].resume?.cause == .requeue)
        #expect(harness.snapshot.swarms.values[0].endedJobs.last?.cause == .requeued)
        #expect(harness.snapshot.swarms.values[0].resumeSummary()?.state == "pending")

        // The requeue killed the workers: they drain (node 0's turn interrupted) and complete; nothing ends the swarm.
        try harness.completed(job: Self.job, node: 0, interrupted: working, drainSeconds: 0.4)
        let drained = try harness.workerCompleted(job: Self.job, node: 1)
        #expect(!drained.eventNames.contains("swarm_terminated"), "a requeued swarm does not end")
        #expect(!drained.timers.contains(.autoResume(swarmID)), "Slurm runs it again, no resume is needed")
        #expect(
            harness.snapshot.swarms.values[0].endedJobs.last?.interrupted == [
                InterruptedTurn(nodeID: 0, injectionID: working)
            ]
        )

        let back = try Self.runsAgain(&harness)
        let resumed = try #require(back.broadcastEvents.compactMap(\.resumed).first)
        #expect(resumed.cause == "requeue")
        #expect(resumed.jobID == Self.job)
        #expect(resumed.previousJobID == Self.job)
        #expect(
            resumed.nodes == [
                NodeResumeOutcome(nodeID: 0, threadID: "thr-0", resumed: true),
                NodeResumeOutcome(nodeID: 1, threadID: "thr-1", resumed: true),
            ])
        #expect(resumed.interrupted == [InterruptedTurn(nodeID: 0, injectionID: working)])
        #expect(harness.snapshot.swarms.values[0].status == .running)
        #expect(harness.snapshot.swarms.values[0].jobChain()?.map(\.jobID) == [Self.job, Self.job])
        #expect(harness.snapshot.swarms.values[0].jobChain()?.first?.cause == "requeued")
    }

    @Test("a second start line for a node is a requeue even before any poll saw one; the killed node's turn is held")
    func secondStartIsRequeue() throws {
        var harness = RouterCoreAutoResumeTests.slurmHarness()
        let (_, working) = try Self.running(&harness)

        // Node 0's worker was killed without `complete`; its successor starts on the same job.
        let again = try harness.workerStarted(job: Self.job, node: 0)
        #expect(again.broadcastEvents.compactMap(\.launchProgress).contains { $0.stage == "requeued" })
        #expect(harness.snapshot.swarms.values[0].resume?.cause == .requeue)
        let ended = again.streamEvents.filter {
            if case .turnComplete(let status, _) = $0.body { status == "interrupted" } else { false }
        }
        #expect(ended.map(\.injectionID) == [working], "the killed worker's turn ended interrupted, not failed")
        #expect(harness.snapshot.swarms.values[0].nodes[0].isEnded == false, "the node runs again")

        try harness.workerCompleted(job: Self.job, node: 1)
        try harness.workerStarted(job: Self.job, node: 1)
        for node in 0..<2 { try harness.thread(job: Self.job, node: node, id: "thr-\(node)", resumed: true) }
        #expect(harness.snapshot.swarms.values[0].status == .running)
        #expect(harness.snapshot.swarms.values[0].endedJobs.count == 1, "one requeue recorded, not one per node")
    }

    @Test("a finished job, or a local swarm's restarted worker, is not taken for a requeue")
    func notARequeue() throws {
        var harness = RouterCoreAutoResumeTests.slurmHarness()
        _ = try Self.running(&harness)
        let finished = harness.handle {
            .jobsObserved(
                provider: "slurm", [Self.job: JobObservation(state: "COMPLETED", isFinished: true, reason: "None")],
                at: $0)
        }
        #expect(!finished.broadcastEvents.compactMap(\.launchProgress).contains { $0.stage == "requeued" })
        #expect(harness.snapshot.swarms.values[0].resume == nil)

        var local = RouterCoreHarness()
        _ = try local.runningSwarm(nodes: 1, job: "local_aaaa0001")
        let restarted = try local.workerStarted(job: "local_aaaa0001", node: 0)
        #expect(!restarted.broadcastEvents.compactMap(\.launchProgress).contains { $0.stage == "requeued" })
        #expect(local.snapshot.swarms.values[0].resume == nil)
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Issue 10 in the core: durable threads per node, `swarm_resume` on a new job, prompts held across the gap and
/// delivered in order, interrupted turns reported, terminate never holding anything.
@Suite("RouterCore resume")
struct RouterCoreResumeTests {
    static let first: JobID = "local_aaaa0001"
    static let second: JobID = "local_aaaa0002"

    static func resumePayload(_ swarmID: SwarmID, extra: [String: JSONValue] = [:]) -> JSONValue {
        var payload: [String: JSONValue] = ["swarm_id": .string(swarmID.rawValue)]
        payload.merge(extra) { _, new in new }
        return .object(payload)
    }

    /// Resumes `swarmID` and returns the effects and the launch plan it asked for.
    static func resume(_ harness: inout RouterCoreHarness, _ swarmID: SwarmID, id: JSONValue = "resume-1") throws -> (
        [RouterEffect], LaunchPlan
    ) {
        let effects = try harness.command("swarm_resume", id: id, payload: resumePayload(swarmID))
        #expect(effects.rejections.isEmpty, "resume rejected: \(effects.rejections)")
        let plan = try #require(
            effects.compactMap { effect -> LaunchPlan? in
                if case .launch(let id, let plan) = effect, id == swarmID { return plan }
                return nil
            }.first, "no launch effect")
        return (effects, plan)
    }

    @Test("each node's thread is recorded from its thread line, journaled, and shown in swarm_status")
    func threadRecorded() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.first)
        let effects = try harness.thread(job: Self.first, node: 1, id: "thr-1", path: "/home/r-1.jsonl")
        #expect(
            effects.streamEvents.map(\.body) == [
                .agentThread(threadID: "thr-1", rolloutPath: "/home/r-1.jsonl", resumed: false, reason: nil)
            ])
        #expect(!effects.contains(.persist), "the journal rebuilds it (NodeRecord.apply)")
        #expect(harness.snapshot.swarms.values[0].nodes[1].thread?.id == "thr-1")
        let status = try harness.command(
            "swarm_status", id: "s", payload: ["swarm_id": .string(swarmID.rawValue), "include_nodes": true])
        guard case .swarmStatus(let reply) = status.sentEvents(to: 1).first else {
            Issue.record("no swarm_status reply")
            return
        }
        #expect(reply.nodes?[1].threadID == "thr-1")
        #expect(reply.nodes?[0].threadID == nil)
        // A restart finds it again.
        let restarted = try harness.restarted()
        #expect(restarted.snapshot.swarms.values[0].nodes[1].thread?.id == "thr-1")
    }

    @Test("resume: same swarm, a new job, each node reopens its thread, held prompts follow in order, once each")
    func resumeAfterTheJobEnded() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.first)
        try harness.thread(job: Self.first, node: 0, id: "thr-0")
        try harness.thread(job: Self.first, node: 1, id: "thr-1")
        // Node 0 runs a turn; node 1 has a prompt delivered that never starts, and one still on its way.
        let working = try #require(try harness.injectDelivered(swarmID, nodes: [0], content: "work", id: "a")[0])
        try harness.rpc(job: Self.first, node: 0, injection: working, AppServer.turnStarted(turn: "t0"))
        let one = try #require(try harness.injectDelivered(swarmID, nodes: [1], content: "one", id: "b")[1])
        let sent = try harness.command(
            "inject", id: "c", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": [1], "content": "two"])
        let two = try #require(sent.broadcastEvents.compactMap(\.injectAck).first?.injectionID)

        // The drain (Slurm's TERM@60, or the workers SIGTERMed): node 0's turn is interrupted, both complete.
        try harness.rpc(
            job: Self.first, node: 0, injection: working, AppServer.turnCompleted(turn: "t0", status: "interrupted"))
        try harness.completed(job: Self.first, node: 0, interrupted: working, drainSeconds: 1.5)
        let end = try harness.workerCompleted(job: Self.first, node: 1)
        #expect(end.broadcastEvents.compactMap(\.injectDeferred).map(\.injectionID) == [one, two])
        #expect(end.broadcastEvents.compactMap(\.injectFailed).isEmpty)
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        let chain = try #require(harness.snapshot.swarms.values[0].jobChain())
        #expect(chain.map(\.jobID) == [Self.first])
        #expect(chain.first?.endedReason == "workers stopped by SIGTERM")
        #expect(chain.first?.interrupted == [InterruptedTurn(nodeID: 0, injectionID: working)])

        let (resumed, plan) = try Self.resume(&harness, swarmID)
        #expect(plan.token == "\(swarmID.rawValue)-r1", "a token of its own, so recovery never finds the old job")
        #expect(plan.workspaceJobID == Self.first, "the nodes work in their first job's folders")
        #expect(plan.carryInboxFrom == Self.first, "the new workers carry the old inbox's unstarted lines over")
        #expect(plan.nodes == 2)
        let planned = try #require(plan.jobID)
        #expect(planned != Self.first)
        #expect(resumed.contains(.persist))
        #expect(resumed.broadcastEvents.compactMap(\.launchProgress).first?.requestID == "resume-1")
        #expect(harness.snapshot.swarms.values[0].status == .starting)
        #expect(harness.snapshot.swarms.values[0].resumeSummary()?.state == "submitting")

        let submitted = harness.submitted(swarmID, job: Self.second)
        #expect(submitted.relayRequests == [.watch(jobID: Self.second, nodeCount: 2, cursors: [])])
        #expect(submitted.appendRequests.isEmpty, "held prompts wait until their node has reopened its thread")
        for node in 0..<2 {
            let started = try harness.workerStarted(job: Self.second, node: node)
            #expect(started.broadcastEvents.compactMap(\.resumed).isEmpty)
            #expect(started.appendRequests.isEmpty)
        }
        let quiet = try harness.thread(job: Self.second, node: 0, id: "thr-0", resumed: true)
        #expect(quiet.appendRequests.isEmpty, "node 0 held nothing")
        #expect(quiet.broadcastEvents.compactMap(\.resumed).isEmpty, "node 1 has not reopened its thread yet")

        let back = try harness.thread(job: Self.second, node: 1, id: "thr-1", resumed: true)
        // `one` reached the old inbox: the worker carries it over. `two` may not have: it is sent again.
        let append = try #require(back.appendRequests.first)
        #expect(back.appendRequests.count == 1)
        #expect(append.jobID == Self.second)
        #expect(append.nodeID == 1)
        #expect(try WireCoding.decode(InboxLine.self, from: append.line).injectionID == two)
        let announcement = try #require(back.broadcastEvents.compactMap(\.resumed).first)
        #expect(
            announcement
                == SwarmResumed(
                    requestID: "resume-1", swarmID: swarmID, jobID: Self.second, previousJobID: Self.first,
                    nodeCount: 2, provider: "local", cause: "manual",
                    nodes: [
                        NodeResumeOutcome(nodeID: 0, threadID: "thr-0", resumed: true),
                        NodeResumeOutcome(nodeID: 1, threadID: "thr-1", resumed: true),
                    ], deliveredHeld: 2, interrupted: [InterruptedTurn(nodeID: 0, injectionID: working)]))
        #expect(harness.snapshot.swarms.values[0].status == .running)

        #expect(harness.appended(1000).events.isEmpty, "a late answer for the old append counts for nothing")
        let delivered = harness.appended(append.id)
        #expect(delivered.broadcastEvents.compactMap(\.injectDelivered).map(\.injectionID) == [two])
        // The carried prompt runs first on the new job, as the worker reads it first.
        try harness.demoTurn(job: Self.second, node: 1, injection: one, turn: "t1", deltas: ["1"], totalTokens: 5)
        #expect(harness.snapshot.swarms.values[0].nodes[1].unstartedInjections?.map(\.injectionID) == [two])
        #expect(harness.snapshot.swarms.values[0].nodes[1].appendQueue.isEmpty)
        #expect(harness.snapshot.swarms.values[0].jobChain()?.map(\.jobID) == [Self.first, Self.second])
    }

    @Test("a node whose thread cannot be reopened starts fresh, is reported so, and gets the system prompt first")
    func freshNodeGetsTheSystemPrompt() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.first, systemPrompt: "You are node-aware.")
        try harness.thread(job: Self.first, node: 0, id: "thr-0")
        try harness.thread(job: Self.first, node: 1, id: "thr-1")
        for ack in harness.journal.compactMap({ $0.event.injectAck }) {
            try harness.demoTurn(
                job: Self.first, node: ack.nodeID, injection: ack.injectionID, turn: "sys-\(ack.nodeID)",
                deltas: ["ok"], totalTokens: 10)
        }
        let held = try #require(try harness.injectDelivered(swarmID, nodes: [1], content: "later", id: "h")[1])
        try harness.workerCompleted(job: Self.first, node: 0)
        try harness.workerCompleted(job: Self.first, node: 1)

        _ = try Self.resume(&harness, swarmID)
        harness.submitted(swarmID, job: Self.second)
        try harness.workerStarted(job: Self.second, node: 0)
        try harness.workerStarted(job: Self.second, node: 1)
        try harness.thread(job: Self.second, node: 0, id: "thr-0", resumed: true)
        let fresh = try harness.thread(
            job: Self.second, node: 1, id: "thr-new", resumed: false,
            error: "the agent could not resume thread thr-1: no rollout found for thread id thr-1")
        #expect(
            fresh.streamEvents.first?.body
                == .agentThread(
                    threadID: "thr-new", rolloutPath: nil, resumed: false,
                    reason: "the agent could not resume thread thr-1: no rollout found for thread id thr-1"))
        let append = try #require(fresh.appendRequests.first)
        let line = try WireCoding.decode(InboxLine.self, from: append.line)
        #expect(line.content == "You are node-aware.", "a new thread learns its role")
        #expect(fresh.broadcastEvents.compactMap(\.injectAck).first?.requestID == "launch-1")
        let outcome = try #require(fresh.broadcastEvents.compactMap(\.resumed).first)
        #expect(outcome.nodes[0] == NodeResumeOutcome(nodeID: 0, threadID: "thr-0", resumed: true))
        #expect(outcome.nodes[1].resumed == false)
        #expect(outcome.nodes[1].reason?.contains("no rollout found") == true)
        #expect(harness.appended(append.id).appendRequests.isEmpty, "the held prompt comes from the old inbox")
        #expect(harness.snapshot.swarms.values[0].nodes[1].openInjections.contains(held))
    }

    @Test("an injection sent while the job is ending is held for its stopped node and delivered after the resume")
    func injectWhileEnding() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.first)
        try harness.workerCompleted(job: Self.first, node: 0)  // The drain has reached node 0; node 1 still runs.
        let effects = try harness.command(
            "inject", id: "late", payload: ["swarm_id": .string(swarmID.rawValue), "content": "while ending"])
        #expect(effects.rejections.isEmpty)
        #expect(
            effects.eventNames.filter { $0.hasPrefix("inject") } == ["inject_ack", "inject_deferred", "inject_ack"])
        #expect(effects.appendRequests.map(\.nodeID) == [1], "the running node still gets it now")
        let deferred = try #require(effects.broadcastEvents.compactMap(\.injectDeferred).first)
        #expect(deferred.nodeID == 0)
        #expect(deferred.error?.contains("codeswarm resume \(swarmID)") == true)
        harness.appended(try #require(effects.appendRequests.first).id)
        let last = try harness.workerCompleted(job: Self.first, node: 1)
        #expect(last.broadcastEvents.compactMap(\.injectDeferred).map(\.nodeID) == [1])
        #expect(harness.snapshot.swarms.values[0].status == .terminated)

        _ = try Self.resume(&harness, swarmID)
        harness.submitted(swarmID, job: Self.second)
        var sent: [Int] = []
        for node in 0..<2 {
            try harness.workerStarted(job: Self.second, node: node)
            let back = try harness.thread(job: Self.second, node: node, id: "thr-\(node)", resumed: true)
            for append in back.appendRequests {
                #expect(try WireCoding.decode(InboxLine.self, from: append.line).content == "while ending")
                sent.append(append.nodeID)
            }
        }
        // Node 0 was down: the router held the prompt and sends it now. Node 1 got it in its old inbox before its
        // worker stopped: its new worker carries it over.
        #expect(sent == [0])
        #expect(harness.snapshot.swarms.values[0].nodes[1].unstartedInjections?.count == 1)
    }

    @Test("terminate never holds: prompts that did not start fail, and the ended swarm says how to resume it")
    func terminateNeverHolds() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.first)
        let waiting = try #require(try harness.injectDelivered(swarmID, content: "never", id: "n")[0])
        try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(swarmID.rawValue)])
        let end = try harness.workerCompleted(job: Self.first, node: 0)
        #expect(end.broadcastEvents.compactMap(\.injectDeferred).isEmpty)
        let closed = end.streamEvents.first { $0.injectionID == waiting }
        #expect(closed?.body == .turnComplete(status: "failed", error: "node ended: sigterm"))
        #expect(harness.snapshot.swarms.values[0].endedJobs.last?.cause == .terminated)
        #expect(harness.snapshot.swarms.values[0].nodes[0].appendQueue.isEmpty)
        #expect(harness.snapshot.swarms.values[0].nodes[0].unstartedInjections?.isEmpty ?? true)
    }

    @Test("resume is refused for a running, terminating or unknown swarm, with what to do instead")
    func resumeRefusals() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.first)
        let running = try harness.command("swarm_resume", id: "r1", payload: Self.resumePayload(swarmID))
        #expect(running.rejections.first?.reason.contains("is running on job \(Self.first)") == true)
        try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(swarmID.rawValue)])
        let terminating = try harness.command("swarm_resume", id: "r2", payload: Self.resumePayload(swarmID))
        #expect(terminating.rejections.first?.reason.contains("is being terminated") == true)
        let unknown = try harness.command("swarm_resume", id: "r3", payload: ["swarm_id": "nope"])
        #expect(unknown.rejections.first?.reason.contains("unknown swarm_id") == true)
        #expect(running.rejections.first?.requestID == "r1")
    }

    @Test("a resume the provider cannot start ends the swarm again, answering the resume, holding its prompts")
    func failedResumeKeepsPrompts() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.first)
        try harness.thread(job: Self.first, node: 0, id: "thr-0")
        try harness.injectDelivered(swarmID, content: "keep me", id: "k")
        try harness.workerCompleted(job: Self.first, node: 0)
        _ = try Self.resume(&harness, swarmID)
        let failed = harness.handle { .launchFailed(swarmID, reason: "sbatch: invalid partition", at: $0) }
        #expect(failed.rejections.map(\.requestID) == ["resume-1"])
        #expect(failed.rejections.first?.reason == "resume failed: sbatch: invalid partition")
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        #expect(
            harness.snapshot.swarms.values[0].nodes[0].unstartedInjections?.count == 1, "still held for the next resume"
        )
        // The next resume carries it over from the last job whose workers ran (the failed one never did).
        let (_, plan) = try Self.resume(&harness, swarmID, id: "resume-2")
        #expect(plan.carryInboxFrom == Self.first)
        #expect(plan.token == "\(swarmID.rawValue)-r2")
        harness.submitted(swarmID, job: Self.second)
        try harness.workerStarted(job: Self.second, node: 0)
        let back = try harness.thread(job: Self.second, node: 0, id: "thr-0", resumed: true)
        let announced = try #require(back.broadcastEvents.compactMap(\.resumed).first)
        #expect(announced.requestID == "resume-2")
        #expect(announced.deliveredHeld == 1)
    }

    @Test("a router restarted mid-resume hands the provider the resume's own launch to adopt or reap")
    func restartMidResume() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.first)
        try harness.workerCompleted(job: Self.first, node: 0)
        _ = try Self.resume(&harness, swarmID)
        var restarted = try harness.restarted(after: 5)
        let effects = restarted.handle { .started(at: $0) }
        let plan = try #require(
            effects.compactMap { effect -> LaunchPlan? in
                if case .recoverLaunch(_, let plan) = effect { return plan }
                return nil
            }.first)
        #expect(plan.token == "\(swarmID.rawValue)-r1")
        #expect(plan.jobID == harness.snapshot.swarms.values[0].plannedJobID)
        #expect(restarted.snapshot.swarms.values[0].resume?.requestID == "resume-1")
    }

    @Test("state written before resume existed decodes: the new fields are all optional")
    func oldStateDecodes() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.first)
        let text = try WireCoding.encodeString(harness.snapshot)
        for key in ["jobHistory", "resume", "resumeCount", "thread", "unstartedInjections", "awaitingThread"] {
            #expect(!text.contains("\"\(key)\""), "\(key) is left out while unset, as an old router wrote it")
        }
        let decoded = try WireCoding.decode(RouterSnapshot.self, from: text)
        #expect(decoded.swarms.values.first?.endedJobs.isEmpty == true)
    }
}

extension RouterCoreHarness {
    /// A `thread` line: the node's agent opened thread `id` (resumed, or a new one and why).
    @discardableResult
    mutating func thread(
        job: JobID, node: Int, id: String, path: String? = nil, resumed: Bool = false, error: String? = nil
    ) throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .thread, jobID: job, nodeID: node, error: error, seq: nextWorkerSeq(job: job, node: node),
                threadID: id, rolloutPath: path, resumed: resumed),
            node: node)
    }

    /// A `complete` line after a drain that interrupted `interrupted`'s turn.
    @discardableResult
    mutating func completed(
        job: JobID, node: Int, reason: String = "sigterm", interrupted: InjectionID?, drainSeconds: Double
    ) throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .complete, jobID: job, nodeID: node, timestamp: WireTimestamp.string(from: now), reason: reason,
                seq: nextWorkerSeq(job: job, node: node), interruptedInjectionID: interrupted,
                drainSeconds: drainSeconds),
            node: node)
    }
}

extension RouterEvent {
    var injectDeferred: InjectionEvent? {
        if case .injectDeferred(let data) = self { return data }
        return nil
    }

    var resumed: SwarmResumed? {
        if case .swarmResumed(let data) = self { return data }
        return nil
    }
}

extension RouterCoreResumeTests {
    @Test("a prompt the worker drops as its job ends is held, not failed; under a terminate it fails as before")
    func droppedPromptHeld() throws {
        for terminating in [false, true] {
            var harness = RouterCoreHarness()
            let swarmID = try harness.runningSwarm(nodes: 1, job: Self.first)
            let queued = try #require(try harness.injectDelivered(swarmID, content: "queued", id: "q")[0])
            if terminating {
                try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(swarmID.rawValue)])
            }
            let dropped = try harness.workerError(
                job: Self.first, node: 0, injection: queued, code: "injection_dropped",
                error: "the worker is stopping; this injection was never started")
            let closed = dropped.streamEvents.contains { $0.body.name == "turn_complete" }
            #expect(closed == terminating, "terminating: \(terminating)")
            let end = try harness.workerCompleted(job: Self.first, node: 0)
            #expect(
                end.broadcastEvents.compactMap(\.injectDeferred).map(\.injectionID) == (terminating ? [] : [queued]))
        }
    }
}

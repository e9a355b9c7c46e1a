import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Issue 7 items 3–5 in the core: dead workers end their injections, launches survive a crash, failed saves hold.
@Suite struct RouterCoreResilienceTests {
    static let job: JobID = "local_5eed0001"

    static func relayReady(_ harness: inout RouterCoreHarness) {
        let site = harness.site
        harness.handle { .relayEvent(site: site, .ready(base: "/base", pid: 42), at: $0) }
    }

    // MARK: - Item 3: a worker that dies without `complete`

    @Test("a worker silent past the limit is presumed dead: its open injection fails, its node ends, injects refuse")
    func silentWorkerEndsItsNode() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings())
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        Self.relayReady(&harness)
        let injections = try harness.injectDelivered(swarmID, content: "go", id: "inj")
        let open = try #require(injections[0])
        try harness.rpc(job: Self.job, node: 0, injection: open, AppServer.turnStarted(turn: "t"))
        try harness.rpc(job: Self.job, node: 0, injection: open, AppServer.delta("half", turn: "t"))

        // Node 1 keeps writing heartbeats; node 0 was killed and says nothing more.
        let silence = harness.settings.workerSilenceSeconds
        harness.advance(by: silence / 2)
        try harness.outbox(
            OutboxRecord(
                type: .heartbeat, jobID: Self.job, nodeID: 1, seq: harness.nextWorkerSeq(job: Self.job, node: 1)),
            node: 1)
        #expect(harness.fire(.livenessCheck).events.isEmpty, "not silent long enough yet")
        harness.advance(by: silence / 2 + 1)
        let effects = harness.fire(.livenessCheck)

        let closed = effects.streamEvents.filter { $0.nodeID == 0 && $0.injectionID == open }
        #expect(closed.map(\.body.name) == ["turn_complete"])
        if case .turnComplete(let status, let error) = closed.first?.body {
            #expect(status == "failed")
            #expect(error?.contains("presumed dead") == true)
        }
        #expect(effects.streamEvents.contains { $0.nodeID == 0 && $0.body.name == "node_ended" })
        #expect(!effects.streamEvents.contains { $0.nodeID == 1 }, "the node that kept its heartbeat carries on")
        #expect(effects.contains(.persist))
        #expect(effects.timers.contains(.livenessCheck), "the check is re-armed")
        #expect(harness.snapshot.swarms.values[0].nodes[0].agentState == .ended)
        #expect(harness.snapshot.swarms.values[0].nodes[1].agentState != .ended)

        let refused = try harness.command(
            "inject", id: "again", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": [0], "content": "x"])
        #expect(refused.rejections.first?.reason.contains("has ended") == true)
    }

    @Test("silence while the relay is down is not the worker's fault; it counts again from the relay's return")
    func relayOutageIsNotWorkerSilence() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        Self.relayReady(&harness)
        harness.handle { .relayStopped(site: "local", reason: "exited", at: $0) }
        harness.advance(by: harness.settings.workerSilenceSeconds * 3)
        #expect(harness.fire(.livenessCheck).events.isEmpty, "no relay, no verdict")
        Self.relayReady(&harness)
        harness.advance(by: harness.settings.workerSilenceSeconds - 1)
        #expect(harness.fire(.livenessCheck).events.filter { $0.name == "node_ended" }.isEmpty)
        harness.advance(by: 2)
        #expect(harness.fire(.livenessCheck).streamEvents.map(\.body.name).contains("node_ended"))
    }

    @Test("a local worker process seen gone ends its node after a short grace, unless its complete arrives")
    func goneProcessEndsNode() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 3, job: Self.job)
        let injections = try harness.injectDelivered(swarmID, content: "go", id: "inj")
        let observation = JobObservation(state: "RUNNING", isFinished: false, endedNodes: [1, 2])
        let seen = harness.handle { .jobsObserved(provider: "local", [Self.job: observation], at: $0) }
        #expect(seen.timers.contains(.nodeGone(swarmID, node: 1)) && seen.timers.contains(.nodeGone(swarmID, node: 2)))
        #expect(seen.deadline(of: .nodeGone(swarmID, node: 1)) == harness.now.addingTimeInterval(2))
        let again = harness.handle { .jobsObserved(provider: "local", [Self.job: observation], at: $0) }
        #expect(!again.timers.contains(.nodeGone(swarmID, node: 1)), "armed once")

        try harness.workerCompleted(job: Self.job, node: 2)  // Node 2's last lines were still on their way.
        harness.advance(by: 2)
        let gone = harness.fire(.nodeGone(swarmID, node: 1))
        let failed = gone.streamEvents.filter { $0.injectionID == injections[1] && $0.body.name == "turn_complete" }
        #expect(failed.count == 1)
        #expect(gone.streamEvents.contains { $0.nodeID == 1 && $0.body.name == "node_ended" })
        #expect(harness.fire(.nodeGone(swarmID, node: 2)).events.isEmpty, "node 2 ended properly")
        #expect(harness.snapshot.swarms.values[0].nodes[0].isEnded == false)
    }

    @Test("a pending inbox append of a node that dies fails with inject_failed")
    func deadNodeFailsQueuedAppends() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        Self.relayReady(&harness)
        // Two injects: the first is in flight to the relay, the second queued behind it.
        try harness.command("inject", id: "a", payload: ["swarm_id": .string(swarmID.rawValue), "content": "one"])
        try harness.command("inject", id: "b", payload: ["swarm_id": .string(swarmID.rawValue), "content": "two"])
        harness.advance(by: harness.settings.workerSilenceSeconds + 1)
        let effects = harness.fire(.livenessCheck)
        #expect(Set(effects.events.compactMap(\.injectFailed).map(\.requestID)) == ["a", "b"])
    }

    // MARK: - Item 4: a crash during launch

    @Test("after a restart, a launch that never learnt its job id is handed to the provider to adopt or reap")
    func unfinishedLaunchRecovered() throws {
        var harness = RouterCoreHarness()
        let (localID, _) = try harness.launch(nodes: 2, id: "l1")
        let planned = try #require(harness.snapshot.swarms.values[0].plannedJobID)
        var restarted = try harness.restarted(after: 1)
        let started = restarted.handle { .started(at: $0) }
        let recoveries = started.compactMap { effect -> (SwarmID, LaunchPlan)? in
            if case .recoverLaunch(let id, let plan) = effect { return (id, plan) }
            return nil
        }
        #expect(recoveries.map(\.0) == [localID])
        #expect(recoveries.first?.1.jobID == planned)
        #expect(recoveries.first?.1.nodes == 2)

        // Adopted: the provider found every worker.
        restarted.submitted(localID, job: planned)
        #expect(restarted.snapshot.swarms.values[0].jobID == planned)

        // Reaped: the provider found a partial launch and stopped it; the launcher gets its answer.
        var other = try harness.restarted(after: 1)
        other.handle { .started(at: $0) }
        let failed = other.handle { .launchFailed(localID, reason: "1 of 2 workers had started; stopped", at: $0) }
        #expect(failed.rejections.map(\.requestID) == ["l1"])
        #expect(other.snapshot.swarms.values[0].status == .terminated)
    }

    @Test("the launch record is saved in the same pass that asks for the launch")
    func launchRecordedBeforeItStarts() throws {
        var harness = RouterCoreHarness()
        let (_, effects) = try harness.launch(nodes: 1)
        let launchIndex = try #require(effects.firstIndex { if case .launch = $0 { true } else { false } })
        #expect(effects.contains(.persist), "the runtime starts `launch` only after saving this pass")
        #expect(launchIndex >= 0)
        #expect(harness.checkpoint.swarms.count == 1, "what a crash right after would restore")
    }

    // MARK: - Item 5: saves that fail

    @Test("while saves fail: one error notice at once, retries with backoff, state changes refused, reads answered")
    func failingSaves() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)

        let first = harness.handle { .saveFailed(reason: "No space left on device", at: $0) }
        let notices = first.compactMap { effect -> RouterNotice? in
            if case .broadcastNow(let envelope) = effect, case .notice(let notice) = envelope.event { return notice }
            return nil
        }
        #expect(notices.map(\.level) == ["error"])
        #expect(notices.first?.message.contains("No space left on device") == true)
        let firstRetry = try #require(first.deadline(of: .saveRetry))
        let second = harness.handle { .saveFailed(reason: "No space left on device", at: $0) }
        #expect(second.broadcastEvents.isEmpty, "told once, not per attempt")
        let secondRetry = try #require(second.deadline(of: .saveRetry))
        #expect(secondRetry.timeIntervalSince(harness.now) > firstRetry.timeIntervalSince(harness.now))
        #expect(harness.fire(.saveRetry) == [.retrySave])

        for (name, payload) in [
            ("inject", ["swarm_id": JSONValue.string(swarmID.rawValue), "content": "x"]),
            ("swarm_launch", ["nodes": 1, "system_prompt": ""]),
            ("swarm_terminate", ["swarm_id": .string(swarmID.rawValue)]),
        ] {
            let refused = try harness.command(name, id: .string(name), payload: .object(payload))
            #expect(refused.count == 1, "\(name): only the rejection")
            if case .sendNow(let envelope, 1) = refused.first, case .commandRejected(let rejection) = envelope.event {
                #expect(rejection.reason.contains("cannot save its state"))
            } else {
                Issue.record("\(name) was not rejected at once: \(refused)")
            }
        }
        let list = try harness.command("swarm_list", id: "ls")
        #expect(list.count == 1)
        if case .sendNow = list.first {} else { Issue.record("reads are answered at once while saves fail") }

        let recovered = harness.handle { .saveRecovered(at: $0) }
        #expect(
            recovered.broadcastEvents.compactMap { if case .notice(let n) = $0 { n.level } else { nil } } == ["info"])
        #expect(harness.fire(.saveRetry).isEmpty, "no retry once saving works")
        #expect(try harness.command("swarm_list", id: "ls2").contains { if case .send = $0 { true } else { false } })
    }

    // MARK: - Polls are the core's decision

    @Test("polls: armed at start per provider, ask only about live jobs, back off when observing fails")
    func pollCadence() throws {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(availableProviders: ["local", "slurm"]))
        let started = harness.handle { .started(at: $0) }
        #expect(started.deadline(of: .providerPoll("local")) == harness.now.addingTimeInterval(0.5))
        #expect(started.deadline(of: .providerPoll("slurm")) == harness.now.addingTimeInterval(5))
        #expect(harness.fire(.providerPoll("local")).timers == [.providerPoll("local")], "no jobs: nothing to ask")

        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        #expect(harness.fire(.providerPoll("local")) == [.observeJobs(provider: "local", jobs: [Self.job])])
        var delays: [TimeInterval] = []
        for _ in 0..<8 {
            let failed = harness.handle { .observationFailed(provider: "local", reason: "timeout", at: $0) }
            delays.append(try #require(failed.deadline(of: .providerPoll("local"))).timeIntervalSince(harness.now))
        }
        #expect(delays.prefix(4) == [1, 2, 4, 8])
        #expect(delays.last == 32, "capped")
        let answered = harness.handle {
            .jobsObserved(provider: "local", [Self.job: JobObservation(state: "RUNNING", isFinished: false)], at: $0)
        }
        #expect(answered.deadline(of: .providerPoll("local")) == harness.now.addingTimeInterval(0.5), "back to normal")
    }
}

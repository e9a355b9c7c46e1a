import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// The snapshot survives `Codable`, and a core restored from it (plus its journal) behaves like the original.
@Suite("RouterCore snapshot and restart")
struct RouterCoreSnapshotTests {
    static let job: JobID = "local_cafe0001"

    /// A harness with a bit of everything: a running swarm mid-turn with queued appends and a pending approval,
    /// a swarm launched without a request id, an ended swarm, cursors and usage.
    static func busyHarness() throws -> (RouterCoreHarness, SwarmID) {
        var harness = RouterCoreHarness(seed: 99)
        let swarmID = try harness.runningSwarm(nodes: 2, job: job, systemPrompt: "system")
        let injections = try harness.injectDelivered(swarmID, content: "first", id: 12)
        let injection = try #require(injections[0])
        try harness.rpc(job: job, node: 0, injection: injection, AppServer.turnStarted(turn: "t1"))
        try harness.rpc(job: job, node: 0, injection: injection, AppServer.delta("par", turn: "t1"))
        try harness.rpc(job: job, node: 0, injection: injection, AppServer.tokenUsage(total: 77, turn: "t1"))
        try harness.rpc(
            job: job, node: 0, injection: injection, AppServer.approvalRequest(id: 3, command: "make", turn: "t1"))
        try harness.command(
            "inject", id: "queued-1",
            payload: ["swarm_id": .string(swarmID.rawValue), "nodes": 1, "content": "in flight"])
        try harness.command(
            "inject", id: "queued-2", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": 1, "content": "queued"])
        let endedJob: JobID = "local_cafe0002"
        _ = try harness.runningSwarm(nodes: 1, job: endedJob, id: "launch-2")
        try harness.workerCompleted(job: endedJob, node: 0)
        let (anonymous, _) = try harness.launch(nodes: 1, id: .null)
        harness.submitted(anonymous, job: "local_cafe0003")
        return (harness, swarmID)
    }

    static func roundTrip(_ snapshot: RouterSnapshot) throws -> RouterSnapshot {
        try WireCoding.decode(RouterSnapshot.self, from: try WireCoding.encode(snapshot))
    }

    @Test("a snapshot survives encoding and decoding unchanged")
    func codableRoundTrip() throws {
        let (harness, _) = try Self.busyHarness()
        let snapshot = harness.snapshot
        #expect(!snapshot.cursors.isEmpty)
        #expect(snapshot.swarms.count == 3)
        #expect(snapshot.swarms.values[0].nodes[1].appendInFlight != nil)
        #expect(snapshot.swarms.values[0].nodes[1].appendQueue.count == 1)
        #expect(snapshot.swarms.values[0].nodes[0].pendingServerRequests.count == 1)
        #expect(snapshot.swarms.values[2].launchRequestID == .null)
        #expect(try Self.roundTrip(snapshot) == snapshot)
    }

    @Test("launch order, not id order, survives a save and a load: the saved form is an array, oldest first")
    func launchOrderSurvivesSaving() throws {
        var harness = RouterCoreHarness(seed: 5)
        var launched: [SwarmID] = []
        for number in 0..<4 {
            launched.append(
                try harness.runningSwarm(
                    nodes: 1, job: JobID("local_0000000\(number)"), id: .string("launch-\(number)")))
        }
        // Otherwise a registry that sorted its ids would pass too.
        try #require(launched != launched.sorted() && launched != launched.sorted().reversed())

        let bytes = try WireCoding.encode(harness.snapshot)
        let saved = try #require(try WireCoding.decode(JSONValue.self, from: bytes)["swarms"]?.arrayValue)
        #expect(saved.map { $0["id"]?.stringValue } == launched.map(\.rawValue))
        let loaded = try WireCoding.decode(RouterSnapshot.self, from: bytes)
        #expect(Array(loaded.swarms.keys) == launched)
        #expect(loaded.swarms.values.map(\.id) == launched)
        #expect(loaded == harness.snapshot)
        #expect(Array(try harness.restarted().snapshot.swarms.keys) == launched)
    }

    @Test("a saved state that lists one swarm twice is refused with an error naming the swarm")
    func duplicateSwarmRefused() throws {
        let (harness, swarmID) = try Self.busyHarness()
        var saved = try #require(
            try WireCoding.decode(JSONValue.self, from: try WireCoding.encode(harness.snapshot)).objectValue)
        let swarms = try #require(saved["swarms"]?.arrayValue)
        let first = try #require(swarms.first)
        #expect(first["id"]?.stringValue == swarmID.rawValue)
        saved["swarms"] = .array(swarms + [first])
        let bytes = try WireCoding.encode(JSONValue.object(saved))
        let error = #expect(throws: DecodingError.self) { try WireCoding.decode(RouterSnapshot.self, from: bytes) }
        #expect("\(String(describing: error))".contains("swarm \(swarmID.rawValue) appears twice in the state file"))
    }

    @Test("a saved state whose nodes are not numbered by position is refused: nodes are found by position")
    func misnumberedNodesRefused() throws {
        let (harness, swarmID) = try Self.busyHarness()
        var saved = try #require(
            try WireCoding.decode(JSONValue.self, from: try WireCoding.encode(harness.snapshot)).objectValue)
        var swarms = try #require(saved["swarms"]?.arrayValue)
        var first = try #require(swarms.first?.objectValue)
        let nodes = try #require(first["nodes"]?.arrayValue)
        try #require(nodes.count == 2)
        first["nodes"] = .array(nodes.reversed())
        swarms[0] = .object(first)
        saved["swarms"] = .array(swarms)
        let bytes = try WireCoding.encode(JSONValue.object(saved))
        let error = #expect(throws: DecodingError.self) { try WireCoding.decode(RouterSnapshot.self, from: bytes) }
        #expect("\(String(describing: error))".contains("the nodes of swarm \(swarmID.rawValue) in the state file"))
    }

    @Test("a core restored from the snapshot and journal produces the same effects for the same inputs")
    func restoredCoreBehavesTheSame() throws {
        var (original, swarmID) = try Self.busyHarness()
        var restored = try original.restarted()

        func both(
            _ step: (inout RouterCoreHarness) throws -> [RouterEffect],
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let expected = try step(&original)
            let actual = try step(&restored)
            #expect(actual == expected, sourceLocation: sourceLocation)
        }
        let injection = try #require(original.snapshot.swarms.values[0].nodes[0].currentInjection)
        try both {
            try $0.rpc(
                job: Self.job, node: 0, injection: injection, AppServer.answer(id: 3, decision: "accept"), toAgent: true
            )
        }
        try both {
            try $0.rpc(job: Self.job, node: 0, injection: injection, AppServer.tokenUsage(total: 77, turn: "t1"))
        }
        try both {
            try $0.rpc(job: Self.job, node: 0, injection: injection, AppServer.agentMessage("partial", turn: "t1"))
        }
        try both { try $0.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnCompleted(turn: "t1")) }
        try both { harness in
            let inFlight = try #require(harness.snapshot.swarms.values[0].nodes[1].appendInFlight)
            return harness.appended(inFlight.appendID)
        }
        try both {
            try $0.command(
                "inject", id: "after", payload: ["swarm_id": .string(swarmID.rawValue), "content": "after restart"])
        }
        try both { try $0.command("events_replay", id: "rp", payload: ["since_seq": 5]) }
        try both { try $0.command("swarm_list", id: "ls") }
        try both { try $0.command("swarm_status", id: "st", payload: ["swarm_id": .string(swarmID.rawValue)]) }
        try both { try $0.command("swarm_terminate", id: "term", payload: ["swarm_id": .string(swarmID.rawValue)]) }
        try both { try $0.workerCompleted(job: Self.job, node: 0) }
        try both { try $0.workerCompleted(job: Self.job, node: 1) }
        #expect(restored.snapshot == original.snapshot)
    }

    @Test("streamed events written after the last snapshot are applied again on restore; progress too")
    func journalTailApplied() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let injection = try #require(try harness.injectDelivered(swarmID, nodes: 0, content: "go", id: "i")[0])
        let checkpoint = harness.snapshot
        // A whole turn streams without a snapshot save: only journal entries and progress.
        let effects = try harness.demoTurn(
            job: Self.job, node: 0, injection: injection, turn: "t", deltas: ["a", "b"], totalTokens: 42)
        #expect(!effects.contains(.persist), "streaming alone needs no snapshot save")
        #expect(!effects.progress.isEmpty)

        let restored = RouterCore(settings: harness.settings, snapshot: checkpoint, recovered: harness.tail)
        let node = restored.snapshot.swarms.values[0].nodes[0]
        #expect(node.totalTokens == 42)
        #expect(node.agentState == .idle)
        #expect(node.currentInjection == nil)
        #expect(node.openInjections.isEmpty)
        #expect(node.lastWorkerSeq == harness.snapshot.swarms.values[0].nodes[0].lastWorkerSeq)
        #expect(restored.snapshot.lastSeq == harness.snapshot.lastSeq)
        #expect(restored.snapshot.cursors == harness.snapshot.cursors)
    }

    @Test("on start a restored core re-watches live jobs from their cursors and re-arms its timers")
    func startedRearms() throws {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(gracefulTerminateSeconds: 20, launchTimeoutSeconds: 600, drainSeconds: 2))
        let running = try harness.runningSwarm(nodes: 1, job: Self.job)
        let terminatingJob: JobID = "local_cafe0004"
        let terminating = try harness.runningSwarm(nodes: 1, job: terminatingJob, id: "launch-2")
        try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(terminating.rawValue)])
        let (starting, _) = try harness.launch(nodes: 1, id: "launch-3")

        var restarted = try harness.restarted(after: 30)
        let effects = restarted.handle { .started(at: $0) }

        let cursor = try #require(
            harness.snapshot.cursors["local/\(MailboxLayout.fileName(jobID: Self.job, nodeID: 0))"])
        #expect(effects.relayRequests.contains(.watch(jobID: Self.job, nodeCount: 1, cursors: [cursor])))
        #expect(effects.relayRequests.contains { if case .watch(terminatingJob, _, _) = $0 { true } else { false } })
        #expect(effects.deadline(of: .launchTimeout(starting)) == restarted.now.addingTimeInterval(600))
        #expect(effects.deadline(of: .terminateGrace(terminating)) == restarted.now.addingTimeInterval(20))
        #expect(effects.deadline(of: .retentionSweep) == restarted.now.addingTimeInterval(60))
        #expect(effects.events.isEmpty)
        #expect(restarted.snapshot.swarms.values.first { $0.id == running }?.status == .running)
    }

    @Test("a swarm that was draining when the router stopped still closes after a restart")
    func drainingSwarmClosesAfterRestart() throws {
        var harness = RouterCoreHarness(settings: RouterCoreSettings(drainSeconds: 2))
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        harness.handle {
            .jobsObserved(provider: "slurm", [Self.job: JobObservation(state: "COMPLETED", isFinished: true)], at: $0)
        }
        #expect(harness.snapshot.swarms.values[0].isDraining)

        // The router stops before the drain deadline fires.
        var restarted = try harness.restarted(after: 60)
        var effects = restarted.handle { .started(at: $0) }
        effects += restarted.handle {
            .jobsObserved(provider: "slurm", [Self.job: JobObservation(state: "COMPLETED", isFinished: true)], at: $0)
        }
        let deadline = try #require(effects.deadline(of: .drainDeadline(swarmID)), "nothing would ever close the swarm")
        restarted.now = deadline
        let ended = restarted.fire(.drainDeadline(swarmID))
        #expect(
            ended.broadcastEvents.compactMap(\.terminated).first?.reason
                == "job ended (state COMPLETED); workers are gone")
    }

    @Test("the same seed gives the same ids; ids never repeat")
    func deterministicIDs() {
        var first = IDGenerator(seed: 5)
        var second = IDGenerator(seed: 5)
        let ids = (0..<1000).map { _ in first.next() }
        #expect(ids == (0..<1000).map { _ in second.next() })
        #expect(Set(ids).count == ids.count)
        #expect(
            ids.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil })
        var other = IDGenerator(seed: 6)
        #expect(other.next() != ids[0])
    }
}

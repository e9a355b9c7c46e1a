import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import RouterCore
import Testing

@testable import Router

/// The router's runtime with a real journal store in a temporary folder and fakes for everything else; each test
/// steps it pass by pass and moves its clock by hand (issue 7 items 3–6, deterministically and without sleeping).
@Suite(.timeLimit(.minutes(5))) struct RouterRuntimeTests {
    /// One runtime and its fakes.
    struct Harness {
        let directory: String
        let clock = ManualClock()
        let store: SwitchableStore
        let clients: RecordingClients
        let provider = ScriptedProvider()
        let relay = RecordingRelay()
        let runtime: RouterRuntime
        var spawner = ManualSpawner()
        private var fileEnds: [Int: UInt64] = [:]
        private var workerSeqs: [Int: Int] = [:]
        var job: JobID = "local_00000000"

        init(
            directory: String? = nil, queueLimit: Int = 1 << 20, options: StateStore.Options = StateStore.Options()
        ) throws {
            let folder =
                directory
                ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                    "runtime-\(UUID().uuidString)"
                ).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            self.directory = folder
            store = SwitchableStore(directory: folder, options: options)
            clients = RecordingClients(queueLimit: queueLimit)
            let contents = try store.load(newSeed: 99)
            let core = RouterCore(
                settings: RouterCoreSettings(), snapshot: contents.snapshot, recovered: contents.recovered)
            runtime = RouterRuntime(
                core: core, store: store, clients: clients, providers: [provider], relays: [relay], clock: clock,
                logger: Logger(label: "test"))
            for client in 1...3 { clients.connect(client) }
        }

        /// Steps the runtime until no input is left (inputs a pass produces, such as `saveFailed`, included).
        mutating func settle(_ inputs: [RouterInput] = []) async {
            var batch = inputs + runtime.inputs.drain()
            while !batch.isEmpty {
                await runtime.step(batch, spawner: &spawner)
                batch = runtime.inputs.drain()
            }
        }

        /// Moves the clock, fires due timers and settles.
        mutating func advance(by seconds: TimeInterval) async {
            clock.advance(by: seconds)
            runtime.fireDueTimers()
            await settle()
        }

        /// Runs pending provider work (launches, observations, stops) and settles what it reported.
        mutating func runProviders() async {
            await spawner.run(.provider)
            await settle()
        }

        mutating func command(_ name: String, id: String, payload: [String: Any] = [:], from client: ClientID = 1)
            async throws
        {
            let envelope: [String: Any] = [
                "protocol": "codeswarm.router.v1", "type": "command", "command": name, "request_id": id,
                "payload": payload,
            ]
            let line = try JSONSerialization.data(withJSONObject: envelope)
            await settle([.lineReceived(client, Array(line), at: clock.now)])
        }

        /// The relay delivers one outbox line of node `node`.
        mutating func outbox(_ record: OutboxRecord, node: Int) async throws {
            var record = record
            workerSeqs[node, default: 0] += 1
            record.seq = workerSeqs[node]
            let line = try WireCoding.encodeString(record)
            let offset = fileEnds[node] ?? 0
            let end = offset + UInt64(line.utf8.count) + 1
            fileEnds[node] = end
            let file = MailboxLayout.fileName(jobID: job, nodeID: node)
            await settle([
                .relayEvent(
                    site: "local", .record(file: file, inode: 900 + UInt64(node), offset: offset, end: end, line: line),
                    at: clock.now)
            ])
        }

        mutating func delta(_ text: String, node: Int, injection: InjectionID?) async throws {
            let payload: JSONValue = [
                "method": "item/agentMessage/delta",
                "params": ["threadId": "th", "turnId": "t", "itemId": "m", "delta": .string(text)],
            ]
            try await outbox(
                OutboxRecord(type: .codexRPC, jobID: job, nodeID: node, injectionID: injection, payload: payload),
                node: node)
        }

        /// Launch, submission, every worker's start: a running swarm. Returns its id.
        mutating func runningSwarm(nodes: Int) async throws -> SwarmID {
            await settle([
                .started(at: clock.now), .relayEvent(site: "local", .ready(base: "/b", pid: 1), at: clock.now),
            ])
            try await command("swarm_launch", id: "launch", payload: ["nodes": nodes, "system_prompt": ""])
            await runProviders()
            let swarm = try #require(runtime.snapshot.swarms.values.first)
            job = try #require(swarm.jobID)
            for node in 0..<nodes {
                try await outbox(OutboxRecord(type: .start, jobID: job, nodeID: node, hostname: "n\(node)"), node: node)
            }
            #expect(runtime.snapshot.swarms.values.first?.status == .running)
            return swarm.id
        }

        /// Injects to every node and acknowledges the relay's appends; returns the injection id per node.
        mutating func inject(_ swarmID: SwarmID, content: String) async throws -> [Int: InjectionID] {
            let before = relay.requests.count
            try await command(
                "inject", id: "inj-\(content)", payload: ["swarm_id": swarmID.rawValue, "content": content])
            var injections: [Int: InjectionID] = [:]
            for request in relay.requests.dropFirst(before) {
                guard case .append(let id, _, let node, let line) = request else { continue }
                injections[node] = try WireCoding.decode(InboxLine.self, from: line).injectionID
                await settle([.relayEvent(site: "local", .appended(id: id), at: clock.now)])
            }
            return injections
        }

        /// Seqs of the journaled events a client received.
        func seqs(_ client: ClientID) -> [Int] { clients.events(client).compactMap(\.event.seq) }

        func notices(_ client: ClientID) -> [RouterNotice] {
            clients.events(client).compactMap { if case .notice(let notice) = $0.event { notice } else { nil } }
        }
    }

    // MARK: - Item 5

    @Test("a failing save holds every event back, tells clients, retries, then delivers in order; replay misses none")
    func failedSaveHoldsThenDelivers() async throws {
        var harness = try Harness()
        let swarmID = try await harness.runningSwarm(nodes: 2)
        let injections = try await harness.inject(swarmID, content: "go")
        try await harness.delta("before", node: 0, injection: injections[0])
        let seenBefore = harness.seqs(2)

        harness.store.isFailing = true
        for index in 0..<5 {
            try await harness.delta("held \(index)", node: index % 2, injection: injections[index % 2])
        }
        #expect(harness.seqs(2) == seenBefore, "nothing unsaved reached a client")
        let notices = harness.notices(2)
        #expect(notices.map(\.level) == ["error"], "told once, at once")
        #expect(notices.first?.message.contains("No space left on device") == true)

        // While failing, a state change is refused at once, with the reason.
        try await harness.command(
            "inject", id: "refused", payload: ["swarm_id": swarmID.rawValue, "content": "x"], from: 3)
        let refusal = harness.clients.events(3).compactMap { envelope -> CommandRejected? in
            if case .commandRejected(let rejection) = envelope.event { rejection } else { nil }
        }
        #expect(refusal.map(\.requestID) == ["refused"])

        // The retry timer fires while the disk is still full: still held.
        await harness.advance(by: 1)
        #expect(harness.seqs(2) == seenBefore)
        harness.store.isFailing = false
        await harness.advance(by: 10)
        let seen = harness.seqs(2)
        #expect(seen.count == seenBefore.count + 5, "the held events went out once saving worked")
        #expect(seen == seen.sorted(), "in order")
        #expect(harness.notices(2).map(\.level) == ["error", "info"])

        // A fresh router on the same state directory replays everything any client saw.
        var restarted = try Harness(directory: harness.directory)
        await restarted.settle([.started(at: restarted.clock.now)])
        restarted.clients.connect(7)
        try await restarted.command("events_replay", id: "rp", payload: ["since_seq": 0], from: 7)
        await restarted.spawner.run(.replay)
        await restarted.settle()
        let replayed = Set(restarted.seqs(7))
        #expect(Set(seen).subtracting(replayed).isEmpty, "zero events missing from the replay")
    }

    // MARK: - Item 4

    @Test("a launch starts only once its record is saved; a failed save holds it until the save succeeds")
    func launchWaitsForTheSave() async throws {
        var harness = try Harness()
        await harness.settle([.started(at: harness.clock.now)])
        harness.store.isFailing = true
        try await harness.command("swarm_launch", id: "l", payload: ["nodes": 2, "system_prompt": ""])
        #expect(harness.spawner.count(.provider) == 0, "nothing started before the record is durable")
        #expect(harness.clients.events(1).allSatisfy { $0.event.name == "router_notice" })
        harness.store.isFailing = false
        await harness.advance(by: 1)
        #expect(harness.spawner.count(.provider) == 1)
        await harness.runProviders()
        let planned = try #require(harness.runtime.snapshot.swarms.values.first?.plannedJobID)
        #expect(harness.provider.recorded == ["launch \(planned.rawValue) x2"])
    }

    @Test("a router that dies right after saving a launch record asks the provider to adopt or reap it on start")
    func crashedLaunchIsRecovered() async throws {
        var harness = try Harness()
        await harness.settle([.started(at: harness.clock.now)])
        try await harness.command("swarm_launch", id: "l", payload: ["nodes": 3, "system_prompt": ""])
        let planned = try #require(harness.runtime.snapshot.swarms.values.first?.plannedJobID)
        // The process dies here: the launch work never ran.

        var restarted = try Harness(directory: harness.directory)
        await restarted.settle([.started(at: restarted.clock.now)])
        await restarted.runProviders()
        #expect(restarted.provider.recorded == ["recover \(planned.rawValue)"])
        let rejection = restarted.clients.events(1).compactMap { envelope -> CommandRejected? in
            if case .commandRejected(let rejection) = envelope.event { rejection } else { nil }
        }
        #expect(rejection.map(\.requestID) == ["l"], "the launch gets its answer: nothing is left orphaned")
        #expect(restarted.runtime.snapshot.swarms.values.first?.status == .terminated)
    }

    // MARK: - Item 3

    @Test("polls are timers: a worker process seen gone ends its node and its injection within the grace period")
    func deadWorkerFoundByPoll() async throws {
        var harness = try Harness()
        let swarmID = try await harness.runningSwarm(nodes: 2)
        let injections = try await harness.inject(swarmID, content: "go")
        try await harness.delta("half", node: 1, injection: injections[1])

        harness.provider.observation.withLock {
            $0 = [harness.job: JobObservation(state: "RUNNING", isFinished: false, endedNodes: [1])]
        }
        await harness.advance(by: 0.5)
        await harness.runProviders()
        #expect(harness.provider.recorded.contains("observe \(harness.job.rawValue)"))
        await harness.advance(by: 2)
        let closed = harness.clients.events(2).compactMap { envelope -> StreamEvent? in
            guard case .stream(let event) = envelope.event, event.nodeID == 1 else { return nil }
            return event
        }
        #expect(closed.contains { $0.injectionID == injections[1] && $0.body.name == "turn_complete" })
        #expect(closed.contains { $0.body.name == "node_ended" })
        #expect(harness.runtime.snapshot.swarms.values[0].nodes[0].isEnded == false)
    }

    @Test("an observation that fails is retried with backoff, not forgotten")
    func failedObservationBacksOff() async throws {
        var harness = try Harness()
        _ = try await harness.runningSwarm(nodes: 1)
        harness.provider.observation.withLock { $0 = nil }
        await harness.advance(by: 0.5)
        await harness.runProviders()
        let first = try #require(harness.runtime.nextTimerDeadline)
        #expect(first.timeIntervalSince(harness.clock.now) <= 1)
        await harness.advance(by: 1)
        await harness.runProviders()
        #expect(harness.provider.recorded.filter { $0.hasPrefix("observe") }.count == 2)
    }

    // MARK: - Item 6

    @Test("replay abuse: one replay per client, streamed under its queue bound; other clients are not held up")
    func replayAbuse() async throws {
        var harness = try Harness(queueLimit: 256 * 1024)
        let swarmID = try await harness.runningSwarm(nodes: 2)
        let injections = try await harness.inject(swarmID, content: "go")
        // About 800 KiB of history in few passes (each pass is a real fdatasync, slow on a busy disk).
        let filler = String(repeating: "x", count: 8000)
        for index in 0..<100 { try await harness.delta(filler, node: index % 2, injection: injections[index % 2]) }
        let lastSeq = harness.runtime.snapshot.lastSeq

        // Client 9 asks 50 times and never reads.
        harness.clients.connect(9, reading: false)
        for index in 0..<50 {
            try await harness.command("events_replay", id: "r\(index)", payload: ["since_seq": 0], from: 9)
        }
        let rejected = harness.clients.events(9).filter { $0.event.name == "command_rejected" }
        #expect(rejected.count == 49, "one replay at a time")
        #expect(harness.spawner.count(.replay) == 1)

        let replay = harness.spawner.work.filter { $0.kind == .replay }.map(\.run)
        harness.spawner.work.removeAll { $0.kind == .replay }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for work in replay { group.addTask { await work() } }
            // The replay fills client 9's queue to the watermark and waits for it to read.
            await harness.clients.waitUntilQueued(9, atLeast: harness.runtime.replayWatermark / 2)
            try await harness.command("swarm_list", id: "ls", from: 2)
            #expect(harness.clients.events(2).contains { $0.event.name == "swarm_list" }, "answered at once")
            #expect(harness.clients.queuedBytes(9) <= harness.runtime.replayWatermark + 64 * 1024)
            #expect(harness.clients.isConnected(9), "a replay never overflows the queue it is bounded by")

            harness.clients.read(9, keepReading: true)
            try await group.waitForAll()
        }
        await harness.settle()
        let received = harness.clients.events(9).compactMap(\.event.seq)
        #expect(received == Array(1...lastSeq), "every retained event once, in order")
        #expect(harness.clients.events(9).last?.event.name == "replay_complete")
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Replies go to the asking client: list, status, replay, and rejections of bad lines.
@Suite("RouterCore commands")
struct RouterCoreCommandTests {
    static let job: JobID = "local_abcdef01"

    @Test("swarm_list replies to the caller with every swarm, live and ended, keyed by id")
    func list() throws {
        var harness = RouterCoreHarness()
        let running = try harness.runningSwarm(nodes: 2, job: Self.job, systemPrompt: "Be brief.")
        let endedJob: JobID = "local_abcdef02"
        let ended = try harness.runningSwarm(nodes: 1, job: endedJob, id: "launch-2")
        try harness.workerCompleted(job: endedJob, node: 0)
        let (starting, _) = try harness.launch(nodes: 3, id: "launch-3")

        let effects = try harness.command("swarm_list", id: "list-1", from: 6)
        #expect(effects.count == 1)
        guard case .swarmList(let reply) = try #require(effects.sentEvents(to: 6).first) else {
            Issue.record("swarm_list did not answer with swarm_list")
            return
        }
        #expect(reply.requestID == "list-1")
        #expect(Set(reply.swarms.keys) == [running.rawValue, ended.rawValue, starting.rawValue])
        let summary = try #require(reply.swarms[running.rawValue])
        #expect(
            summary
                == SwarmSummary(
                    jobID: Self.job, nodeCount: 2, systemPrompt: "Be brief.", status: .running, provider: "local",
                    createdAt: WireTimestamp.string(from: RouterCoreHarness.startTime), totalTokens: 0))
        #expect(reply.swarms[ended.rawValue]?.status == .terminated)
        #expect(reply.swarms[ended.rawValue]?.endedReason == "workers stopped by SIGTERM")
        #expect(reply.swarms[starting.rawValue]?.status == .starting)
        #expect(reply.swarms[starting.rawValue]?.jobID == "", "a swarm not yet submitted has no job id")
    }

    @Test("swarm_status reports the swarm and each node: state, host, injection, tokens, last error")
    func status() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        harness.handle {
            .jobsObserved(
                provider: "slurm",
                [Self.job: JobObservation(state: "RUNNING", isFinished: false, timeLeftSeconds: 3500)], at: $0)
        }
        let injections = try harness.injectDelivered(swarmID, nodes: 0, content: "go", id: "inj")
        let injection = try #require(injections[0])
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.turnStarted(turn: "t"))
        let turnStart = harness.now
        harness.advance(by: 4)
        try harness.rpc(job: Self.job, node: 0, injection: injection, AppServer.tokenUsage(total: 321, turn: "t"))
        try harness.workerError(
            job: Self.job, node: 1, injection: nil, code: "turn_stalled", error: "no output for 300 s")

        let effects = try harness.command(
            "swarm_status", id: "st-1", payload: ["swarm_id": .string(swarmID.rawValue), "include_nodes": true],
            from: 2)
        guard case .swarmStatus(let reply) = try #require(effects.sentEvents(to: 2).first) else {
            Issue.record("swarm_status did not answer with swarm_status")
            return
        }
        #expect(reply.requestID == "st-1")
        #expect(reply.swarmID == swarmID)
        #expect(reply.jobID == Self.job)
        #expect(reply.nodeCount == 2)
        #expect(reply.status == .running)
        #expect(reply.slurmState == "RUNNING")
        #expect(reply.provider == "local")
        #expect(reply.timeLeftSeconds == 3500)
        #expect(
            reply.nodes == [
                NodeSummary(
                    nodeID: 0, hostname: "node0", state: .working, injectionID: injection,
                    turnStartedAt: WireTimestamp.string(from: turnStart),
                    lastActivityAt: WireTimestamp.string(from: harness.now),
                    totalTokens: 321),
                NodeSummary(
                    nodeID: 1, hostname: "node1", state: .idle, lastActivityAt: WireTimestamp.string(from: harness.now),
                    lastError: "no output for 300 s"),
            ])
    }

    @Test("swarm_status before any observation reports the seed's UNKNOWN Slurm state")
    func statusUnknownSlurmState() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 1)
        let effects = try harness.command(
            "swarm_status", id: "st", payload: ["swarm_id": .string(swarmID.rawValue), "include_nodes": true])
        guard case .swarmStatus(let reply) = try #require(effects.sentEvents(to: 1).first) else {
            Issue.record("no swarm_status reply")
            return
        }
        #expect(reply.slurmState == "UNKNOWN")
        #expect(reply.status == .starting)
        #expect(reply.jobID == "")
        #expect(reply.nodes?.map(\.state) == [.starting])
    }

    @Test("swarm_status without include_nodes has the seed's fields only: nothing a seed formatter prints badly")
    func statusSeedShape() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let effects = try harness.command("swarm_status", id: "st", payload: ["swarm_id": .string(swarmID.rawValue)])
        guard case .swarmStatus(let reply) = try #require(effects.sentEvents(to: 1).first) else {
            Issue.record("no swarm_status reply")
            return
        }
        #expect(reply.nodes == nil)
        #expect(reply.nodeCount == 2)
        #expect(reply.status == .running)
    }

    @Test("providers_list answers with every configured provider, the default first, Slurm defaults filled in")
    func providersList() throws {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(
                defaultProvider: "slurm", availableProviders: ["local", "slurm"], defaultPartition: "gpu",
                defaultTime: "02:00:00", launchTimeoutSeconds: 900))
        let effects = try harness.command("providers_list", id: "pl", from: 4)
        #expect(effects.count == 1)
        guard case .providersList(let reply) = try #require(effects.sentEvents(to: 4).first) else {
            Issue.record("providers_list did not answer with providers_list")
            return
        }
        #expect(reply.requestID == "pl")
        #expect(reply.providers.map(\.id) == ["slurm", "local"])
        let slurm = reply.providers[0]
        #expect(slurm.backend == "slurm")
        #expect(slurm.disabled == false)
        #expect(slurm.defaults == ["partition": "gpu", "time_limit": "02:00:00"])
        #expect(slurm.launchFields.map(\.key) == ["partition", "time_limit", "account", "qos"])
        #expect(slurm.launchFields.map(\.defaultValue) == ["gpu", "02:00:00", "", ""])
        #expect(slurm.launchHardTimeoutSeconds == 900)
        #expect(
            reply.providers[1]
                == ProviderDescription(id: "local", label: "Local processes", launchHardTimeoutSeconds: 900))
    }

    @Test("queue_list and project_list, polled by the original web backend, get empty, well-formed answers")
    func originalPollingCommands() throws {
        var harness = RouterCoreHarness()
        let queue = try harness.command("queue_list", id: "q", from: 2)
        #expect(queue.sentEvents(to: 2) == [.queueList(QueueListReply(requestID: "q"))])
        let projects = try harness.command("project_list", id: "p", from: 2)
        #expect(projects.sentEvents(to: 2) == [.projectList(ProjectListReply(requestID: "p"))])
        #expect((queue + projects).rejections.isEmpty)
    }

    @Test("every command takes a unique prefix of a swarm id (8 characters, as the dashboard shows) for the id")
    func swarmIDPrefixes() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let short = String(swarmID.rawValue.prefix(8))

        let status = try harness.command("swarm_status", id: "st", payload: ["swarm_id": .string(short)])
        guard case .swarmStatus(let reply) = try #require(status.sentEvents(to: 1).first) else {
            Issue.record("a prefix was not resolved for swarm_status: \(status.rejections)")
            return
        }
        #expect(reply.swarmID == swarmID, "the reply names the whole id")
        let upper = try harness.command(
            "swarm_status", id: "st-up", payload: ["swarm_id": .string(short.uppercased())])
        #expect(upper.rejections.isEmpty, "letters compare case-insensitively")

        let inject = try harness.command(
            "inject", id: "inj", payload: ["swarm_id": .string(short), "nodes": 1, "content": "go"])
        #expect(inject.rejections.isEmpty)
        #expect(inject.broadcastEvents.compactMap(\.injectAck).map(\.swarmID) == [swarmID])

        let replay = try harness.command(
            "events_replay", id: "rp", payload: ["since_seq": 0, "swarm_id": .string(short)], from: 3)
        #expect(replay.rejections.isEmpty)

        let terminate = try harness.command("swarm_terminate", id: "t", payload: ["swarm_id": .string(short)])
        #expect(terminate.rejections.isEmpty)
        #expect(terminate.broadcastEvents.compactMap(\.terminateProgress).first?.swarmID == swarmID)
    }

    @Test("an ambiguous prefix is rejected listing the matches; too short a prefix is rejected naming the minimum")
    func ambiguousAndShortPrefixes() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        _ = try harness.runningSwarm(nodes: 1, job: "local_abcdef02", id: "launch-2")
        // Two ids sharing a prefix: a core restored from a snapshot whose swarms carry chosen ids.
        var snapshot = harness.snapshot
        let chosen: [SwarmID] = ["abcd1111-0000-4000-8000-000000000001", "abcd2222-0000-4000-8000-000000000002"]
        snapshot.swarms = .init(
            uniqueKeysWithValues: zip(chosen, snapshot.swarms.values).map { id, record in
                var renamed = record
                renamed.id = id
                return (id, renamed)
            })
        var core = RouterCore(settings: harness.settings, snapshot: snapshot)
        func answer(_ command: String, _ payload: JSONValue) throws -> [RouterEvent] {
            let envelope: JSONValue = [
                "protocol": .string(ProtocolName.router), "command": .string(command), "request_id": "r",
                "payload": payload,
            ]
            let line = Array(try WireCoding.encodeString(envelope).utf8)
            return core.handle(.lineReceived(5, line, at: harness.now)).events
        }

        let reason = try #require(try answer("swarm_status", ["swarm_id": "abcd"]).compactMap(\.rejection).first).reason
        #expect(reason.contains("ambiguous"))
        #expect(reason.contains("abcd1111-0000-4000-8000-000000000001"))
        #expect(reason.contains("abcd2222-0000-4000-8000-000000000002"))

        let unique = try answer("swarm_status", ["swarm_id": "ABCD2"])
        #expect(unique.compactMap(\.rejection).isEmpty)
        #expect(unique.first?.swarmID == "abcd2222-0000-4000-8000-000000000002")

        let short = try answer("inject", ["swarm_id": "abc", "content": "x"])
        let tooShort = try #require(short.compactMap(\.rejection).first).reason
        #expect(tooShort.contains("too short"))
        #expect(tooShort.contains("at least 4"))

        let none = try answer("swarm_status", ["swarm_id": "ffff"])
        #expect(none.compactMap(\.rejection).first?.reason.contains("unknown swarm_id") == true)
    }

    @Test("swarm_status of an unknown swarm is rejected with the request id")
    func statusUnknown() throws {
        var harness = RouterCoreHarness()
        let effects = try harness.command("swarm_status", id: "st-x", payload: ["swarm_id": "nope"], from: 3)
        #expect(effects.count == 1)
        #expect(effects.sentEvents(to: 3).compactMap(\.rejection).map(\.requestID) == ["st-x"])
    }

    @Test(
        "a bad line is answered with command_rejected to its sender only; nothing else happens",
        arguments: ["[]", "42", "\"text\"", "garbage", "{\"protocol\":\"nope\",\"request_id\":\"r9\"}"])
    func badLines(_ text: String) throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        let effects = harness.line(text, from: 8)
        #expect(effects.count == 1)
        let rejection = try #require(effects.sentEvents(to: 8).compactMap(\.rejection).first)
        #expect(rejection.requestID == (text.contains("r9") ? "r9" : .null))
        #expect(!rejection.reason.isEmpty)
    }

    @Test("invalid UTF-8 is answered like any bad line")
    func invalidUTF8() throws {
        var harness = RouterCoreHarness()
        let effects = harness.handle { .lineReceived(2, [0x7B, 0xFF, 0x7D], at: $0) }
        #expect(effects.sentEvents(to: 2).compactMap(\.rejection).first?.reason.contains("UTF-8") == true)
    }

    @Test("an oversized frame is rejected naming the limit")
    func oversizedFrame() throws {
        var harness = RouterCoreHarness()
        let effects = harness.handle { .lineTooLong(5, byteCount: 9_000_000, at: $0) }
        let rejection = try #require(effects.sentEvents(to: 5).compactMap(\.rejection).first)
        #expect(rejection.requestID == .null)
        #expect(rejection.reason.contains("9000000 bytes"))
        #expect(rejection.reason.contains("8388608"))
    }

    @Test("client connects and disconnects need no effects")
    func connections() {
        var harness = RouterCoreHarness()
        #expect(harness.handle { .clientConnected(1, at: $0) }.isEmpty)
        #expect(harness.handle { .clientDisconnected(1, at: $0) }.isEmpty)
    }

    @Test("events_replay asks the runtime to stream the journal after a seq, then answers replay_complete")
    func replay() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let injections = try harness.injectDelivered(swarmID, content: "go", id: "inj")
        for (node, injection) in injections.sorted(by: { $0.key < $1.key }) {
            try harness.demoTurn(
                job: Self.job, node: node, injection: injection, turn: "t\(node)", deltas: ["x", "y"], totalTokens: 10)
        }
        let lastSeq = harness.snapshot.lastSeq
        #expect(harness.journal.compactMap(\.event.seq) == Array(1...lastSeq), "the journal holds every seq once")

        let asked = try harness.command("events_replay", id: "rp-10", payload: ["since_seq": 10], from: 4)
        #expect(asked.count == 1)
        #expect(asked.replays.map(\.afterSeq) == [10] && asked.replays.map(\.client) == [4])
        #expect(asked.replays.first?.swarmID == nil)
        #expect(asked.events.isEmpty, "the core sends nothing itself: the runtime streams from the journal")

        let finished = harness.handle { .replayFinished(4, lastSeq: lastSeq, at: $0) }
        #expect(
            finished
                == [
                    .send(
                        EventEnvelope(
                            date: harness.now,
                            event: .replayComplete(ReplayComplete(requestID: "rp-10", lastSeq: lastSeq))),
                        to: 4)
                ])
    }

    @Test("one replay at a time per client: a second is refused until the first completes; others are not held up")
    func oneReplayPerClient() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        #expect(try harness.command("events_replay", id: "a", payload: ["since_seq": 0], from: 4).replays.count == 1)
        let second = try harness.command("events_replay", id: "b", payload: ["since_seq": 0], from: 4)
        #expect(second.replays.isEmpty)
        #expect(second.rejections.map(\.requestID) == ["b"])
        #expect(second.rejections.first?.reason.contains("already running") == true)
        #expect(try harness.command("events_replay", id: "c", payload: ["since_seq": 0], from: 5).replays.count == 1)
        #expect(try harness.command("swarm_list", id: "ls", from: 6).sentEvents(to: 6).count == 1)

        harness.handle { .replayFinished(4, lastSeq: 3, at: $0) }
        #expect(try harness.command("events_replay", id: "d", payload: ["since_seq": 0], from: 4).replays.count == 1)
        harness.handle { .clientDisconnected(4, at: $0) }
        #expect(
            harness.handle { .replayFinished(4, lastSeq: 3, at: $0) }.isEmpty, "nothing is sent to a client that left")
        #expect(try harness.command("events_replay", id: "e", payload: ["since_seq": 0], from: 4).replays.count == 1)
    }

    @Test("events_replay can be limited to one swarm; an unknown swarm is rejected")
    func replayOneSwarm() throws {
        var harness = RouterCoreHarness()
        let first = try harness.runningSwarm(nodes: 1, job: Self.job)
        let second = try harness.runningSwarm(nodes: 1, job: "local_abcdef09", id: "launch-2")
        try harness.injectDelivered(first, content: "a", id: "i1")
        try harness.injectDelivered(second, content: "b", id: "i2")

        let (replayed, effects) = try harness.replay(sinceSeq: 0, swarmID: second)
        #expect(!replayed.isEmpty)
        #expect(replayed.allSatisfy { $0.event.swarmID == second })
        #expect(effects.sentEvents(to: 1).map(\.name) == ["replay_complete"])
        let rejected = try harness.command("events_replay", id: "rp-x", payload: ["since_seq": 0, "swarm_id": "ghost"])
        #expect(rejected.rejections.map(\.requestID) == ["rp-x"])
    }

    @Test("journaled seqs strictly increase across swarms, nodes and event kinds")
    func seqsStrictlyIncrease() throws {
        var harness = RouterCoreHarness()
        let first = try harness.runningSwarm(nodes: 2, job: Self.job, systemPrompt: "sys")
        let second = try harness.runningSwarm(nodes: 1, job: "local_abcdef03", systemPrompt: "sys", id: "launch-2")
        let a = try harness.injectDelivered(first, content: "a", id: "a")
        let b = try harness.injectDelivered(second, content: "b", id: "b")
        try harness.demoTurn(
            job: Self.job, node: 1, injection: try #require(a[1]), turn: "t", deltas: ["1"], totalTokens: 3)
        try harness.demoTurn(
            job: "local_abcdef03", node: 0, injection: try #require(b[0]), turn: "u", deltas: ["2"], totalTokens: 4)
        try harness.workerCompleted(job: Self.job, node: 0)
        let seqs = harness.journal.compactMap(\.event.seq)
        #expect(seqs.count == harness.journal.count)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(seqs.last == harness.snapshot.lastSeq)
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Steered injections, their own ends with the turn they joined, and `swarm_interrupt`.
@Suite("RouterCore steering")
struct RouterCoreSteeringTests {
    static let job: JobID = "local_57ee0001"

    /// A worker's `injection_routed` line.
    static func routed(
        _ harness: inout RouterCoreHarness, node: Int, injection: InjectionID, how: String, turn: String?,
        reason: String? = nil
    ) throws -> [RouterEffect] {
        try harness.outbox(
            OutboxRecord(
                type: .injectionRouted, jobID: job, nodeID: node, injectionID: injection, reason: reason,
                seq: harness.nextWorkerSeq(job: job, node: node), how: how, turnID: turn),
            node: node)
    }

    @Test("inject carries mode steer by default and queue when asked, in the inbox line")
    func modeInInbox() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let steer = try harness.command(
            "inject", id: "s", payload: ["swarm_id": .string(swarmID.rawValue), "content": "a"])
        let queue = try harness.command(
            "inject", id: "q", payload: ["swarm_id": .string(swarmID.rawValue), "content": "b", "mode": "queue"])
        let first = try #require(steer.appendRequests.first)
        #expect(try WireCoding.decode(InboxLine.self, from: first.line).mode == .steer)
        harness.appended(first.id)
        let second = try #require(harness.snapshot.swarms.values[0].nodes[0].appendInFlight)
        #expect(try WireCoding.decode(InboxLine.self, from: second.line).mode == .queue)
        _ = queue
        let bad = try harness.command(
            "inject", id: "x", payload: ["swarm_id": .string(swarmID.rawValue), "content": "b", "mode": "later"])
        #expect(bad.rejections.first?.reason.contains("payload.mode must be one of steer, queue") == true)
    }

    @Test("a steered injection is announced, and gets its own turn_complete when the turn it joined completes")
    func steeredInjectionEndsWithItsTurn() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        let first = try harness.injectDelivered(swarmID, nodes: 0, content: "a", id: "a")
        let a = try #require(first[0])
        try harness.rpc(job: Self.job, node: 0, injection: a, AppServer.turnStarted(turn: "turn_a"))
        let second = try harness.injectDelivered(swarmID, nodes: 0, content: "b", id: "b")
        let b = try #require(second[0])

        let routed = try Self.routed(&harness, node: 0, injection: b, how: "steered", turn: "turn_a")
        let event = try #require(routed.streamEvents.first)
        #expect(event.body == .injectionRouted(how: "steered", reason: nil))
        #expect(event.injectionID == b)
        #expect(event.turnID == "turn_a")
        #expect(harness.snapshot.swarms.values[0].nodes[0].steered == [b])

        // The worker labels the turn's end with the last injection steered into it.
        let done = try harness.rpc(job: Self.job, node: 0, injection: b, AppServer.turnCompleted(turn: "turn_a"))
        let ends = done.streamEvents.filter { if case .turnComplete = $0.body { true } else { false } }
        #expect(ends.map(\.injectionID) == [b, a])
        #expect(ends.allSatisfy { $0.body == .turnComplete(status: "completed", error: nil) })
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections.isEmpty)
        #expect(harness.snapshot.swarms.values[0].nodes[0].steered == nil)
    }

    @Test("a steer reported after its turn completed ends at once; queued and new_turn are announced")
    func lateSteerAndFallback() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let a = try #require(try harness.injectDelivered(swarmID, content: "a", id: "a")[0])
        try harness.rpc(job: Self.job, node: 0, injection: a, AppServer.turnStarted(turn: "turn_a"))
        let b = try #require(try harness.injectDelivered(swarmID, content: "b", id: "b")[0])
        try harness.rpc(job: Self.job, node: 0, injection: a, AppServer.turnCompleted(turn: "turn_a"))

        let late = try Self.routed(&harness, node: 0, injection: b, how: "steered", turn: "turn_a")
        #expect(late.streamEvents.map(\.body.name) == ["injection_routed", "turn_complete"])
        #expect(late.streamEvents.last?.injectionID == b)
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections.isEmpty)

        let c = try #require(try harness.injectDelivered(swarmID, content: "c", id: "c")[0])
        let queued = try Self.routed(&harness, node: 0, injection: c, how: "queued", turn: nil, reason: "refused")
        #expect(queued.streamEvents.first?.body == .injectionRouted(how: "queued", reason: "refused"))
        let fresh = try Self.routed(&harness, node: 0, injection: c, how: "new_turn", turn: "turn_c")
        #expect(fresh.streamEvents.first?.turnID == "turn_c")
    }

    @Test("the agent exiting mid-turn fails the turn's injection and every injection steered into it")
    func crashClosesSteered() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let a = try #require(try harness.injectDelivered(swarmID, content: "a", id: "a")[0])
        try harness.rpc(job: Self.job, node: 0, injection: a, AppServer.turnStarted(turn: "turn_a"))
        let b = try #require(try harness.injectDelivered(swarmID, content: "b", id: "b")[0])
        _ = try Self.routed(&harness, node: 0, injection: b, how: "steered", turn: "turn_a")

        let crash = try harness.workerError(
            job: Self.job, node: 0, injection: a, code: "agent_exited", error: "the agent exited (signal 9)")
        let failed = crash.streamEvents.filter { $0.body.name == "turn_complete" }
        #expect(failed.map(\.injectionID) == [a, b])
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections.isEmpty)
    }

    @Test("swarm_interrupt sends an interrupt line to busy nodes only and names the idle ones")
    func interruptBusyNodes() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 3, job: Self.job)
        let busy = try #require(try harness.injectDelivered(swarmID, nodes: 2, content: "work", id: "w")[2])
        try harness.rpc(job: Self.job, node: 2, injection: busy, AppServer.turnStarted(turn: "turn_w"))

        let effects = try harness.command(
            "swarm_interrupt", id: "int", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": [0, 2]])
        let reply = try #require(
            effects.sentEvents(to: 1).compactMap { event -> InterruptSent? in
                if case .interruptSent(let sent) = event { return sent }
                return nil
            }.first)
        #expect(reply.nodes == [2])
        #expect(reply.idleNodes == [0])
        #expect(reply.requestID == "int")
        let append = try #require(effects.appendRequests.first)
        #expect(effects.appendRequests.count == 1)
        #expect(append.nodeID == 2)
        #expect(try WireCoding.decode(InboxLine.self, from: append.line).kind == .interrupt)
        // The relay's acknowledgement of a control line is no injection's delivery.
        #expect(harness.appended(append.id).events.isEmpty)

        let ended = try harness.rpc(
            job: Self.job, node: 2, injection: busy, AppServer.turnCompleted(turn: "turn_w", status: "interrupted"))
        #expect(ended.streamEvents.last?.body == .turnComplete(status: "interrupted", error: nil))

        let unknown = try harness.command("swarm_interrupt", id: "u", payload: ["swarm_id": "nope"])
        #expect(unknown.rejections.first?.reason.contains("unknown swarm_id") == true)
        let range = try harness.command(
            "swarm_interrupt", id: "r", payload: ["swarm_id": .string(swarmID.rawValue), "nodes": [7]])
        #expect(range.rejections.first?.reason.contains("node 7 is out of range") == true)
    }
}

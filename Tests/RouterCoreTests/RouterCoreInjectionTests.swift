import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Injection: targets, rejections that say what to do, and inbox appends serialised per node.
@Suite("RouterCore injection")
struct RouterCoreInjectionTests {
    static let job: JobID = "local_feedbeef"

    static func payload(_ swarmID: SwarmID, nodes: JSONValue = "all", content: String = "Optimize GEMM tiling.")
        -> JSONValue
    {
        ["swarm_id": .string(swarmID.rawValue), "nodes": nodes, "content": .string(content)]
    }

    @Test("inject to all acknowledges every node with the request id and appends one inbox line per node")
    func injectAll() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 4, job: Self.job)
        let content = "it's \"quoted\" $(id) `x` %s\nnaïve 🚀"
        let effects = try harness.command(
            "inject", id: "inj-all", payload: Self.payload(swarmID, content: content), from: 2)

        #expect(effects.sentEvents(to: 2).isEmpty, "the answer to an inject is the broadcast lifecycle")
        let acks = effects.broadcastEvents.compactMap(\.injectAck)
        #expect(acks.map(\.nodeID) == [0, 1, 2, 3])
        #expect(acks.allSatisfy { $0.requestID == "inj-all" && $0.swarmID == swarmID && $0.prompt == content })
        #expect(Set(acks.map(\.injectionID)).count == 4, "each node gets its own injection id")
        let appends = effects.appendRequests
        #expect(appends.map(\.nodeID) == [0, 1, 2, 3])
        #expect(appends.map(\.id) == [1, 2, 3, 4])
        for (append, ack) in zip(appends, acks) {
            #expect(
                try WireCoding.decode(InboxLine.self, from: append.line)
                    == InboxLine(userContent: content, injectionID: ack.injectionID, mode: .steer))
        }
        #expect(effects.last == .persist)

        let delivered = harness.appended(3)
        let event = try #require(delivered.broadcastEvents.compactMap(\.injectDelivered).first)
        #expect(
            event
                == InjectionEvent(
                    requestID: "inj-all", swarmID: swarmID, injectionID: acks[2].injectionID, nodeID: 2, seq: event.seq)
        )
    }

    @Test("inject to [1,3] reaches exactly nodes 1 and 3")
    func injectList() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 4, job: Self.job)
        let effects = try harness.command("inject", id: "inj-13", payload: Self.payload(swarmID, nodes: [1, 3]))
        #expect(effects.broadcastEvents.compactMap(\.injectAck).map(\.nodeID) == [1, 3])
        #expect(effects.appendRequests.map(\.nodeID) == [1, 3])
        let single = try harness.command("inject", id: "inj-2", payload: Self.payload(swarmID, nodes: 2))
        #expect(single.broadcastEvents.compactMap(\.injectAck).map(\.nodeID) == [2])
    }

    @Test("an out-of-range node is rejected with the valid range and nothing is injected")
    func outOfRange() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 4, job: Self.job)
        let effects = try harness.command(
            "inject", id: "inj-oor", payload: Self.payload(swarmID, nodes: [1, 7]), from: 5)
        let rejection = try #require(effects.sentEvents(to: 5).compactMap(\.rejection).first)
        #expect(rejection.requestID == "inj-oor")
        #expect(rejection.reason == "node 7 is out of range: swarm \(swarmID) has nodes 0-3")
        #expect(effects.count == 1, "a rejected inject has no other effect")
    }

    @Test("an unknown swarm is rejected, pointing at `codeswarm list`")
    func unknownSwarm() throws {
        var harness = RouterCoreHarness()
        let effects = try harness.command("inject", id: 17, payload: Self.payload("no-such-swarm"))
        let rejection = try #require(effects.sentEvents(to: 1).compactMap(\.rejection).first)
        #expect(rejection.requestID == 17)
        #expect(rejection.reason.contains("unknown swarm_id \"no-such-swarm\""))
        #expect(rejection.reason.contains("codeswarm list"))
    }

    @Test("a terminated swarm rejects injections, saying how to resume it")
    func terminatedSwarm() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        try harness.workerCompleted(job: Self.job, node: 0)
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        let effects = try harness.command("inject", id: "inj-dead", payload: Self.payload(swarmID))
        let rejection = try #require(effects.rejections.first)
        #expect(rejection.requestID == "inj-dead")
        #expect(
            rejection.reason
                == "swarm \(swarmID) has ended (workers stopped by SIGTERM); resume it with `codeswarm resume \(swarmID)`, "
                + "then inject")
    }

    @Test("a terminating swarm rejects injections")
    func terminatingSwarm() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        try harness.command("swarm_terminate", id: "t-1", payload: ["swarm_id": .string(swarmID.rawValue)])
        let effects = try harness.command("inject", id: "inj-late", payload: Self.payload(swarmID))
        #expect(effects.rejections.map(\.requestID) == ["inj-late"])
        #expect(effects.rejections.first?.reason.contains("is terminating") == true)
    }

    @Test("an inject before the job is submitted is rejected, saying when to retry")
    func beforeSubmission() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2)
        let effects = try harness.command("inject", id: "inj-early", payload: Self.payload(swarmID))
        let rejection = try #require(effects.rejections.first)
        #expect(rejection.requestID == "inj-early")
        #expect(rejection.reason.contains("still being submitted"))
        #expect(rejection.reason.contains("retry once `codeswarm status \(swarmID)` shows a job id"))
    }

    @Test("an inject after submission but before the workers start is queued in the inbox")
    func afterSubmissionBeforeStart() throws {
        var harness = RouterCoreHarness()
        let (swarmID, _) = try harness.launch(nodes: 2)
        harness.submitted(swarmID, job: Self.job)
        let effects = try harness.command("inject", id: "inj-q", payload: Self.payload(swarmID, nodes: 1))
        #expect(effects.rejections.isEmpty)
        #expect(effects.appendRequests.map(\.nodeID) == [1])
    }

    @Test("a node that has ended rejects injections that target it")
    func endedNode() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        try harness.workerCompleted(job: Self.job, node: 1, reason: "agent_restart_limit")
        let effects = try harness.command("inject", id: "inj-e", payload: Self.payload(swarmID, nodes: [0, 1]))
        #expect(effects.rejections.first?.reason == "node 1 of swarm \(swarmID) has ended; target the running nodes")
        #expect(effects.appendRequests.isEmpty)
    }

    @Test("appends to one node are serialised: the second goes out only after the first is acknowledged")
    func appendsSerialisedPerNode() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)

        let first = try harness.command("inject", id: "a", payload: Self.payload(swarmID, nodes: 0, content: "first"))
        let second = try harness.command("inject", id: "b", payload: Self.payload(swarmID, nodes: 0, content: "second"))
        let other = try harness.command(
            "inject", id: "c", payload: Self.payload(swarmID, nodes: 1, content: "other node"))
        #expect(first.appendRequests.map(\.id) == [1])
        #expect(second.broadcastEvents.compactMap(\.injectAck).count == 1, "the second inject is acknowledged at once")
        #expect(second.appendRequests.isEmpty, "but its append waits for the first")
        #expect(other.appendRequests.map(\.id) == [3], "another node is not held up")

        let afterFirst = harness.appended(1)
        #expect(afterFirst.eventNames == ["inject_delivered"])
        #expect(afterFirst.broadcastEvents.first?.requestID == "a")
        let next = try #require(afterFirst.appendRequests.first)
        #expect(next.id == 2)
        #expect(try WireCoding.decode(InboxLine.self, from: next.line).content == "second")

        let afterSecond = harness.appended(2)
        #expect(afterSecond.broadcastEvents.map(\.requestID) == ["b"])
        #expect(afterSecond.appendRequests.isEmpty)
        #expect(harness.appended(2).isEmpty, "a repeated acknowledgement is ignored")
        #expect(harness.appended(99).isEmpty, "an acknowledgement for no append is ignored")
    }

    @Test("a failed append reports inject_failed with the relay's error and lets the next append go")
    func appendFailure() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let first = try harness.command("inject", id: "a", payload: Self.payload(swarmID, content: "first"))
        try harness.command("inject", id: "b", payload: Self.payload(swarmID, content: "second"))
        let ack = try #require(first.broadcastEvents.compactMap(\.injectAck).first)

        let effects = harness.appendFailed(1, error: "No space left on device")
        let failed = try #require(effects.broadcastEvents.compactMap(\.injectFailed).first)
        #expect(failed.requestID == "a")
        #expect(failed.injectionID == ack.injectionID)
        #expect(failed.error == "No space left on device")
        #expect(effects.appendRequests.map(\.id) == [2])
        #expect(harness.snapshot.swarms.values[0].nodes[0].openInjections.isEmpty, "a failed injection is not awaited")
    }

    @Test("a node that ends fails its in-flight and queued injections so no client waits forever")
    func nodeEndFailsPendingAppends() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        try harness.command("inject", id: "a", payload: Self.payload(swarmID, nodes: 0, content: "first"))
        try harness.command("inject", id: "b", payload: Self.payload(swarmID, nodes: 0, content: "second"))

        // It ends alone (its agent kept crashing) while the job runs on: nothing holds its prompts.
        let effects = try harness.workerCompleted(job: Self.job, node: 0, reason: "agent_restart_limit")
        let failed = effects.broadcastEvents.compactMap(\.injectFailed)
        #expect(failed.map(\.requestID) == ["a", "b"])
        #expect(failed.allSatisfy { $0.error?.hasPrefix("node ended before delivery") == true })
        #expect(effects.streamEvents.map(\.body).contains(.nodeEnded(reason: "agent_restart_limit")))
        #expect(harness.appended(1).isEmpty, "a late acknowledgement for the failed append is ignored")
    }
}

import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Agents report a thread's running token totals; `usage` also says what the current turn used.
@Suite("RouterCore per-turn usage")
struct RouterCoreTurnUsageTests {
    static let job: JobID = "local_70ce0001"

    static func usages(_ effects: [RouterEffect]) -> [TokenUsage] {
        effects.streamEvents.compactMap { event in
            if case .usage(let usage) = event.body { return usage }
            return nil
        }
    }

    @Test("the second turn's usage counts only that turn, while total_tokens stays the thread's total")
    func secondTurnCountsItself() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let first = try #require(try harness.injectDelivered(swarmID, content: "one", id: "i1")[0])
        let firstTurn = try harness.demoTurn(
            job: Self.job, node: 0, injection: first, turn: "t1", deltas: ["a"], totalTokens: 1200)
        #expect(Self.usages(firstTurn).map(\.turnTotalTokens) == [1200])

        let second = try #require(try harness.injectDelivered(swarmID, content: "two", id: "i2")[0])
        let secondTurn = try harness.demoTurn(
            job: Self.job, node: 0, injection: second, turn: "t2", deltas: ["b"], totalTokens: 2500)
        let usage = try #require(Self.usages(secondTurn).first)
        #expect(usage.totalTokens == 2500, "the thread's running total is kept as the agent sent it")
        #expect(usage.turnTotalTokens == 1300)
        #expect(usage.turnInputTokens == 1300)
        #expect(usage.turnOutputTokens == 0)
    }

    @Test("several reports within one turn all count from the turn's start")
    func reportsWithinATurn() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let first = try #require(try harness.injectDelivered(swarmID, content: "one", id: "i1")[0])
        try harness.demoTurn(job: Self.job, node: 0, injection: first, turn: "t1", deltas: ["a"], totalTokens: 1000)
        let second = try #require(try harness.injectDelivered(swarmID, content: "two", id: "i2")[0])
        try harness.rpc(job: Self.job, node: 0, injection: second, AppServer.turnStarted(turn: "t2"))
        let early = try harness.rpc(
            job: Self.job, node: 0, injection: second, AppServer.tokenUsage(total: 1400, turn: "t2"))
        let late = try harness.rpc(
            job: Self.job, node: 0, injection: second, AppServer.tokenUsage(total: 1900, turn: "t2"))
        #expect(Self.usages(early + late).map(\.turnTotalTokens) == [400, 900])
    }

    @Test("a total below the turn's base (the agent restarted on a new thread) counts from zero")
    func newThreadCountsFromZero() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        let first = try #require(try harness.injectDelivered(swarmID, content: "one", id: "i1")[0])
        try harness.demoTurn(job: Self.job, node: 0, injection: first, turn: "t1", deltas: ["a"], totalTokens: 5000)
        let second = try #require(try harness.injectDelivered(swarmID, content: "two", id: "i2")[0])
        let restarted = try harness.demoTurn(
            job: Self.job, node: 0, injection: second, turn: "t2", deltas: ["b"], totalTokens: 300)
        #expect(Self.usages(restarted).map(\.turnTotalTokens) == [300])
    }
}

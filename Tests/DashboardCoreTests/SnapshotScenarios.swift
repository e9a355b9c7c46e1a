import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport

/// The screens the snapshot tests render, each built by feeding events like a real session would.
enum SnapshotScenarios {
    static let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// Where the recorded snapshot files live, next to this source file.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    /// Nothing yet: still connecting to the router.
    static func empty(_ size: ScreenSize) -> DashboardHarness {
        DashboardHarness(size: size, connected: false)
    }

    /// One swarm of 4 nodes; node 0 has a short conversation with a command and a finished turn.
    static func oneSwarm(_ size: ScreenSize, monochrome: Bool = false) -> DashboardHarness {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 4, size: size, monochrome: monochrome)
        harness.receive(.replayComplete(ReplayComplete(requestID: "dash-2", lastSeq: 0)))
        converse(&harness, node: 0, seq: 1)
        return harness
    }

    /// One swarm of 16 nodes, several of them talking, two marked, the node table focused.
    static func sixteenNodes(_ size: ScreenSize, split: Bool = false) -> DashboardHarness {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 16, size: size)
        harness.receive(.replayComplete(ReplayComplete(requestID: "dash-2", lastSeq: 0)))
        for node in 0..<16 where node % 3 == 0 { converse(&harness, node: node, seq: 100 * (node + 1)) }
        harness.press(.tab, .character(" "), .character("j"), .character("j"), .character("j"), .character(" "))
        if split { harness.press(.character("s")) }
        return harness
    }

    /// Long ids, host names and prompts that must be cut with an ellipsis, never overflow.
    static func longNames(_ size: ScreenSize) -> DashboardHarness {
        var harness = DashboardHarness(size: size)
        let long = "swarm-with-a-really-long-identifier-0123456789abcdef"
        harness.receive(
            DashboardFixtures.list(
                [
                    (long, DashboardFixtures.summary(job: "123456789012345", provider: "slurm-cluster-north-east")),
                    ("b", DashboardFixtures.summary(job: "7", createdSecondsAgo: 9000)),
                ], requestID: "dash-1"))
        harness.completeReplay()
        harness.receive(
            DashboardFixtures.status(
                swarm: long, job: "123456789012345", nodes: 3,
                requestID: harness.lastRequestID(of: "swarm_status") ?? "",
                hostPrefix: "compute-node-in-rack-seventeen-"))
        harness.receive(
            DashboardFixtures.stream(
                long, node: 0, seq: 1,
                .assistant(content: String(repeating: "Supercalifragilisticexpialidocious ", count: 6))))
        harness.press(.character("i"))
        harness.type("please explain " + String(repeating: "the whole build system ", count: 8))
        return harness
    }

    /// CJK and emoji in host names, prompts and answers.
    static func wideCharacters(_ size: ScreenSize) -> DashboardHarness {
        var harness = DashboardFixtures.harness(swarm: "群れ-🐝-01", nodes: 3, size: size)
        let id = "群れ-🐝-01"
        harness.receive(
            DashboardFixtures.stream(id, node: 0, seq: 1, .nodeStarted(hostname: "計算ノード一")),
            DashboardFixtures.stream(id, node: 0, seq: 2, .assistant(content: "ビルドは成功しました 🎉 テストは全部通りました。次は何をしますか？")),
            DashboardFixtures.stream(id, node: 0, seq: 3, .commandStarted(command: "echo 漢字🚀漢字🚀漢字🚀漢字🚀漢字", cwd: nil)),
            DashboardFixtures.stream(id, node: 1, seq: 4, .assistant(content: "한국어 답변입니다")))
        harness.press(.character("i"))
        harness.type("日本語で答えて 🙏")
        return harness
    }

    /// Everything going wrong at once: rejected prompt, failed delivery, agent errors, router gone.
    static func errors(_ size: ScreenSize) -> DashboardHarness {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 4, size: size)
        let id = SwarmID(swarm)
        harness.receive(.replayComplete(ReplayComplete(requestID: "dash-2", lastSeq: 0)))
        harness.press(.tab)
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 0, seq: 1,
                .agentError(message: "agent exited with status 137", code: "agent_exit", willRetry: true)),
            DashboardFixtures.stream(
                swarm, node: 0, seq: 2, .turnComplete(status: "failed", error: "turn stalled for 300s")),
            .injectFailed(
                InjectionEvent(requestID: "x", swarmID: id, injectionID: "i-9", nodeID: 0, error: "inbox not writable"))
        )
        harness.handle(
            .connection(
                .disconnected(
                    reason: "connection refused (127.0.0.1:8765)", retryAt: harness.state.now.addingTimeInterval(4))))
        return harness
    }

    /// Node `node` answers a prompt: deltas, a command, its result, the final message, usage, turn end.
    static func converse(_ harness: inout DashboardHarness, node: Int, seq: Int) {
        let id = SwarmID(swarm)
        let injection = InjectionID("inj-\(node)")
        harness.receive(
            .injectAck(
                InjectionEvent(
                    requestID: "other", swarmID: id, injectionID: injection, nodeID: node,
                    prompt: "run the tests and fix failures")),
            .injectDelivered(InjectionEvent(requestID: "other", swarmID: id, injectionID: injection, nodeID: node)),
            DashboardFixtures.stream(swarm, node: node, seq: seq, injection: injection.rawValue, .turnStarted),
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 1, injection: injection.rawValue,
                .assistantDelta(content: "I'll run the test suite first.")),
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 2, injection: injection.rawValue,
                .commandStarted(command: "swift test", cwd: "/work")),
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 3, injection: injection.rawValue,
                .commandCompleted(
                    command: "swift test", exitCode: 1,
                    output: "Test run with 61 tests\n1 test failed: LayoutTests.overflow")),
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 4, injection: injection.rawValue,
                .assistant(
                    content:
                        "One test fails: `overflow` expects the last fixed part to shrink. I fixed Layout.lengths and all 61 tests pass now."
                )),
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 5, injection: injection.rawValue,
                .usage(TokenUsage(totalTokens: 15_000 + node))))
        harness.advance(seconds: 0)
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: node, seq: seq + 6, injection: injection.rawValue,
                .turnComplete(status: "completed", error: nil)))
    }
}

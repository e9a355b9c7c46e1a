import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// The cockpit verbs as a person runs them, on a real router and demo-agent workers (the fast tier):
/// `approvals`, `approve`, `decline`, `interrupt`, and `inject` steering a running turn.
@Suite(.serialized, .requires(.codeswarmBinary))
struct CockpitCLITests {
    func cli(_ arguments: [String], router: RouterProcess) async throws -> CommandRunner.Output {
        try await CommandRunner.run(
            CodeswarmBinary.path, arguments + ["--config", router.configPath ?? ""],
            environment: router.clientEnvironment, timeout: .seconds(60))
    }

    static func config() -> String {
        let object: [String: Any] = [
            "provider": "local",
            "agent": ["command": ["codeswarm", "demo-agent"], "approval_policy": "on-request"],
            "router": ["graceful_terminate_seconds": 10],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("an approval waits for a person: approvals lists it, approve answers it once, decline the next")
    func approveAndDecline() async throws {
        let router = try RouterProcess(config: Self.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 2)

        let request = try client.command(
            "inject", payload: ["swarm_id": swarm, "nodes": [0, 1], "content": "Run the tests [demo:approval]"])
        for node in [0, 1] {
            _ = try client.waitFor(timeout: 30, "approval_requested on node \(node)") {
                $0.eventName == "approval_requested" && $0.data["node_id"] as? Int == node
            }
        }
        let list = try await cli(["approvals", "--json"], router: router)
        #expect(list.status == .exited(0), "\(list.standardError)")
        let pending = try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]] ?? []
        #expect(pending.count == 2)
        #expect(pending.allSatisfy { ($0["command"] as? String)?.contains("make test") == true })
        let human = try await cli(["approvals"], router: router)
        #expect(human.standardOutput.contains("command: /bin/bash -lc 'make test'"), "\(human.standardOutput)")

        func id(node: Int) -> String {
            pending.first { $0["node_id"] as? Int == node }?["approval_id"] as? String ?? ""
        }
        let approve = try await cli(["approve", String(id(node: 0).prefix(8))], router: router)
        #expect(approve.status == .exited(0), "\(approve.standardError)")
        #expect(approve.standardOutput.contains("accept sent"))
        let decline = try await cli(["decline", id(node: 1)], router: router)
        #expect(decline.status == .exited(0), "\(decline.standardError)")
        let again = try await cli(["approve", id(node: 1)], router: router)
        #expect(again.status == .exited(1))
        #expect(again.standardError.contains("already answered: decline by person"), "\(again.standardError)")

        let acks = client.received.filter {
            $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request
        }
        for ack in acks {
            let injection = ack.data["injection_id"] as? String ?? ""
            let done = try client.waitFor(timeout: 30, "turn_complete of \(injection)") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(done.data["status"] as? String == "completed")
        }
        // The demo agent's answer names the decision it got.
        let answers = client.received.filter { $0.eventName == "assistant" }.compactMap {
            $0.data["content"] as? String
        }
        #expect(answers.contains { $0.contains("accept") })
        #expect(answers.contains { $0.contains("decline") })
        #expect(try await cli(["approvals"], router: router).standardOutput.contains("no approvals waiting"))
    }

    @Test("inject steers a running turn; interrupt ends another node's turn, whose queued prompt then runs")
    func steerAndInterrupt() async throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 2)
        let slow = try client.command(
            "inject", payload: ["swarm_id": swarm, "content": "Long answer [demo:slow=300] [demo:deltas=20]"])
        _ = try client.waitFor(timeout: 30, "streaming") { _ in
            client.received.filter { $0.eventName == "assistant_delta" }.count >= 4
        }

        let queued = try client.command(
            "inject", payload: ["swarm_id": swarm, "nodes": 1, "content": "after the interrupt", "mode": "queue"])
        let interrupt = try await cli(["interrupt", swarm, "-w", "1"], router: router)
        #expect(interrupt.status == .exited(0), "\(interrupt.standardError)")
        #expect(interrupt.standardOutput.contains("interrupt sent to node(s) 1"))
        // Node 0 still streams: the CLI's prompt joins its turn and waits for that turn's end.
        let steer = try await cli(["inject", swarm, "--prompt", "STEERED kiwi", "-w", "0"], router: router)
        #expect(steer.status == .exited(0), "\(steer.standardError)")
        #expect(steer.standardError.contains("steered into the running turn"), "\(steer.standardError)")

        let firsts = client.received.filter { $0.eventName == "inject_ack" && $0.data["request_id"] as? String == slow }
        let onNode1 = firsts.first { $0.data["node_id"] as? Int == 1 }?.data["injection_id"] as? String ?? ""
        let ended = try client.waitFor(timeout: 30, "node 1's turn") {
            $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == onNode1
        }
        #expect(ended.data["status"] as? String == "interrupted")
        let next = try #require(
            client.received.first { $0.eventName == "inject_ack" && $0.data["request_id"] as? String == queued })
        let nextID = next.data["injection_id"] as? String ?? ""
        let nextDone = try client.waitFor(timeout: 30, "the queued prompt") {
            $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == nextID
        }
        #expect(nextDone.data["status"] as? String == "completed")
        let interruptedAgain = try await cli(["interrupt", swarm, "-w", "1"], router: router)
        #expect(interruptedAgain.standardOutput.contains("nothing to interrupt"))
    }
}

import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Resume on the official codex with the local provider: each node's codex reopens its thread in a new process
/// from its own per-node `CODEX_HOME`, and its next request to the model carries the earlier conversation.
@Suite(
    .serialized,
    .enabled(if: RealCodex.shouldRun, "needs \(RealCodex.missingComponent ?? "codex") (bash scripts/codex/install.sh)"))
struct RealCodexResumeLocalTests {
    @Test("workers killed, `swarm_resume`: every node's next model request carries its earlier turns; answers recall")
    func resumeCarriesTheConversation() async throws {
        try RealCodex.require()
        let words = ["apple", "birch", "cobalt"]
        let swarm = try RealCodexSwarm(nodes: 3, systemPrompt: "")
        defer { swarm.close() }
        for (node, word) in words.enumerated() {
            try swarm.inject("Remember the word \(word). [sim:deltas=2]", nodes: [node])
        }
        // Each node's codex keeps its own history in the swarm's folder, not in the shared login home.
        let folder = MailboxLayout.swarmNodeDirectory(base: swarm.base, swarmID: SwarmID(swarm.swarm), nodeID: 0)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/codex-home/sessions"))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/thread.json"))

        // Everything dies (a machine restart): router and workers.
        await swarm.router.kill(signal: SIGKILL)
        swarm.router.killLeftovers()
        try swarm.router.start()
        let client = try swarm.router.plainClient()
        _ = try client.waitFor(timeout: 60, "the router finds the workers gone") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm.swarm
        }
        let before = swarm.standIn.requests().count
        let request = try client.command("swarm_resume", payload: ["swarm_id": swarm.swarm])
        let resumed = try client.waitFor(timeout: 120, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
                && $0.data["request_id"] as? String == request
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        #expect((resumed.data["nodes"] as? [[String: Any]] ?? []).allSatisfy { $0["resumed"] as? Bool == true })

        let injections = try client.injectAndWait(swarm: swarm.swarm, content: "Which word? [sim:recall]", timeout: 120)
        #expect(injections.count == 3)
        for injection in injections {
            let node =
                client.received.first {
                    $0.eventName == "inject_ack" && $0.data["injection_id"] as? String == injection
                }?.data["node_id"] as? Int ?? -1
            let word = node >= 0 && node < words.count ? words[node] : "?"
            let answer =
                client.received.last {
                    $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
                }?.data["content"] as? String ?? ""
            #expect(answer.contains("Remember the word \(word)."), "node \(node) answered: \(answer)")
        }
        // What codex sent the model after the resume: each node's new request holds its own earlier turn.
        let after = swarm.standIn.requests().dropFirst(before).filter { $0.path.hasSuffix("/responses") }
        for word in words {
            let carrying = after.filter { request in
                let users = request.texts(role: "user")
                return users.last?.contains("Which word?") == true && users.contains { $0.contains("word \(word).") }
            }
            #expect(carrying.count == 1, "one request carries \(word)'s conversation")
        }
    }

    @Test(
        "one node's codex history deleted: swarm_resume starts that node on a new thread and says why (codex's own refusal); the others resume and recall"
    )
    func deletedHistoryStartsThatNodeFresh() async throws {
        try RealCodex.require()
        let words = ["amber", "basalt", "cedar"]
        let swarm = try RealCodexSwarm(nodes: 3, systemPrompt: "")
        defer { swarm.close() }
        for (node, word) in words.enumerated() {
            try swarm.inject("Remember the word \(word). [sim:deltas=2]", nodes: [node])
        }
        try swarm.terminate()
        // Node 1's history is gone (its rollouts deleted, as a scratch purge would); its thread record stays.
        let folder = MailboxLayout.swarmNodeDirectory(base: swarm.base, swarmID: SwarmID(swarm.swarm), nodeID: 1)
        try FileManager.default.removeItem(atPath: "\(folder)/codex-home/sessions")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/thread.json"))

        let client = swarm.client
        let request = try client.command("swarm_resume", payload: ["swarm_id": swarm.swarm])
        let resumed = try client.waitFor(timeout: 120, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
                && $0.data["request_id"] as? String == request
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        let nodes = (resumed.data["nodes"] as? [[String: Any]] ?? []).sorted {
            ($0["node_id"] as? Int ?? 0) < ($1["node_id"] as? Int ?? 0)
        }
        #expect(nodes.map { $0["resumed"] as? Bool } == [true, false, true], "\(nodes)")
        let reason = nodes.count == 3 ? nodes[1]["reason"] as? String ?? "" : ""
        #expect(!reason.isEmpty, "the fresh node says why: \(nodes)")

        let injections = try client.injectAndWait(swarm: swarm.swarm, content: "Which word? [sim:recall]", timeout: 120)
        #expect(injections.count == 3)
        for injection in injections {
            let node = swarm.node(ofInjection: injection) ?? -1
            let answer =
                client.received.last {
                    $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
                }?.data["content"] as? String ?? ""
            if node == 1 {
                #expect(!answer.contains("basalt"), "the fresh node has no history: \(answer)")
            } else {
                let word = node >= 0 && node < words.count ? words[node] : "?"
                #expect(answer.contains("Remember the word \(word)."), "node \(node) answered: \(answer)")
            }
        }
    }
}

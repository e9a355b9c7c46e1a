import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

/// Answers approvals in the real dashboard's inbox with keys, as a person does.
extension DashboardInTmux {
    /// In the open inbox: selects the request whose block mentions `needle` (its heading or its command) and
    /// presses `key`; returns the block's text.
    @discardableResult
    func answer(containing needle: String, with key: String) throws -> String {
        var block = ""
        var index: Int?
        try shell.waitFor("an inbox request mentioning \(needle)") { screen in
            (index, block) = Self.block(containing: needle, in: screen)
            return index != nil
        }
        let position = try #require(index, "no request mentions \(needle)")
        try shell.keys("g")
        for _ in 1..<position { try shell.keys("j") }
        try shell.keys(key)
        return block
    }

    /// The 1-based position of the inbox block that mentions `needle`, and its lines.
    static func block(containing needle: String, in screen: String) -> (Int?, String) {
        var current: Int?
        var lines: [Substring] = []
        for line in screen.split(separator: "\n") {
            if let range = line.range(of: #"[0-9]+/[0-9]+ ⚑ "#, options: .regularExpression),
                let number = Int(line[range].prefix { $0.isNumber })
            {
                if current != nil, lines.contains(where: { $0.contains(needle) }) { break }
                current = number
                lines = []
            }
            if current != nil { lines.append(line) }
        }
        guard current != nil, lines.contains(where: { $0.contains(needle) }) else { return (nil, "") }
        return (current, lines.joined(separator: "\n"))
    }
}

/// Issue 9's approvals inbox in the real dashboard in tmux: a demo-agent swarm (codex's shapes) whose two nodes
/// ask to run a command; one is accepted and one declined by keypresses.
@Suite(
    .serialized, .enabled(if: DashboardInTmux.canRun, "needs tmux and a built codeswarm (CI=true makes this a failure)")
)
struct DashboardTmuxApprovalTests {
    static func config() -> String {
        let object: [String: Any] = [
            "provider": "local",
            "agent": ["command": ["codeswarm", "demo-agent"], "approval_policy": "on-request"],
            "router": ["graceful_terminate_seconds": 10],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("two nodes ask to run a command: the header counts them, A lists both, a accepts one, d declines the other")
    func acceptAndDeclineByKeys() throws {
        let dashboard = try DashboardInTmux.start(nodes: 2, config: Self.config(), width: 140, height: 40)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let swarm = try #require(dashboard.swarm)
        try dashboard.waitForIdleNodes(2)
        let watcher = try dashboard.router.plainClient()
        _ = try watcher.command(
            "inject", payload: ["swarm_id": swarm, "nodes": [0, 1], "content": "Run the tests [demo:approval]"])

        try shell.waitFor("the header count") { $0.contains("⚑ 2 approvals · A") }
        try shell.keys("A")
        let inbox = try shell.waitFor("the inbox with both requests") { screen in
            screen.contains("Approvals · 2 waiting") && screen.contains("node 0 (") && screen.contains("node 1 (")
        }
        #expect(inbox.contains("$ /bin/bash -lc 'make test'"))
        #expect(inbox.contains("offers: accept"))

        try dashboard.answer(containing: "node 0 (", with: "a")
        try shell.waitFor("node 0's request answered") { !$0.contains("node 0 (") || $0.contains("sending accept") }
        try dashboard.answer(containing: "node 1 (", with: "d")
        try shell.waitFor("the inbox emptied") { $0.contains("No approval is waiting.") }
        try shell.keys("Escape")
        try shell.waitFor("no count in the header") { screen in
            screen.contains("Nodes ·") && !(screen.split(separator: "\n").first?.contains("approval") ?? true)
        }

        // The demo agent answers with the decision it got.
        let answers = try watcher.waitFor(timeout: 30, "both answers") { _ in
            watcher.events.filter { $0.eventName == "assistant" && $0.data["swarm_id"] as? String == swarm }.count >= 2
        }
        _ = answers
        let byNode = Dictionary(
            watcher.events.filter { $0.eventName == "assistant" }.map {
                ($0.data["node_id"] as? Int ?? -1, $0.data["content"] as? String ?? "")
            }, uniquingKeysWith: { $1 })
        #expect(byNode[0]?.contains("accept") == true, "node 0: \(byNode[0] ?? "")")
        #expect(byNode[1]?.contains("decline") == true, "node 1: \(byNode[1] ?? "")")
        let decided = watcher.events.filter { $0.eventName == "approval_decided" }.map {
            ($0.data["node_id"] as? Int ?? -1, $0.data["decision"] as? String ?? "", $0.data["by"] as? String ?? "")
        }
        #expect(decided.contains { $0 == (0, "accept", "person") })
        #expect(decided.contains { $0 == (1, "decline", "person") })
    }
}

/// The same on the official codex (only the model stubbed): under `approval_policy: untrusted` codex asks to run
/// `touch` on 2 nodes; in the dashboard's inbox one is accepted by a keypress (its file is created) and one is
/// declined (its file is not).
@Suite(
    .serialized,
    .enabled(
        if: RealCodex.shouldRun && DashboardInTmux.canRun,
        "needs \(RealCodex.missingComponent ?? "tmux") (bash scripts/codex/install.sh)"))
struct DashboardTmuxRealCodexApprovalTests {
    @Test("untrusted codex on 2 nodes: both requests in the inbox; a runs one (file created), d declines the other")
    func approvalsInTheInbox() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 2, agent: ["approval_policy": "untrusted"])
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 2)
        let dashboard = try DashboardInTmux.open(router: swarm.router, swarm: swarm.swarm, width: 150, height: 44)
        defer { dashboard.stopShell() }
        let shell = dashboard.shell
        try shell.waitFor("the swarm") { $0.contains(String(swarm.swarm.prefix(8))) && $0.contains("Nodes ·") }

        let yes = try swarm.injectNoWait("Create it [sim:exec=touch approved.txt]", nodes: [0])
        let no = try swarm.injectNoWait("Create it [sim:exec=touch declined.txt]", nodes: [1])
        let accepted = try #require(try swarm.injections(ofRequest: yes, count: 1).first)
        let declined = try #require(try swarm.injections(ofRequest: no, count: 1).first)

        try shell.waitFor("the header count", timeout: 90) { $0.contains("⚑ 2 approvals · A") }
        try shell.keys("A")
        let inbox = try shell.waitFor("both codex requests in the inbox") { screen in
            screen.contains("Approvals · 2 waiting") && screen.contains("approved.txt")
                && screen.contains("declined.txt")
        }
        #expect(inbox.contains("offers: accept"), "codex's available decisions are listed:\n\(inbox)")
        let block = try dashboard.answer(containing: "approved.txt", with: "a")
        #expect(block.contains("node 0"), "the accepted request is node 0's:\n\(block)")
        #expect(block.contains("in /"), "its working directory is shown:\n\(block)")
        try shell.waitFor("the accepted one answered") { !$0.contains("approved.txt") || $0.contains("sending") }
        try dashboard.answer(containing: "declined.txt", with: "d")
        try shell.waitFor("the inbox emptied", timeout: 30) { $0.contains("No approval is waiting.") }

        for injection in [accepted, declined] {
            _ = try swarm.client.waitFor(timeout: 120, "turn_complete of \(injection)") { event in
                event.eventName == "turn_complete" && event.data["injection_id"] as? String == injection
            }
        }
        let folder0 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 0)
        let folder1 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 1)
        #expect(FileManager.default.fileExists(atPath: "\(folder0)/approved.txt"), "the accepted command ran")
        #expect(!FileManager.default.fileExists(atPath: "\(folder1)/declined.txt"), "the declined command did not")
        let decided = swarm.client.received.filter { $0.eventName == "approval_decided" }.map {
            "\($0.data["node_id"] as? Int ?? -1)=\($0.data["decision"] as? String ?? "")/\($0.data["by"] as? String ?? "")"
        }
        #expect(Set(decided) == ["0=accept/person", "1=decline/person"], "\(decided)")
        try shell.keys("Escape")
        try shell.waitFor("no approvals left in the header") { screen in
            screen.contains("Nodes ·") && !(screen.split(separator: "\n").first?.contains("approval") ?? true)
        }
    }
}

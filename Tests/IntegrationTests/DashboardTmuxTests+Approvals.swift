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

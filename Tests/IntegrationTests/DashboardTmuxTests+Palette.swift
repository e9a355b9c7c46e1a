import Foundation
import TestSupport
import Testing

/// Issue 9's dashboard safety, seen as a user sees it: the real dashboard in tmux, a real router and a local demo
/// swarm, with a plain client watching what reaches the nodes.
@Suite(
    .serialized, .enabled(if: DashboardInTmux.canRun, "needs tmux and a built codeswarm (CI=true makes this a failure)")
)
struct DashboardTmuxPaletteTests {
    @Test(
        "a broadcast asks first (n sends nothing, y sends once), the palette completes and refuses unknown verbs, :q sends nothing"
    )
    func safety() throws {
        let dashboard = try DashboardInTmux.start(width: 120, height: 36)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let swarm = try #require(dashboard.swarm)
        let watcher = try dashboard.router.plainClient()
        try dashboard.waitForIdleNodes(4)
        func acks() throws -> Int {
            try watcher.drain(for: 0.3)
            return watcher.received.filter { $0.eventName == "inject_ack" && $0.data["swarm_id"] as? String == swarm }
                .count
        }
        let before = try acks()

        // Every node: the send asks once; n sends nothing and keeps the text.
        try shell.keys("t")
        try shell.waitFor("target all") { $0.contains("[all 4]") }
        try dashboard.sendPrompt("hello everyone")
        let dialog = try shell.waitFor("the question") { $0.contains("Send to 4 nodes?") }
        #expect(dialog.contains("hello everyone"))
        #expect(try acks() == before)
        try shell.keys("n")
        try shell.waitFor("back on the prompt line") {
            !$0.contains("Send to 4 nodes?") && $0.contains("hello everyone")
        }
        #expect(try acks() == before)
        try shell.keys("Enter")
        try shell.waitFor("the question again") { $0.contains("Send to 4 nodes?") }
        try shell.keys("y")
        try shell.waitFor("the answers") { $0.contains("Demo answer") }
        _ = try watcher.waitFor(timeout: 10, "four acks") { _ in
            watcher.received.filter { $0.eventName == "inject_ack" && $0.data["swarm_id"] as? String == swarm }.count
                >= before + 4
        }
        let afterSend = try acks()
        #expect(afterSend == before + 4, "one inject for the four nodes, acked once per node")
        try shell.keys("Escape")
        try shell.waitFor("browsing") { !$0.contains("Enter send") }

        // The palette: Tab completes, an unknown verb is refused and nothing is sent.
        try shell.keys(":")
        try shell.waitFor("the palette") { $0.contains("┌─ Commands") }
        try shell.literal("term")
        try shell.keys("Tab")
        // capture-pane drops the trailing space; the swarm ids offered next show the verb is complete.
        let prefix = String(swarm.prefix(8))
        try shell.waitFor("the completed verb") { screen in
            screen.contains(":terminate") && screen.split(separator: "\n").contains { $0.contains("│  \(prefix)") }
        }
        try shell.keys("C-u")
        try shell.literal("fix the tests")
        try shell.keys("Enter")
        try shell.waitFor("the refusal") { $0.contains("Unknown command “fix”") }
        #expect(try acks() == afterSend)

        // :q quits without sending anything.
        try shell.keys("C-u")
        try shell.literal("q")
        try shell.keys("Enter")
        let exited = try shell.waitFor("the shell") {
            $0.range(of: "DASHBOARD-EXIT=[0-9]", options: .regularExpression) != nil
        }
        #expect(exited.contains("DASHBOARD-EXIT=0"))
        #expect(try acks() == afterSend, ":q sent something to the nodes")
    }
}

/// Issue 10 in the dashboard: an ended swarm comes back with `R`, its nodes reopening their threads.
@Suite(
    .serialized, .enabled(if: DashboardInTmux.canRun, "needs tmux and a built codeswarm (CI=true makes this a failure)")
)
struct DashboardTmuxResumeTests {
    @Test("R refuses a running swarm, then resumes it once ended: the router resumes every node's thread")
    func resumeKey() throws {
        let dashboard = try DashboardInTmux.start(nodes: 2, width: 140, height: 36)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let swarm = try #require(dashboard.swarm)
        let watcher = try dashboard.router.plainClient()
        try dashboard.waitForIdleNodes(2)

        try shell.keys("R")
        try shell.waitFor("the refusal") { $0.contains("is running; only an ended swarm can be resumed") }

        try watcher.command("swarm_terminate", payload: ["swarm_id": swarm])
        _ = try watcher.waitFor(timeout: 60, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        try shell.waitFor("the swarm ended") { screen in
            screen.split(separator: "\n").contains { $0.contains(String(swarm.prefix(8))) && $0.contains("terminated") }
        }

        try shell.keys("R")
        let resumed = try watcher.waitFor(timeout: 60, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        let nodes = try #require(resumed.data["nodes"] as? [[String: Any]])
        #expect(nodes.count == 2)
        #expect(nodes.allSatisfy { $0["resumed"] as? Bool == true }, "\(nodes)")
        try shell.waitFor("the outcome in the header") { $0.contains("resumed on job") }
        try dashboard.waitForIdleNodes(2)
    }
}

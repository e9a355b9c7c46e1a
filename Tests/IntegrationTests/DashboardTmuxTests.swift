import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// The real dashboard in tmux against a real router and a local demo swarm (issue 4 acceptance 3).
@Suite(
    .serialized, .enabled(if: DashboardInTmux.canRun, "needs tmux and a built codeswarm (CI=true makes this a failure)")
)
struct DashboardTmuxTests {
    @Test(
        "the dashboard shows the swarm and its nodes, streams injected answers, splits, re-lays out on resize, and q quits"
    )
    func liveSession() throws {
        let dashboard = try DashboardInTmux.start()
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let session = shell.session
        let swarm = try #require(dashboard.swarm)

        let first = try shell.waitFor("the swarm and its 4 nodes") { screen in
            screen.contains(String(swarm.prefix(8)))
                && (0..<4).allSatisfy { node in
                    screen.split(separator: "\n").contains {
                        $0.contains("│") && $0.contains(" \(node) ") && $0.contains("idle")
                    }
                }
        }
        #expect(first.contains("running"))

        // Target every node, type an injection on the prompt line, send it.
        try shell.keys("i")
        try shell.waitFor("the prompt line") { $0.contains("›") }
        // With no node marked the target cycle is focused → all (issue 9: no `[0 marked]` stop).
        try shell.keys("Tab")
        try shell.waitFor("target: all nodes") { $0.contains("[all 4]") }
        try shell.literal("Optimize GEMM tiling please")
        try shell.keys("Enter")
        // Every node: the dashboard asks once before sending.
        try shell.waitFor("the question before a broadcast") { $0.contains("Send to 4 nodes?") }
        try shell.keys("y")
        try shell.waitFor("the streamed answer in the focused pane") {
            $0.contains("Optimize GEMM tiling please") && $0.contains("Demo answer")
        }

        // Split view: several nodes side by side, each with its own answer.
        try shell.keys("Escape")
        // Escape followed at once by a key reads as Alt+key; a real typist pauses.
        try shell.waitFor("browsing mode again") { !$0.contains("Esc leave") }
        try shell.keys("s")
        let split = try shell.waitFor("several node panes") { screen in
            (0..<4).filter { screen.contains("─ #\($0) ·") }.count >= 2
        }
        #expect(split.components(separatedBy: "Demo answer").count - 1 >= 2, "answers in several panes:\n\(split)")

        // Resizing the window re-lays out to the new width.
        _ = try shell.run(["resize-window", "-t", session, "-x", "160", "-y", "48"])
        // tmux applies the new width and height in separate steps; wait for both before judging the layout.
        let wide = try shell.waitFor("the 160×48 layout") { screen in
            let lines = screen.split(separator: "\n")
            return lines.count >= 40 && lines.contains { $0.count >= 150 && $0.contains("─") }
        }
        #expect(wide.split(separator: "\n").count >= 40)

        // q quits and gives the shell back.
        try shell.keys("q")
        let after = try shell.waitFor("the shell prompt") { $0.contains("DASHBOARD-EXIT=0") && $0.contains("READY$") }
        #expect(after.contains("DASHBOARD-EXIT=0"))
    }
}

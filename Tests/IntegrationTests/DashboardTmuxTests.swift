import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// The real dashboard in tmux against a real router and a local demo swarm (issue 4 acceptance 3).
@Suite(.serialized)
struct DashboardTmuxTests {
    /// A tmux session running one command, driven with send-keys and read with capture-pane.
    struct Tmux {
        let session: String
        let tmux: String

        /// Runs a tmux client command on this test's own server socket and returns its output.
        func run(_ arguments: [String]) throws -> String {
            try runProcess(tmux, ["-L", session] + arguments)
        }

        /// Starts the server and session. Its output is not read: the server it forks inherits stdout, so
        /// reading until end of file would wait for the server to exit.
        func start(_ arguments: [String]) throws {
            let process = try ChildProcess.spawn(
                executable: tmux, arguments: ["-L", session] + arguments, stdin: .null, stdout: .null, stderr: .null)
            var status: Int32 = 0
            while waitpid(process.pid, &status, 0) == -1, errno == EINTR {}
        }

        func keys(_ keys: String...) throws {
            _ = try run(["send-keys", "-t", session] + keys)
        }

        func literal(_ text: String) throws {
            _ = try run(["send-keys", "-t", session, "-l", text])
        }

        func screen() throws -> String {
            try run(["capture-pane", "-p", "-t", session])
        }

        /// Polls the screen until `predicate` holds (bounded), returning the last screen.
        @discardableResult
        func waitFor(_ description: String, timeout: TimeInterval = 20, _ predicate: (String) -> Bool) throws -> String
        {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if predicate(last) { return last }
                usleep(100_000)
            }
            Issue.record("timed out waiting for \(description); screen:\n\(last)")
            return last
        }
    }

    @Test(
        "the dashboard shows the swarm and its nodes, streams injected answers, splits, re-lays out on resize, and q quits"
    )
    func liveSession() throws {
        guard try Demo.requireBinary() else { return }
        guard let tmux = ["/usr/bin/tmux", "/bin/tmux"].first(where: FileManager.default.isExecutableFile) else {
            if CodeswarmBinary.isCI { Issue.record("tmux is missing (scripts/ci-setup.sh installs it)") }
            return
        }
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "6", "--delay-ms", "20"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 4)

        let session = "codeswarm-test-\(getpid())"
        let shell = Tmux(session: session, tmux: tmux)
        let environment = router.clientEnvironment
        let command = [
            "env", "LANG=C.UTF-8", "TERM=tmux-256color",
            "CODESWARM_STATE_DIR=\(environment["CODESWARM_STATE_DIR"] ?? "")",
            "CODESWARM_ROUTER_PORT=\(router.port)", CodeswarmBinary.path, "dashboard", "--config",
            router.configPath ?? "",
            "--swarm", swarm,
        ].map { "'\($0)'" }.joined(separator: " ")
        try shell.start(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", "bash --norc --noprofile"])
        defer { try? shell.start(["kill-server"]) }
        try shell.literal("PS1='READY$ '; clear; \(command); echo DASHBOARD-EXIT=$?")
        try shell.keys("Enter")

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
        try shell.keys("Tab")
        try shell.keys("Tab")
        try shell.waitFor("target: all nodes") { $0.lowercased().contains("all") }
        try shell.literal("Optimize GEMM tiling please")
        try shell.keys("Enter")
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
        let wide = try shell.waitFor("the 160-column layout") { screen in
            screen.split(separator: "\n").contains { $0.count >= 150 && $0.contains("─") }
        }
        #expect(wide.split(separator: "\n").count >= 40)

        // q quits and gives the shell back.
        try shell.keys("q")
        let after = try shell.waitFor("the shell prompt") { $0.contains("DASHBOARD-EXIT=0") && $0.contains("READY$") }
        #expect(after.contains("DASHBOARD-EXIT=0"))
    }
}

import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A tmux server of the test's own running a shell, driven with send-keys and read with capture-pane.
struct Tmux {
    let session: String
    let tmux: String

    /// The tmux binary, if installed.
    static let binary = ["/usr/bin/tmux", "/bin/tmux"].first(where: FileManager.default.isExecutableFile)

    /// Runs a tmux client command on this test's own server socket and returns its output.
    @discardableResult
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
    func waitFor(_ description: String, timeout: TimeInterval = 20, _ predicate: (String) -> Bool) throws -> String {
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

    /// Polls until `predicate` holds, without recording a failure; true if it did within `timeout`.
    func becomes(within timeout: TimeInterval, _ predicate: (String) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(try screen()) { return true }
            usleep(100_000)
        }
        return false
    }
}

/// The real dashboard in tmux, against a real router running a local demo swarm.
///
/// The dashboard runs in a plain bash of its own tmux server; when it exits, the shell prints
/// `DASHBOARD-EXIT=<status>`, so a test can check both the screen and the exit code.
struct DashboardInTmux {
    let router: RouterProcess
    let shell: Tmux
    /// The swarm launched for the test, if one was.
    let swarm: String?

    /// True when the test can run here: tmux installed and the binary built; in CI it must run (and fails
    /// when something is missing).
    static var canRun: Bool {
        (Tmux.binary != nil && CodeswarmBinary.isBuilt) || CodeswarmBinary.isCI
            || ProcessInfo.processInfo.environment["CODESWARM_REQUIRE_CLUSTER"] == "1"
    }

    /// Starts a router with the demo agent, launches `nodes` nodes (none for 0), and opens the dashboard in
    /// tmux at `width`×`height` with `term` and the extra `environment`, selecting the swarm.
    static func start(
        nodes: Int = 4, agentFlags: [String] = ["--deltas", "6", "--delay-ms", "20"], config: String? = nil,
        width: Int = 120, height: Int = 36, term: String = "tmux-256color", environment extra: [String: String] = [:],
        tmuxOptions: [[String]] = []
    ) throws -> DashboardInTmux {
        try #require(CodeswarmBinary.isBuilt, "codeswarm is not built at \(CodeswarmBinary.path); run `swift build`")
        let router = try RouterProcess(config: config ?? Demo.config(agentFlags: agentFlags))
        var swarm: String?
        if nodes > 0 {
            let client = try router.plainClient()
            swarm = try client.launch(nodes: nodes).swarm
        }
        return try open(
            router: router, swarm: swarm, width: width, height: height, term: term, environment: extra,
            tmuxOptions: tmuxOptions)
    }

    /// Opens the dashboard in tmux on an already running `router`, selecting `swarm`.
    static func open(
        router: RouterProcess, swarm: String?, width: Int = 120, height: Int = 36, term: String = "tmux-256color",
        environment extra: [String: String] = [:], tmuxOptions: [[String]] = []
    ) throws -> DashboardInTmux {
        let tmux = try #require(Tmux.binary, "tmux is missing (scripts/ci-setup.sh installs it)")
        let shell = Tmux(session: "codeswarm-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", tmux: tmux)
        var environment = [
            "LANG": "C.UTF-8", "TERM": term, "CODESWARM_STATE_DIR": router.stateDirectory,
            "CODESWARM_ROUTER_PORT": String(router.port),
        ]
        environment.merge(extra) { _, new in new }
        var command = ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        command += [CodeswarmBinary.path, "dashboard", "--config", router.configPath ?? ""]
        if let swarm { command += ["--swarm", swarm] }
        let line = command.map { "'\($0)'" }.joined(separator: " ")
        try shell.start([
            "new-session", "-d", "-s", shell.session, "-x", String(width), "-y", String(height),
            "bash --norc --noprofile",
        ])
        for option in tmuxOptions { try shell.run(option) }
        try shell.literal("PS1='READY$ '; clear; \(line); echo DASHBOARD-EXIT=$?")
        try shell.keys("Enter")
        return DashboardInTmux(router: router, shell: shell, swarm: swarm)
    }

    /// Waits until the dashboard shows the swarm's nodes, all idle.
    @discardableResult
    func waitForIdleNodes(_ count: Int) throws -> String {
        let prefix = String((swarm ?? "").prefix(8))
        return try shell.waitFor("the swarm and its \(count) idle nodes") { screen in
            screen.contains(prefix)
                && (0..<count).allSatisfy { node in
                    screen.split(separator: "\n").contains {
                        $0.contains("│") && $0.contains(" \(node) ") && $0.contains("idle")
                    }
                }
        }
    }

    /// Types `text` on the prompt line and sends it to the current target.
    func sendPrompt(_ text: String) throws {
        try shell.keys("i")
        try shell.waitFor("the prompt line") { $0.contains("Enter sends") || $0.contains("›") }
        try shell.literal(text)
        try shell.keys("Enter")
    }

    /// Leaves any input line (Esc) and quits with `q`; returns the shell's screen once the exit status is printed.
    @discardableResult
    func quit() throws -> String {
        try shell.keys("Escape")
        try shell.keys("q")
        return try shell.waitFor("the shell prompt after q") {
            $0.range(of: "DASHBOARD-EXIT=[0-9]", options: .regularExpression) != nil && $0.contains("READY$")
        }
    }

    /// Stops tmux only (the router belongs to someone else, such as a `RealCodexSwarm`).
    func stopShell() {
        try? shell.start(["kill-server"])
    }

    /// Stops tmux and every process of the router.
    func stop() {
        try? shell.start(["kill-server"])
        if let process = router.process { process.send(signal: SIGCONT) }
        router.killLeftovers()
    }
}

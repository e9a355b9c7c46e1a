import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The CLI as a person and a script meet it (issue 12): streaming on a terminal, Ctrl-C, JSON documents, and the
/// configuration of a router a client restarts.
@Suite(
    .serialized, .enabled(if: CodeswarmBinary.isBuilt || CodeswarmBinary.isCI, "codeswarm is not built (CI=true fails)")
)
struct CLIBehaviourTests {
    /// A slow demo agent: 12 deltas 400 ms apart, so an answer takes about 5 s to stream (slow enough to see it
    /// grow, and to interrupt the command mid-turn, on a loaded machine).
    static let slowConfig = Demo.config(agentFlags: ["--deltas", "12", "--delay-ms", "400"])

    func cli(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(120)) async throws
        -> CommandRunner.Output
    {
        try await CommandRunner.run(CodeswarmBinary.path, arguments, environment: environment, timeout: timeout)
    }

    /// Polls `path` until its text satisfies `predicate` (bounded); returns the last text seen.
    ///
    /// It polls on the calling thread (`usleep`), not with `Task.sleep`: on a loaded machine other suites keep the
    /// few cooperative threads busy, and a sleeping task may resume only after what it watches is over.
    @discardableResult
    func waitForFile(_ path: String, _ description: String, timeout: TimeInterval = 60, _ predicate: (String) -> Bool)
        -> String
    {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if predicate(text) { return text }
            usleep(30_000)
        }
        Issue.record("timed out waiting for \(description); \(path) holds:\n\(text)")
        return text
    }

    @Test("on a terminal inject shows an answer while it streams: the node's line grows before it ends")
    func injectStreamsOnATerminal() async throws {
        #expect(CodeswarmBinary.isBuilt)
        let script = try #require(PathSearch.find("script"), "util-linux script(1) gives the command a terminal")
        let router = try RouterProcess(config: Self.slowConfig)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 1)
        let root = try TemporaryDirectory.make(prefix: "codeswarm-tty")
        let command = [
            CodeswarmBinary.path, "inject", swarm, "--prompt", "'alpha beta gamma'", "--config",
            router.configPath ?? "",
        ].joined(separator: " ")
        let output = "\(root)/typescript"
        // script(1) runs the command on a new pseudo-terminal and copies what it writes to stdout, unbuffered.
        let process = try ChildProcess.spawn(
            executable: script, arguments: ["-q", "-e", "-f", "-c", command, "/dev/null"],
            environment: router.clientEnvironment, stdin: .null, stdout: .file(path: output, append: false),
            stderr: .null)
        var snapshots: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (FileManager.default.contents(atPath: output)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let line = text.replacingOccurrences(of: "\r", with: "").split(separator: "\n").first {
                $0.hasPrefix("[node 0] ")
            }
            if let line, snapshots.last != String(line) { snapshots.append(String(line)) }
            if text.contains("turn complete") { break }
            usleep(20_000)  // On this thread: see waitForFile.
        }
        let status = await process.wait()
        #expect(status == .exited(0))
        let final = try #require(snapshots.last, "no answer line was printed")
        #expect(final.hasSuffix("gamma alpha beta") || final.contains("alpha beta gamma"), "\(final)")
        #expect(snapshots.count >= 2, "the answer line appeared only once complete: \(snapshots)")
        #expect(snapshots.dropLast().allSatisfy { final.hasPrefix($0) && $0 != final })
    }

    @Test("Ctrl-C during inject exits 130 saying the turn goes on and how to follow or stop it; the turn completes")
    func injectInterrupted() async throws {
        #expect(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Self.slowConfig)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 2)
        let root = try TemporaryDirectory.make(prefix: "codeswarm-sigint")
        let process = try ChildProcess.spawn(
            executable: CodeswarmBinary.path,
            arguments: ["inject", swarm, "--prompt", "keep going", "-w", "0-1", "--config", router.configPath ?? ""],
            environment: router.clientEnvironment, stdin: .null, stdout: .file(path: "\(root)/out", append: false),
            stderr: .file(path: "\(root)/err", append: false))
        waitForFile("\(root)/err", "both deliveries") {
            $0.contains("node 0: delivered") && $0.contains("node 1: delivered")
        }
        #expect(process.send(signal: SIGINT))
        let status = await process.wait()
        let stderr = waitForFile("\(root)/err", "the message") { $0.contains("interrupted") }
        #expect(status == .exited(130), "\(stderr)")
        #expect(stderr.contains("the turn goes on on node(s) 0-1"), "\(stderr)")
        #expect(stderr.contains("codeswarm attach \(swarm)"))
        #expect(stderr.contains("codeswarm terminate \(swarm)"))
        // The router and the agents carry on: both turns still complete.
        var completed = Set<String>()
        _ = try client.waitFor(timeout: 60, "both turns complete") { event in
            if event.eventName == "turn_complete", event.data["swarm_id"] as? String == swarm,
                let injection = event.data["injection_id"] as? String
            {
                completed.insert(injection)
            }
            return completed.count == 2
        }
    }

    @Test("list --json is one document with swarms oldest first; status --json one document with nodes in order")
    func jsonDocuments() async throws {
        #expect(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let first = try client.launch(nodes: 1).swarm
        let second = try client.launch(nodes: 3).swarm
        let config = ["--config", router.configPath ?? ""]

        let list = try await cli(["list", "--json"] + config, environment: router.clientEnvironment)
        #expect(list.status == .exited(0))
        #expect(list.standardOutput.split(separator: "\n").count == 1, "one JSON document")
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any])
        let swarms = try #require(listed["swarms"] as? [[String: Any]])
        #expect(swarms.map { $0["swarm_id"] as? String } == [first, second])

        let status = try await cli(["status", second, "--json"] + config, environment: router.clientEnvironment)
        #expect(status.status == .exited(0))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["node_id"] as? Int } == [0, 1, 2])
    }

    @Test("status, inject, terminate and attach take the 8-character prefix the dashboard shows")
    func swarmIDPrefixes() async throws {
        #expect(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let swarm = try router.plainClient().launch(nodes: 2).swarm
        let prefix = String(swarm.prefix(8))
        let config = ["--config", router.configPath ?? ""]

        let status = try await cli(["status", prefix] + config, environment: router.clientEnvironment)
        #expect(status.status == .exited(0), "\(status.standardError)")
        #expect(status.standardOutput.contains("swarm:       \(swarm)"))
        let inject = try await cli(
            ["inject", prefix, "--prompt", "hello", "-w", "1"] + config, environment: router.clientEnvironment)
        #expect(inject.status == .exited(0), "\(inject.standardError)")
        #expect(inject.standardOutput.contains("[node 1] Demo answer"))
        let terminate = try await cli(["terminate", prefix] + config, environment: router.clientEnvironment)
        #expect(terminate.status == .exited(0), "\(terminate.standardError)")
        #expect(terminate.standardOutput.contains("swarm \(swarm) terminated"))
        let attach = try await cli(["attach", prefix] + config, environment: router.clientEnvironment)
        #expect(attach.status == .exited(0), "\(attach.standardError)")
        #expect(attach.standardOutput.contains("[node 1] >>> hello"))
        let tooShort = try await cli(
            ["status", String(swarm.prefix(2))] + config, environment: router.clientEnvironment)
        #expect(tooShort.status == .exited(1))
        #expect(tooShort.standardError.contains("at least 4"))
    }

    @Test("a router restarted by a plain client keeps the config it ran with; another --config is refused with exit 2")
    func restartedRouterKeepsItsConfig() async throws {
        #expect(CodeswarmBinary.isBuilt)
        let root = try TemporaryDirectory.make(prefix: "codeswarm-restart-config")
        try Demo.config().write(toFile: "\(root)/first.json", atomically: true, encoding: .utf8)
        try Demo.config(agentFlags: ["--deltas", "2"]).write(
            toFile: "\(root)/other.json", atomically: true, encoding: .utf8)
        let state = "\(root)/state"
        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = state
        environment["CODESWARM_ROUTER_PORT"] = String(Int.random(in: 40000...49000))
        defer {
            for pid in ProcessScan.pids(where: { $0.contains(root) }) { kill(pid, SIGKILL) }
        }

        /// The running router's pid and command line, from router.json and /proc.
        func runningRouter() throws -> (pid: Int32, commandLine: String) {
            let data = try #require(FileManager.default.contents(atPath: "\(state)/router.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let pid = Int32(try #require(object["pid"] as? Int))
            let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return (pid, String(decoding: raw.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self))
        }
        func stop(_ pid: Int32) async throws {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(20)
            while kill(pid, 0) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }

        let started = try await cli(["list", "--config", "\(root)/first.json"], environment: environment)
        #expect(started.status == .exited(0), "\(started.standardError)")
        let firstRouter = try runningRouter()
        #expect(firstRouter.commandLine.contains("--config \(root)/first.json"))
        try await stop(firstRouter.pid)

        let plain = try await cli(["list"], environment: environment)
        #expect(plain.status == .exited(0), "\(plain.standardError)")
        #expect(plain.standardError.contains("config it last ran with, \(root)/first.json"), "\(plain.standardError)")
        let restarted = try runningRouter()
        #expect(restarted.commandLine.contains("--config \(root)/first.json"), "\(restarted.commandLine)")
        try await stop(restarted.pid)

        let other = try await cli(["list", "--config", "\(root)/other.json"], environment: environment)
        #expect(other.status == .exited(2))
        #expect(other.standardError.contains("\(root)/first.json"), "\(other.standardError)")
        #expect(other.standardError.contains("\(root)/other.json"))
        #expect(!FileManager.default.fileExists(atPath: "\(state)/router.json"), "no router was started")
    }
}

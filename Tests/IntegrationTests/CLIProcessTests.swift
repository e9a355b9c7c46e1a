import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// The `codeswarm` subcommands run as processes: outputs and exit codes (acceptance 7 of issue 2).
@Suite(.serialized, .requires(.codeswarmBinary))
struct CLIProcessTests {
    /// Runs `codeswarm arguments…` against `router` and returns its exit code and output.
    func cli(
        _ arguments: [String], router: RouterProcess?, environment extra: [String: String] = [:],
        timeout: Duration = .seconds(120)
    )
        async throws -> CommandRunner.Output
    {
        var environment = router?.clientEnvironment ?? ProcessInfo.processInfo.environment
        environment.merge(extra) { _, new in new }
        var arguments = arguments
        if let config = router?.configPath,
            ["launch", "inject", "status", "list", "terminate", "attach"].contains(arguments[0])
        {
            arguments += ["--config", config]
        }
        return try await CommandRunner.run(CodeswarmBinary.path, arguments, environment: environment, timeout: timeout)
    }

    @Test("launch, inject, status, list, terminate: outputs and exit codes")
    func happyPath() async throws {
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "3"]))
        defer { router.killLeftovers() }

        let launch = try await cli(
            ["launch", "--nodes", "4", "--prompt", "You are a focused autonomous agent."], router: router)
        #expect(launch.status == .exited(0), "\(launch.standardError)")
        let swarm = launch.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(swarm.count == 36)
        #expect(launch.standardError.contains("workers started") || launch.standardError.contains("launched"))

        let inject = try await cli(
            ["inject", swarm, "--prompt", "Optimize GEMM tiling.", "--nodes", "0,2"], router: router)
        #expect(inject.status == .exited(0), "\(inject.standardError)")
        let lines = inject.standardOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("[node 0] ") })
        #expect(lines.contains { $0.hasPrefix("[node 2] ") })
        #expect(!lines.contains { $0.hasPrefix("[node 1] ") })

        let json = try await cli(
            ["inject", swarm, "--prompt", "json please", "--nodes", "1", "--json"], router: router)
        #expect(json.status == .exited(0))
        let names = json.standardOutput.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["event"] as? String
        }
        #expect(names.first == "inject_ack")
        #expect(names.last == "turn_complete")

        let status = try await cli(["status", swarm, "--json"], router: router)
        #expect(status.status == .exited(0))
        let statusObject = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
        #expect(statusObject?["status"] as? String == "running")
        #expect((statusObject?["nodes"] as? [Any])?.count == 4)

        let list = try await cli(["list"], router: router)
        #expect(list.status == .exited(0))
        #expect(list.standardOutput.contains(swarm))

        let terminate = try await cli(["terminate", swarm], router: router)
        #expect(terminate.status == .exited(0), "\(terminate.standardError)")
        #expect(terminate.standardOutput.contains("terminated"))
        #expect(terminate.standardError.contains("SIGTERM"))
    }

    @Test(
        "a hostile sbatch option or an out-of-range --auto-resume exits 2 with the reason and sends nothing; the router refuses sbatch options for local"
    )
    func sbatchOptions() async throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        for arguments in [
            ["--gres", "gpu;rm -rf /"], ["--sbatch=--output=/tmp/x"], ["-w", "node$(id)"], ["-J", "a b"],
            ["--sbatch", "--outp=/tmp/x"],
        ] {
            let launch = try await cli(["launch", "--nodes", "1"] + arguments, router: router)
            #expect(launch.status == .exited(2), "\(arguments): \(launch.standardError)")
            #expect(launch.standardError.contains("bad sbatch option: "), "\(arguments): \(launch.standardError)")
            #expect(launch.standardOutput.isEmpty)
        }
        let resume = try await cli(["resume", "no-such-swarm", "--mem", "1 G"], router: router)
        #expect(resume.status == .exited(2), "resume checks the same options: \(resume.standardError)")
        #expect(resume.standardError.contains("bad sbatch option: --mem: the value contains a space"))
        let gres = try await cli(["launch", "--gres", "gpu;rm -rf /"], router: router)
        #expect(gres.standardError.contains("--gres: the value contains ';'"), "\(gres.standardError)")
        let autoResume = try await cli(["launch", "--nodes", "1", "--auto-resume", "101"], router: router)
        #expect(autoResume.status == .exited(2), "\(autoResume.standardError)")
        #expect(autoResume.standardError.contains("--auto-resume must be between 0 and 100, got 101"))
        // A valid option reaches the router, which says it is for Slurm (this router runs the local provider).
        let local = try await cli(["launch", "--nodes", "1", "--mem", "1G", "--exclusive"], router: router)
        #expect(local.status == .exited(1), "\(local.standardError)")
        #expect(local.standardError.contains("only apply to Slurm jobs"), "\(local.standardError)")
        let list = try await cli(["list", "--json"], router: router)
        #expect(list.status == .exited(0), "\(list.standardError)")
        let listed = try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any]
        let swarms = try #require(listed?["swarms"] as? [Any], "\(list.standardOutput)")
        #expect(swarms.isEmpty, "nothing was launched: \(list.standardOutput)")
    }

    @Test("failures: unknown swarm exits 1, bad flags use the parser's code, bad values and config exit 2")
    func failures() async throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let unknown = try await cli(["status", "no-such-swarm"], router: router)
        #expect(unknown.status == .exited(1))
        #expect(unknown.standardError.contains("unknown swarm_id"))
        let injectUnknown = try await cli(["inject", "no-such-swarm", "--prompt", "x"], router: router)
        #expect(injectUnknown.status == .exited(1))

        let badFlag = try await cli(["launch", "--nodes", "zero"], router: router)
        #expect(badFlag.status == .exited(64))
        let badNodes = try await cli(["inject", "s", "--prompt", "x", "--nodes", "one"], router: router)
        #expect(badNodes.status == .exited(64))
        let injected = try await cli(["launch", "--nodes", "1", "--partition", "debug;touch /tmp/x"], router: router)
        #expect(injected.status == .exited(2), "a refused value is bad input, like a bad config")
        #expect(injected.standardError.contains("--partition contains ';'"), "\(injected.standardError)")

        let root = try TemporaryDirectory.make(prefix: "codeswarm-config")
        try #"{"slurm": {"defualt_time": "01:00:00"}}"#.write(
            toFile: "\(root)/bad.json", atomically: true, encoding: .utf8)
        let badConfig = try await cli(
            ["list", "--config", "\(root)/bad.json"], router: nil, environment: router.clientEnvironment)
        #expect(badConfig.status == .exited(2))
        #expect(badConfig.standardError.contains("slurm.defualt_time"))
        try #"{"router": {"port": "8765"}}"#.write(toFile: "\(root)/typed.json", atomically: true, encoding: .utf8)
        let typed = try await cli(
            ["list", "--config", "\(root)/typed.json"], router: nil, environment: router.clientEnvironment)
        #expect(typed.status == .exited(2))
        #expect(typed.standardError.contains("router.port"))

        for command in [
            "launch", "inject", "status", "list", "terminate", "attach", "router", "worker", "relay", "demo-agent",
        ] {
            let help = try await cli([command, "--help"], router: nil)
            #expect(help.status == .exited(0), "\(command) --help")
            #expect(help.standardOutput.contains("USAGE"), "\(command) --help")
        }
    }

    @Test("no router and none can be started: a clear error and exit 3, without hanging")
    func noRouter() async throws {
        let started = ContinuousClock.now
        let result = try await cli(
            ["list"], router: nil,
            environment: ["CODESWARM_STATE_DIR": "/proc/codeswarm-cannot-exist/state", "CODESWARM_ROUTER_PORT": "1"],
            timeout: .seconds(60))
        #expect(result.status == .exited(3))
        #expect(result.standardError.contains("error"))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a second router on the same state directory exits at once, naming the running one")
    func singleInstance() async throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let second = try await cli(["router", "--port", "0"], router: router, timeout: .seconds(30))
        #expect(second.status == .exited(1))
        #expect(second.standardError.contains("already running"))
        #expect(second.standardError.contains("\(router.port)"))
    }

    @Test("a client starts the router itself when none runs, and later clients reuse it")
    func autoStart() async throws {
        let root = try TemporaryDirectory.make(prefix: "codeswarm-autostart")
        let port = Int.random(in: 30000...39000)
        let environment = ["CODESWARM_STATE_DIR": "\(root)/state", "CODESWARM_ROUTER_PORT": String(port)]
        let first = try await cli(["list"], router: nil, environment: environment)
        #expect(first.status == .exited(0), "\(first.standardError)")
        #expect(first.standardError.contains("starting the router"))
        let second = try await cli(["list"], router: nil, environment: environment)
        #expect(second.status == .exited(0))
        #expect(!second.standardError.contains("starting the router"))
        let routers = ProcessScan.pids { $0.contains(" router") }.filter { pid in
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            return String(decoding: environ, as: UTF8.self).contains("\(root)/state")
        }
        #expect(routers.count == 1)
        for pid in routers { kill(pid, SIGTERM) }
    }
}

import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Values that crashed the router, crash-looped it or were silently misread (issue 7 items 7 and 8): each is
/// refused where it is parsed, naming the key or variable and the allowed range, with the documented exit code
/// (2 configuration, 64 usage).
@Suite(.serialized, .requires(.codeswarmBinary))
struct ConfigurationErrorTests {
    /// Runs `codeswarm arguments…` with a fresh state directory (so no router of another test is reached).
    func codeswarm(
        _ arguments: [String], environment extra: [String: String] = [:], timeout: Duration = .seconds(20)
    ) async throws -> CommandRunner.Output {
        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = try TemporaryDirectory.make(prefix: "codeswarm-cfgerr") + "/state"
        environment.merge(extra) { _, new in new }
        return try await CommandRunner.run(CodeswarmBinary.path, arguments, environment: environment, timeout: timeout)
    }

    func configFile(_ text: String) throws -> String {
        let path = try TemporaryDirectory.make(prefix: "codeswarm-cfg") + "/config.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let badConfigs: [(json: String, mentions: String)] = [
        (
            #"{"router":{"launch_timeout_seconds":1e16}}"#,
            "router.launch_timeout_seconds: must be a number of seconds from 1 to 2592000"
        ),
        (
            #"{"router":{"graceful_terminate_seconds":1e300}}"#,
            "router.graceful_terminate_seconds: must be a number of seconds from 0 to 86400"
        ),
        (
            #"{"agent":{"stall_timeout_seconds":0}}"#,
            "agent.stall_timeout_seconds: must be a number of seconds from 1 to 604800, got 0"
        ),
        (#"{"agent":{"restart_limit":-1}}"#, "agent.restart_limit: must be an integer from 0 to 1000, got -1"),
        (
            #"{"router":{"transcript_events_per_node":-5}}"#,
            "router.transcript_events_per_node: must be an integer from 1 to 1000000, got -5"
        ),
        (
            #"{"router":{"client_queue_limit_bytes":-1}}"#,
            "router.client_queue_limit_bytes: must be an integer from 65536"
        ),
        (#"{"local":{"base_dir":"relative/base"}}"#, "local.base_dir: must be an absolute path"),
        (#"{"router":{"port":8765,}}"#, "not valid JSON: line 1, column 24: trailing comma before }"),
    ]

    @Test("bad numbers, a relative base_dir and a trailing comma stop the router at start: exit 2, key and range named")
    func routerRefusesBadConfig() async throws {
        for bad in Self.badConfigs {
            let path = try configFile(bad.json)
            // The old router started with these (and crashed on the next launch); give it no time to hang around.
            let result = try await codeswarm(["router", "--port", "0", "--config", path], timeout: .seconds(15))
            #expect(!result.timedOut, "the router started with \(bad.json)")
            #expect(result.status == .exited(2), "\(bad.json): \(result.status)")
            #expect(result.standardError.contains(bad.mentions), "\(bad.json): \(result.standardError)")
            // Clients read the same file the same way.
            let client = try await codeswarm(["list", "--config", path])
            #expect(client.status == .exited(2), "list with \(bad.json): \(client.status)")
            #expect(client.standardError.contains(bad.mentions))
        }
    }

    @Test("router --port outside 0-65535 and a bad CODESWARM_ROUTER_PORT are errors, not another port")
    func portsAreChecked() async throws {
        for port in ["99999", "-1", "65536", "http"] {
            let result = try await codeswarm(["router", "--port", port])
            #expect(result.status == .exited(64), "--port \(port): \(result.status)")
            #expect(
                result.standardError.contains(
                    "--port must be a port number from 1 to 65535 (0 picks a free port), got \(port)"),
                "\(result.standardError)")
        }
        for (command, range) in [(["router"], "from 0 to 65535"), (["list"], "from 1 to 65535")] {
            let result = try await codeswarm(command, environment: ["CODESWARM_ROUTER_PORT": "abc"])
            #expect(result.status == .exited(2), "\(command): \(result.status)")
            #expect(result.standardError.contains("CODESWARM_ROUTER_PORT must be a port number \(range)"))
            #expect(result.standardError.contains("got \"abc\""))
        }
        let relative = try await codeswarm(["list"], environment: ["CODESWARM_STATE_DIR": "relative/state"])
        #expect(relative.status == .exited(2))
        #expect(relative.standardError.contains("CODESWARM_STATE_DIR must be an absolute path"))
    }

    @Test("inject --timeout 1e300, inf, nan, 0 and -5 are usage errors with the allowed range (the CLI trapped)")
    func injectTimeoutIsChecked() async throws {
        for timeout in ["1e300", "inf", "nan", "0", "-5", "2592001"] {
            let result = try await codeswarm(["inject", "some-swarm", "--prompt", "hi", "--timeout", timeout])
            #expect(result.status == .exited(64), "--timeout \(timeout): \(result.status)")
            #expect(
                result.standardError.contains("--timeout must be a number of seconds above 0 and at most 2592000"),
                "--timeout \(timeout): \(result.standardError)")
        }
    }

    @Test(
        "an unreadable config says permission denied; an unwritable base_dir stops the router with exit 2",
        .requires(.secondUser))
    func permissions() async throws {
        // As nobody: root reads and writes everything.
        let root = try TemporaryDirectory.make(prefix: "codeswarm-perm")
        chmod(root, 0o711)
        let secret = "\(root)/root-only.json"
        try "{}".write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o600)
        let state = "\(root)/nobody-state"
        mkdir(state, 0o700)
        chown(state, 65534, 65534)
        let base = "\(root)/root-owned/base"
        mkdir("\(root)/root-owned", 0o755)
        let config = "\(root)/config.json"
        try #"{"local":{"base_dir":"\#(base)"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o644)
        func asNobody(_ arguments: [String]) async throws -> CommandRunner.Output {
            var environment = ProcessInfo.processInfo.environment
            environment["CODESWARM_STATE_DIR"] = state
            environment["HOME"] = state
            return try await CommandRunner.run(
                "/usr/bin/setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", CodeswarmBinary.path] + arguments,
                environment: environment, timeout: .seconds(20))
        }
        let unreadable = try await asNobody(["list", "--config", secret])
        #expect(unreadable.status == .exited(2))
        #expect(unreadable.standardError.contains("cannot read the config file \(secret): permission denied"))
        let unwritable = try await asNobody(["router", "--port", "0", "--config", config])
        #expect(unwritable.status == .exited(2), "\(unwritable.status): \(unwritable.standardError)")
        #expect(unwritable.standardError.contains("local provider's base folder"))
        #expect(unwritable.standardError.contains("mkdir \(base): Permission denied"), "\(unwritable.standardError)")
    }
}

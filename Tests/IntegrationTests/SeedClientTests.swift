import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// Runs the original project's client behaviour in a real JavaScript engine (node) against a real router.
enum OriginalClient {
    /// `node` (Debian's `nodejs`), which the original CLI and web backend run on.
    static let node = PathSearch.find("node") ?? PathSearch.find("nodejs")

    /// True when the test can run here; in CI it runs (and fails) even when node or the binary is missing.
    static var canRun: Bool { (node != nil && CodeswarmBinary.isBuilt) || CodeswarmBinary.isCI }

    /// A stand-in for the seed CLI (commit 3f07088), written from its documented behaviour: it sends one command
    /// with a uuid request id and handles the first event whose `data.request_id` is its own, printing it the way
    /// the seed's `launch` (banner, then `${key}: ${value}` per field) and its `EventFormatter` (`swarm_status`) do.
    /// Any other first match is printed as JSON, so a test can read replies the seed CLI had no command for.
    static let script = #"""
        const net = require('net');
        const crypto = require('crypto');
        const [port, command, payload] = process.argv.slice(2);
        const requestId = crypto.randomUUID();
        const rule = '-'.repeat(60);
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(JSON.stringify({ protocol: 'codeswarm.router.v1', type: 'command', command,
            request_id: requestId, payload: JSON.parse(payload) }) + '\n');
        });
        let buffer = '';
        socket.on('data', (chunk) => {
          buffer += chunk;
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            let e;
            try { e = JSON.parse(line); } catch { continue; }
            if (e?.data?.request_id !== requestId) continue;
            if (command === 'swarm_launch') {
              console.log('Swarm launched successfully:\n');
              Object.entries(e.data).forEach(([k, v]) => console.log(`${k}: ${v}`));
            } else if (e.event === 'swarm_status') {
              console.log('\nSwarm Status:');
              console.log(rule);
              Object.entries(e.data).forEach(([k, v]) => console.log(`${k}: ${v}`));
              console.log(rule + '\n');
            } else {
              console.log(e.event + ' ' + JSON.stringify(e.data));
            }
            process.exit(0);
          }
        });
        socket.on('error', (error) => { console.error(String(error)); process.exit(1); });
        """#

    /// Runs the stand-in: `command` with `payload` (JSON text) against `router`; returns its stdout.
    static func run(_ command: String, payload: String, router: RouterProcess) async throws -> String {
        let node = try #require(node, "node is not installed (Debian package nodejs)")
        let directory = try TemporaryDirectory.make(prefix: "codeswarm-seed-cli")
        try script.write(toFile: "\(directory)/seed-cli.js", atomically: true, encoding: .utf8)
        let output = try await CommandRunner.run(
            node, ["\(directory)/seed-cli.js", String(router.port), command, payload],
            environment: ProcessInfo.processInfo.environment, timeout: .seconds(90))
        #expect(output.status == .exited(0), "seed client \(command): \(output.standardError)")
        return output.standardOutput
    }
}

/// The original clients against our router: the seed CLI's launch and status, the latest web backend's polling.
@Suite(
    .serialized, .enabled(if: OriginalClient.canRun, "node or codeswarm missing (CI=true turns this into a failure)"))
struct SeedClientTests {
    @Test("the seed CLI's launch prints swarm_launched (with a job id), and its status prints no [object Object]")
    func seedLaunchAndStatus() async throws {
        #expect(CodeswarmBinary.isBuilt, "run `swift build` before `swift test`")
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }

        let launch = try await OriginalClient.run(
            "swarm_launch", payload: #"{"nodes":2,"partition":"debug","time":"00:05:00","system_prompt":"Be brief."}"#,
            router: router)
        let lines = launch.split(separator: "\n").map(String.init)
        #expect(lines.first == "Swarm launched successfully:")
        #expect(lines.contains { $0.hasPrefix("job_id: local_") }, "\(launch)")
        #expect(!lines.contains { $0.hasPrefix("stage:") }, "a progress event was taken as the answer: \(launch)")
        let swarm = try #require(lines.first { $0.hasPrefix("swarm_id: ") }).dropFirst("swarm_id: ".count)

        let status = try await OriginalClient.run("swarm_status", payload: #"{"swarm_id":"\#(swarm)"}"#, router: router)
        #expect(status.contains("Swarm Status:"))
        #expect(status.contains("node_count: 2"))
        #expect(status.contains("slurm_state: "))
        #expect(!status.contains("[object Object]"), "\(status)")
        _ = try await OriginalClient.run(
            "swarm_terminate", payload: #"{"swarm_id":"\#(swarm)","force":true}"#, router: router)
    }

    @Test("the latest web backend's catalog and polling commands get well-formed answers, not rejections")
    func webBackendPolling() async throws {
        #expect(CodeswarmBinary.isBuilt, "run `swift build` before `swift test`")
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }

        let providers = try await OriginalClient.run("providers_list", payload: "{}", router: router)
        #expect(providers.hasPrefix("providers_list "), "\(providers)")
        let data = try #require(
            try JSONSerialization.jsonObject(with: Data(providers.dropFirst("providers_list ".count).utf8))
                as? [String: Any])
        let catalog = try #require(data["providers"] as? [[String: Any]])
        #expect(catalog.map { $0["id"] as? String } == ["local"])
        #expect(catalog.first?["disabled"] as? Bool == false)
        #expect(catalog.first?["backend"] as? String == "local")

        let queue = try await OriginalClient.run("queue_list", payload: "{}", router: router)
        #expect(queue.hasPrefix("queue_list "), "\(queue)")
        #expect(queue.contains(#""items":[]"#))
        let projects = try await OriginalClient.run("project_list", payload: "{}", router: router)
        #expect(projects.hasPrefix("project_list "), "\(projects)")
        #expect(projects.contains(#""projects":{}"#))
    }
}

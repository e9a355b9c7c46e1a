import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A Slurm worker killed without a trace: only the missing heartbeat can tell (issue 7 item 3). Part of the one
/// serialized Slurm suite, so it has the cluster to itself.
extension SlurmEndToEndTests {
    @Test(
        "kill -9 of one Slurm worker mid-turn: its heartbeat stops, the node ends and its injection fails; others go on",
        .enabled(
            if: TestCluster.missingComponent == nil || TestCluster.isRequired,
            "needs the Slurm test cluster (scripts/ci-setup.sh); CI turns this skip into a failure"))
    func silentSlurmWorkerEnds() async throws {
        try #require(CodeswarmBinary.isBuilt, "codeswarm binary missing; run swift build")
        try #require(TestCluster.missingComponent == nil, "missing \(TestCluster.missingComponent ?? "")")
        try SlurmTest.cancelAll()
        var config = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    try SlurmTest.config(mode: .loginNode, agentFlags: ["--deltas", "400", "--delay-ms", "100"]).utf8))
                as? [String: Any])
        var router = config["router"] as? [String: Any] ?? [:]
        router["worker_heartbeat_seconds"] = 1
        router["heartbeat_timeout_seconds"] = 6
        config["router"] = router
        let text = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        let process = try RouterProcess(config: text)
        defer { process.killLeftovers() }
        let client = try process.plainClient()
        client.readInBackground()
        let (swarm, job) = try client.launch(nodes: 2, timeout: 120)
        let request = try client.command("inject", payload: ["swarm_id": swarm, "content": "a long answer"])
        _ = try client.waitFor(timeout: 60, "deltas on both nodes") { _ in
            Set(client.events.filter { $0.eventName == "assistant_delta" }.compactMap { $0.data["node_id"] as? Int })
                .count == 2
        }
        let victim = try #require(
            client.events.first {
                $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request
                    && $0.data["node_id"] as? Int == 0
            }?.data["injection_id"] as? String)
        // `exec srun … codeswarm worker` makes srun's own command line match too; only the worker itself counts.
        let workers = SlurmTest.workerProcesses(job: job).filter { pid in
            let argv = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            let first = argv.split(separator: 0, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return URL(fileURLWithPath: first).lastPathComponent == "codeswarm"
        }
        let pid = try #require(
            workers.first { pid in
                let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
                return String(decoding: environ, as: UTF8.self).contains("SLURM_PROCID=0\u{0}")
            }, "the worker of node 0 among \(workers)")
        let killed = Date()
        kill(pid, SIGKILL)

        let closed = try client.waitFor(timeout: 60, "turn_complete of the killed node's injection") {
            $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == victim
        }
        let seconds = Date().timeIntervalSince(killed)
        print("Slurm worker killed: its injection ended after \(String(format: "%.1f", seconds)) s (timeout 6 s)")
        #expect(closed.data["status"] as? String == "failed")
        #expect((closed.data["error"] as? String ?? "").contains("no word from the worker"))
        #expect(seconds < 30)
        let ended = client.events.first { $0.eventName == "node_ended" && $0.data["node_id"] as? Int == 0 }
        #expect(ended != nil)
        #expect(
            !client.events.contains { $0.eventName == "node_ended" && $0.data["node_id"] as? Int == 1 },
            "the other node carries on")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }
}

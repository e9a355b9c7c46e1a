import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Crashes, SSH outages, SSH process economy and Slurm's time limit on the real cluster (issue 3 acceptance).
/// An extension of the one Slurm suite, so every test that uses the shared cluster runs alone.
extension SlurmEndToEndTests {
    static let deltas = 30

    /// Counts, per injection, the deltas and turn_complete seen across reconnects (deduplicated by seq).
    struct Ledger {
        var lastSeq = 0
        var events: [[String: Any]] = []

        mutating func absorb(_ client: PlainJSONClient) {
            for event in client.received {
                guard let seq = event.data["seq"] as? Int, seq > lastSeq else { continue }
                lastSeq = seq
                events.append(event)
            }
        }

        func check(requests: [String], nodes: Int) {
            let injections = events.filter {
                $0.eventName == "inject_ack" && requests.contains($0.data["request_id"] as? String ?? "")
            }.compactMap { $0.data["injection_id"] as? String }
            #expect(injections.count == requests.count * nodes)
            for injection in injections {
                let mine = events.filter { $0.data["injection_id"] as? String == injection }
                #expect(
                    mine.filter { $0.eventName == "assistant_delta" }.count == SlurmEndToEndTests.deltas,
                    "deltas of \(injection)")
                #expect(mine.filter { $0.eventName == "turn_complete" }.count == 1, "turn_complete of \(injection)")
            }
        }
    }

    @Test(
        "router killed with -9 mid-stream and restarted: every injection's events arrive exactly once",
        arguments: ClusterMode.allCases)
    func routerCrash(mode: ClusterMode) async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(
            config: try SlurmTest.config(mode: mode, agentFlags: ["--deltas", String(Self.deltas), "--delay-ms", "30"]))
        defer { router.killLeftovers() }
        var client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 4, timeout: 120)
        let request = try client.command("inject", payload: ["swarm_id": swarm, "content": "stream through a crash"])
        _ = try client.waitFor(timeout: 60, "stream started") { $0.eventName == "assistant_delta" }
        var ledger = Ledger()
        await router.kill(signal: SIGKILL)
        ledger.absorb(client)
        try router.start()
        client = try router.plainClient()
        try client.command("events_replay", payload: ["since_seq": ledger.lastSeq, "swarm_id": swarm])
        try client.drain(for: 6)
        ledger.absorb(client)
        ledger.check(requests: [request], nodes: 4)
        // The job was re-adopted: it still runs and takes new work.
        #expect(try SlurmTest.activeState(job: job) == "RUNNING")
        try client.injectAndWait(swarm: swarm, content: "after the restart", timeout: 60)
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }

    @Test(
        "sshd stopped and restarted mid-stream: the relay reconnects, nothing is lost or duplicated; at most 2 ssh processes"
    )
    func sshOutage() async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(
            config: try SlurmTest.config(mode: .ssh, agentFlags: ["--deltas", String(Self.deltas), "--delay-ms", "30"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 4, timeout: 120)

        // SSH economy: many injections to every node, the ssh processes stay at the master and the relay session.
        var peak = 0
        for round in 0..<6 {
            let request = try client.command("inject", payload: ["swarm_id": swarm, "content": "round \(round)"])
            for _ in 0..<5 {
                peak = max(peak, sshProcesses(router: router).count)
                try client.drain(for: 0.2)
            }
            _ = request
        }
        try client.drain(for: 3)
        #expect(peak <= 2, "ssh processes: \(peak)")
        #expect(peak >= 1)

        let request = try client.command("inject", payload: ["swarm_id": swarm, "content": "through an outage"])
        _ = try client.waitFor(timeout: 60, "stream started") { event in
            event.eventName == "assistant_delta"
                && client.received.contains {
                    $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request
                }
        }
        let scripts = TestCluster.scriptsDirectory
        _ = try runProcess("/bin/bash", ["\(scripts)/ssh/stop-sshd.sh"])
        try client.drain(for: 2)
        _ = try runProcess("/bin/bash", ["\(scripts)/ssh/start-sshd.sh"])
        let injections = client.received.filter {
            $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request
        }.compactMap { $0.data["injection_id"] as? String }
        for injection in injections {
            _ = try client.waitFor(timeout: 90, "turn_complete after the outage") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
        }
        try client.drain(for: 1)
        var ledger = Ledger()
        ledger.absorb(client)
        ledger.check(requests: [request], nodes: 4)
        #expect(try client.injectAndWait(swarm: swarm, content: "after the outage", timeout: 60).count == 4)
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }

    @Test("a job reaching its time limit drains on TERM@60 and is reported ended by its time limit")
    func timeLimit() async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(config: try SlurmTest.config(mode: .loginNode, time: "00:02:00"))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2, timeout: 120)
        let terminated = try client.waitFor(timeout: 150, "swarm_terminated at the time limit") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        #expect((terminated.data["reason"] as? String ?? "").contains("time limit"), "\(terminated.data)")
        let ended = client.received.filter { $0.eventName == "node_ended" && $0.data["swarm_id"] as? String == swarm }
        #expect(ended.count == 2)
        #expect(ended.allSatisfy { $0.data["reason"] as? String == "sigterm" })
        // Both workers archived their outboxes.
        let configText = try String(contentsOfFile: try #require(router.configPath), encoding: .utf8)
        let workspace = try #require(SlurmTest.workspace(ofConfig: configText))
        for node in 0..<2 {
            #expect(FileManager.default.fileExists(atPath: "\(workspace)/cs/mailbox/archive/\(job)_0\(node).jsonl"))
        }
    }

    /// The ssh processes this router started (its control master and the relay session).
    func sshProcesses(router: RouterProcess) -> [Int32] {
        ProcessScan.pids { $0.hasPrefix("ssh") && $0.contains(router.stateDirectory) }
    }
}

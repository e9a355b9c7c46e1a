import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Swarms on a real 4-node Slurm cluster, through a real sshd or on the "login node" (issue 3 acceptance).
@Suite(.serialized, .requires(.slurmCluster))
struct SlurmEndToEndTests {
    @Test(
        "launch 4 nodes, each answers the system prompt, inject all and a subset, status, list, terminate cleanly",
        arguments: ClusterMode.allCases)
    func lifecycle(mode: ClusterMode) async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(config: try SlurmTest.config(mode: mode, agentFlags: ["--deltas", "4"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let launch = try client.command("swarm_launch", payload: ["nodes": 4, "system_prompt": "You are node-aware."])
        let launched = try client.waitFor(timeout: 120, "swarm_launched") { event in
            event.data["request_id"] as? String == launch
                && ["swarm_launched", "command_rejected"].contains(event.eventName ?? "")
        }
        try #require(launched.eventName == "swarm_launched", "\(launched.data)")
        let swarm = launched.data["swarm_id"] as? String ?? ""
        let job = launched.data["job_id"] as? String ?? ""
        #expect(Int(job) != nil, "a Slurm job id, got \(job)")
        // Progress went out while the job started.
        #expect(
            client.received.contains {
                $0.eventName == "swarm_launch_progress" && $0.data["stage"] as? String == "submitted"
            })

        // The system prompt is every node's first turn, labelled with the launch's request id.
        var systemAcks: [[String: Any]] = []
        for _ in 0..<50 where systemAcks.count < 4 {
            try client.drain(for: 0.1)
            systemAcks = client.received.filter {
                $0.eventName == "inject_ack" && $0.data["request_id"] as? String == launch
            }
        }
        #expect(systemAcks.count == 4)
        for ack in systemAcks {
            let injection = ack.data["injection_id"] as? String ?? ""
            _ = try client.waitFor(timeout: 60, "system prompt answer") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
        }
        let hosts = Set(
            client.received.filter { $0.eventName == "node_started" }.compactMap { $0.data["hostname"] as? String })
        #expect(hosts == ["node1", "node2", "node3", "node4"])

        #expect(try client.injectAndWait(swarm: swarm, content: "all nodes").count == 4)
        #expect(try client.injectAndWait(swarm: swarm, nodes: [0, 2], content: "two nodes").count == 2)

        // Status comes from the batched squeue cache.
        var status: [String: Any] = [:]
        for _ in 0..<20 {
            status = try client.reply(to: try client.command("swarm_status", payload: ["swarm_id": swarm]))
            if status.data["slurm_state"] as? String == "RUNNING" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(status.data["slurm_state"] as? String == "RUNNING")
        let list = try client.reply(to: try client.command("swarm_list"))
        #expect((list.data["swarms"] as? [String: Any])?[swarm] != nil)

        let terminate = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        let terminated = try client.waitFor(timeout: 60, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        #expect(terminated.data["request_id"] as? String == terminate)
        #expect(client.received.contains { $0.eventName == "swarm_terminate_progress" })
        var remaining = "?"
        for _ in 0..<40 {
            remaining = try SlurmTest.activeState(job: job)
            if remaining.isEmpty && SlurmTest.workerProcesses(job: job).isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(remaining.isEmpty, "job \(job) still in squeue: \(remaining)")
        #expect(SlurmTest.workerProcesses(job: job).isEmpty)
    }

    @Test("a 1 MiB hostile prompt arrives byte for byte on every node")
    func megabytePrompt() async throws {
        try SlurmTest.cancelAll()
        let config = try SlurmTest.config(mode: .ssh, agentFlags: ["--record-prompts", "prompts"])
        let router = try RouterProcess(config: config)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 4, timeout: 120)
        let prompt = PromptFidelityTests.hostilePrompt(size: 1024 * 1024)
        try client.injectAndWait(swarm: swarm, content: prompt, timeout: 180)
        let workspace = try #require(SlurmTest.workspace(ofConfig: config))
        for node in 0..<4 {
            let path = "\(workspace)/cs/runs/\(job)/agent_0\(node)/prompts/prompt_1.txt"
            let recorded = try #require(FileManager.default.contents(atPath: path), "no prompt at \(path)")
            #expect(recorded == Data(prompt.utf8), "node \(node)")
        }
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }

    @Test(
        "scancel from outside: the swarm is reported terminated with Slurm's state within a poll interval",
        arguments: ClusterMode.allCases)
    func externalCancel(mode: ClusterMode) async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(config: try SlurmTest.config(mode: mode))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2, timeout: 120)
        _ = try SlurmTest.slurm("scancel", [job])
        let started = Date()
        let terminated = try client.waitFor(timeout: 30, "swarm_terminated after scancel") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(terminated.data["slurm_state"] as? String == "CANCELLED", "\(terminated.data)")
    }

    @Test("launch parameters holding shell text are rejected before any command runs")
    func injectedLaunchParameters() async throws {
        try SlurmTest.cancelAll()
        let router = try RouterProcess(config: try SlurmTest.config(mode: .ssh))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let before = try SlurmTest.slurm("squeue", ["-h", "-o", "%i"])
        let marker = "/tmp/codeswarm-injected-\(getpid())"
        for (field, value) in [
            ("partition", "debug\n#SBATCH --wrap=touch \(marker)"), ("time", "10:00; touch \(marker)"),
            ("account", "$(touch \(marker))"), ("qos", "`touch \(marker)`"), ("partition", "debug touch"),
        ] {
            let request = try client.command("swarm_launch", payload: ["nodes": 1, field: value])
            let reply = try client.reply(to: request)
            #expect(reply.eventName == "command_rejected", "\(field)=\(value)")
        }
        // The launch's own sbatch options, from a client that bypasses the CLI's check (issue 10).
        for option in [
            "--gres=gpu:1\n#SBATCH --wrap=touch \(marker)", "--mem=$(touch \(marker))",
            "--constraint=`touch \(marker)`",
            "--comment=x;touch \(marker)", "--wrap=touch \(marker)", "--outp=\(marker)", "--job-name=a b",
        ] {
            let request = try client.command("swarm_launch", payload: ["nodes": 1, "sbatch": [option]])
            let reply = try client.reply(to: request)
            #expect(reply.eventName == "command_rejected", "sbatch \(option)")
            let reason = reply.data["reason"] as? String ?? ""
            #expect(reason.hasPrefix("bad sbatch option: --"), "\(option): \(reason)")
        }
        try await Task.sleep(for: .seconds(1))
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try SlurmTest.slurm("squeue", ["-h", "-o", "%i"]) == before)
    }
}

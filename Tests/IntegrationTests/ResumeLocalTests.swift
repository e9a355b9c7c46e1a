import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 10 on the local provider with the demo agent: a swarm whose workers a router or machine restart killed
/// comes back with `codeswarm resume`, each node on its own thread (the demo agent keeps threads under
/// `CODEX_HOME` as codex does), held prompts delivered, a node whose history is gone started fresh.
@Suite(
    .serialized,
    .enabled(
        if: CodeswarmBinary.isBuilt || CodeswarmBinary.isCI,
        "needs the built codeswarm binary (swift build); CI=true turns this skip into a failure"))
struct ResumeLocalTests {
    /// Runs `codeswarm arguments… --config <router's>` against `router`.
    static func cli(_ arguments: [String], router: RouterProcess) async throws -> CommandRunner.Output {
        var arguments = arguments
        if let config = router.configPath { arguments += ["--config", config] }
        return try await CommandRunner.run(
            CodeswarmBinary.path, arguments, environment: router.clientEnvironment, timeout: .seconds(120))
    }

    /// Kills every worker and agent of `job` with SIGKILL, as a crashed machine would.
    static func killWorkers(router: RouterProcess, job: String) {
        for pid in ProcessScan.pids(where: { $0.contains(" worker ") && $0.contains(job) }) { kill(-pid, SIGKILL) }
        for pid in ProcessScan.pids(where: { $0.contains("demo-agent") && $0.contains(router.stateDirectory) }) {
            kill(pid, SIGKILL)
        }
    }

    /// Waits for `swarm_terminated` of `swarm` (after the router found the workers gone).
    static func waitEnded(_ client: PlainJSONClient, swarm: String) throws -> [String: Any] {
        try client.waitFor(timeout: 60, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }.data
    }

    @Test("router and workers killed: `codeswarm resume` brings the same swarm back, every node on its old thread")
    func resumeAfterEverythingWasKilled() async throws {
        try #require(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "3"]))
        defer { router.killLeftovers() }
        var client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2)
        try client.injectAndWait(swarm: swarm, content: "remember the word apple")
        let threads = client.received.filter { $0.eventName == "agent_thread" }
        #expect(threads.count == 2, "each node reported its thread as soon as it had it")
        let base = "\(router.stateDirectory)/local"
        for node in 0..<2 {
            let record =
                "\(MailboxLayout.swarmNodeDirectory(base: base, swarmID: SwarmID(swarm), nodeID: node))/thread.json"
            #expect(FileManager.default.fileExists(atPath: record), "thread recorded in the swarm's folder: \(record)")
        }

        // The machine goes down: the router and every worker die at once.
        await router.kill(signal: SIGKILL)
        Self.killWorkers(router: router, job: job)
        try router.start()
        client = try router.plainClient()
        _ = try Self.waitEnded(client, swarm: swarm)

        let resume = try await Self.cli(["resume", swarm], router: router)
        #expect(resume.status == .exited(0), "\(resume.standardError)")
        #expect(resume.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == swarm)
        #expect(resume.standardError.contains("node 0: resumed thread"), "\(resume.standardError)")
        #expect(resume.standardError.contains("node 1: resumed thread"), "\(resume.standardError)")

        // The conversation goes on: the demo agent counts the thread's earlier turns.
        let again = try client.injectAndWait(swarm: swarm, content: "what was the word?")
        for injection in again {
            let answer = client.received.last {
                $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
            }
            let text = answer?.data["content"] as? String ?? ""
            #expect(text.contains("history=1"), "\(text)")
        }
        let status = try await Self.cli(["status", swarm], router: router)
        #expect(status.status == .exited(0))
        #expect(status.standardOutput.contains("jobs:        \(job) ("), "\(status.standardOutput)")
        #expect(status.standardOutput.contains("(resumed)"))
        let list = try await Self.cli(["list", "--json"], router: router)
        let object = try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any]
        let summary = (object?["swarms"] as? [[String: Any]])?.first { $0["swarm_id"] as? String == swarm }
        let chain = (summary?["jobs"] as? [[String: Any]] ?? []).compactMap { $0["job_id"] as? String }
        #expect(chain.count == 2)
        #expect(chain.first == job)
        #expect(chain.last == summary?["job_id"] as? String)
    }

    @Test("a resume where one node's history was deleted starts that node fresh and says so; the others resume")
    func deletedHistoryStartsFresh() async throws {
        try #require(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "3"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 3, systemPrompt: "You are a careful agent.")
        try client.injectAndWait(swarm: swarm, content: "first task")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        _ = try Self.waitEnded(client, swarm: swarm)
        // Node 1's history is gone (its CODEX_HOME emptied); its thread record is still there.
        let home =
            MailboxLayout.swarmNodeDirectory(
                base: "\(router.stateDirectory)/local", swarmID: SwarmID(swarm), nodeID: 1) + "/codex-home"
        try FileManager.default.removeItem(atPath: "\(home)/codeswarm-demo-threads")

        let request = try client.command("swarm_resume", payload: ["swarm_id": swarm])
        let resumed = try client.waitFor(timeout: 60, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
                && $0.data["request_id"] as? String == request
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        let nodes = resumed.data["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.map { $0["resumed"] as? Bool } == [true, false, true])
        let reason = nodes.count > 1 ? nodes[1]["reason"] as? String ?? "" : ""
        #expect(reason.contains("no rollout found"), "\(nodes)")
        #expect(resumed.data["previous_job_id"] as? String == job)
        #expect(resumed.data["job_id"] as? String != job)
        // The fresh node got the system prompt again; the resumed ones did not.
        let acks = client.received.filter {
            $0.eventName == "inject_ack" && ($0.data["prompt"] as? String) == "You are a careful agent."
        }
        #expect(acks.compactMap { $0.data["node_id"] as? Int }.sorted() == [0, 1, 1, 2])
    }

    @Test("a prompt queued behind a running turn when SIGTERM came is held and answered after the resume")
    func heldPromptDeliveredAfterResume() async throws {
        try #require(CodeswarmBinary.isBuilt)
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "40", "--delay-ms", "100"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 1)
        try client.injectAndWait(swarm: swarm, content: "warm up [demo:deltas=2] [demo:slow=1]")
        let long = try client.command("inject", payload: ["swarm_id": swarm, "content": "a long turn"])
        _ = try client.waitFor(timeout: 30, "the long turn streams") { $0.eventName == "assistant_delta" }
        // Queued (not steered into the running turn, which the drain interrupts with it).
        let queued = try client.command(
            "inject", payload: ["swarm_id": swarm, "content": "after the gap", "mode": "queue"])
        let delivered = try client.waitFor(timeout: 30, "inject_delivered of the queued prompt") {
            $0.eventName == "inject_delivered" && $0.data["request_id"] as? String == queued
        }
        let heldID = try #require(delivered.data["injection_id"] as? String)
        try client.drain(for: 0.5)  // The worker has read it and queued it behind the running turn.

        // The job's end: every worker gets SIGTERM (Slurm's TERM@60 does the same), drains and completes.
        for pid in ProcessScan.pids(where: { $0.contains(" worker ") && $0.contains(job) }) { kill(pid, SIGTERM) }
        let deferred = try client.waitFor(timeout: 30, "inject_deferred") {
            $0.eventName == "inject_deferred" && $0.data["injection_id"] as? String == heldID
        }
        let why = deferred.data["error"] as? String ?? ""
        #expect(why.contains("codeswarm resume"))
        _ = try Self.waitEnded(client, swarm: swarm)
        let longID =
            client.received.first {
                $0.eventName == "inject_ack" && $0.data["request_id"] as? String == long
            }?.data["injection_id"] as? String
        let interrupted = client.received.last {
            $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == longID
        }
        #expect(interrupted?.data["status"] as? String == "interrupted", "the drain interrupted the running turn")

        let request = try client.command("swarm_resume", payload: ["swarm_id": swarm])
        let resumed = try client.waitFor(timeout: 60, "swarm_resumed") {
            $0.eventName == "swarm_resumed" && $0.data["request_id"] as? String == request
        }
        #expect(resumed.data["delivered_held"] as? Int == 1)
        #expect(
            (resumed.data["interrupted"] as? [[String: Any]])?.first?["injection_id"] as? String == longID,
            "the resume names the turn the old job's end interrupted")
        let answered = try client.waitFor(timeout: 60, "the held prompt's answer") {
            $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == heldID
        }
        #expect(answered.data["status"] as? String == "completed")
        let answers = client.received.filter {
            $0.eventName == "assistant" && $0.data["injection_id"] as? String == heldID
        }
        #expect(answers.count == 1, "answered once")
        // The warm-up turn is the thread's history (an interrupted turn leaves none in the demo agent).
        let text = answers.first?.data["content"] as? String ?? ""
        #expect(text.contains("history=1"), "on the resumed thread: \(text)")
    }
}

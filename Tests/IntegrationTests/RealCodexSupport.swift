import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where a real-codex swarm runs.
enum RealCodexProvider: CustomTestStringConvertible {
    case local
    case slurm(ClusterMode)

    var testDescription: String {
        switch self {
        case .local: "local"
        case .slurm(let mode): "slurm-\(mode.rawValue)"
        }
    }
}

/// A real router and one swarm whose nodes run the official codex (`RealCodex.binary`) against the model
/// stand-in, with a fresh `CODEX_HOME` per test: the helper every real-codex test starts from.
///
/// `agent` overrides the config's `agent` section (`approval_policy`, `approval_decision`,
/// `stall_timeout_seconds`, `sandbox`, …); `slurmTime` is a Slurm swarm's time limit and `launchOptions` further
/// `swarm_launch` fields (`auto_resume`). Close it with `close()` (terminates the swarm and stops the stand-in).
final class RealCodexSwarm: @unchecked Sendable {
    // Only the owning test task touches these.
    let provider: RealCodexProvider
    let standIn: ModelStandIn
    let codexHome: String
    let router: RouterProcess
    let client: PlainJSONClient
    /// The folder holding `mailbox/` and `runs/` for this swarm's provider.
    let base: String
    private(set) var swarm = ""
    private(set) var job = ""
    private(set) var launchRequest = ""

    init(
        provider: RealCodexProvider = .local, nodes: Int = 4, systemPrompt: String = "You are a careful agent.",
        agent: [String: Any] = [:], standIn: ModelStandIn? = nil, codexConfig: String = "",
        slurmTime: String = "00:10:00", launchOptions: [String: Any] = [:]
    ) throws {
        self.provider = provider
        self.standIn = try standIn ?? ModelStandIn()
        codexHome = try CodexHome.make(standIn: self.standIn, extraConfig: codexConfig)
        try Self.prepare(codexHome: codexHome)
        var agentSection: [String: Any] = [
            "command": [RealCodex.binary ?? "codex", "app-server", "--listen", "stdio://"],
            "environment": ["CODEX_HOME": codexHome],
        ]
        agentSection.merge(agent) { _, new in new }
        let config: [String: Any]
        switch provider {
        case .local:
            config = [
                "provider": "local", "agent": agentSection,
                "router": ["graceful_terminate_seconds": 20, "launch_timeout_seconds": 60],
            ]
        case .slurm(let mode):
            var slurm =
                try JSONSerialization.jsonObject(with: Data(try SlurmTest.config(mode: mode, time: slurmTime).utf8))
                as? [String: Any] ?? [:]
            slurm["agent"] = agentSection
            config = slurm
        }
        let text = String(
            decoding: try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]), as: UTF8.self)
        router = try RouterProcess(config: text, name: "realcodex")
        switch provider {
        case .local:
            base = "\(router.stateDirectory)/local"
        case .slurm:
            base = "\(SlurmTest.workspace(ofConfig: text) ?? "")/cs"
        }
        client = try router.plainClient()
        let payload = launchOptions.merging(["nodes": nodes, "system_prompt": systemPrompt]) { _, fixed in fixed }
        let request = try client.command("swarm_launch", payload: payload)
        let launched = try client.waitFor(timeout: 150, "swarm_launched") { event in
            event.data["request_id"] as? String == request
                && ["swarm_launched", "command_rejected"].contains(event.eventName ?? "")
        }
        try #require(launched.eventName == "swarm_launched", "launch failed: \(launched.data)")
        swarm = launched.data["swarm_id"] as? String ?? ""
        job = launched.data["job_id"] as? String ?? ""
        launchRequest = request
    }

    /// Runs codex once on the new `CODEX_HOME`, as a user does on the login node before the first swarm: codex 0.163
    /// processes that create a fresh home at the same moment race on its sqlite state, and some exit 1 ("failed to
    /// initialize sqlite state runtime"); the worker restarts them, but a clean run should show no such error.
    static func prepare(codexHome: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["CODEX_HOME"] = codexHome
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RealCodex.binary ?? "codex")
        process.arguments = ["app-server", "--listen", "stdio://"]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: codexHome)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "codex did not start on \(codexHome)")
    }

    /// Waits until every node answered the system prompt (its `turn_complete`).
    func waitForSystemPrompt(nodes: Int, timeout: TimeInterval = 90) throws {
        var acks: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while acks.count < nodes, Date() < deadline {
            try client.drain(for: 0.1)
            acks = client.received.filter {
                $0.eventName == "inject_ack" && $0.data["request_id"] as? String == launchRequest
            }.compactMap { $0.data["injection_id"] as? String }
        }
        try #require(acks.count == nodes, "system prompt acks: \(acks.count) of \(nodes)")
        for injection in acks {
            _ = try client.waitFor(timeout: timeout, "system prompt turn_complete") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
        }
    }

    /// The events of one injection, in arrival order.
    func events(injection: String) -> [[String: Any]] {
        client.received.filter { $0.data["injection_id"] as? String == injection }
    }

    /// The concatenated `assistant_delta` contents of one injection.
    func streamedText(injection: String) -> String {
        events(injection: injection).filter { $0.eventName == "assistant_delta" }
            .compactMap { $0.data["content"] as? String }.joined()
    }

    /// The node an injection went to.
    func node(ofInjection injection: String) -> Int? {
        client.received.first { $0.eventName == "inject_ack" && $0.data["injection_id"] as? String == injection }?
            .data["node_id"] as? Int
    }

    /// Every outbox line node `node` wrote so far (live outbox, else its archive), parsed.
    func outbox(node: Int) -> [[String: Any]] {
        for box in [MailboxLayout.Box.outbox, .archive] {
            let path = MailboxLayout.path(base: base, box: box, jobID: JobID(job), nodeID: node)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        return []
    }

    /// The JSON-RPC payloads node `node` exchanged with codex (`codex_rpc` lines), in order.
    func agentTraffic(node: Int) -> [(toAgent: Bool, payload: [String: Any])] {
        outbox(node: node).filter { $0["type"] as? String == "codex_rpc" }.compactMap { line in
            guard let payload = line["payload"] as? [String: Any] else { return nil }
            return (line["direction"] as? String == "to_agent", payload)
        }
    }

    /// Pids of node `node`'s codex processes (their working directory is the node's agent folder).
    func codexProcesses(node: Int) -> [Int32] {
        let folder = MailboxLayout.agentDirectory(base: base, jobID: JobID(job), nodeID: node)
        return ProcessScan.pids { $0.contains("codex") && $0.contains("app-server") }.filter { pid in
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
            guard count > 0 else { return false }
            return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) == folder
        }
    }

    /// Injects `content` into `nodes` and returns the injection ids once each has its `turn_complete`.
    @discardableResult
    func inject(_ content: String, nodes: Any = "all", timeout: TimeInterval = 90) throws -> [String] {
        try client.injectAndWait(swarm: swarm, nodes: nodes, content: content, timeout: timeout)
    }

    /// Injects without waiting; returns the request id.
    func injectNoWait(_ content: String, nodes: Any = "all") throws -> String {
        try client.command("inject", payload: ["swarm_id": swarm, "nodes": nodes, "content": content])
    }

    /// The injection ids an inject request produced (after its acks arrived).
    func injections(ofRequest request: String, count: Int, timeout: TimeInterval = 30) throws -> [String] {
        try client.injections(ofRequest: request, count: count, timeout: timeout)
    }

    /// Terminates the swarm and waits for `swarm_terminated`.
    func terminate(timeout: TimeInterval = 60) throws {
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        _ = try client.waitFor(timeout: timeout, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
    }

    /// Stops everything this helper started (the swarm is terminated first if it still runs).
    func close() {
        if !client.received.contains(where: { $0.eventName == "swarm_terminated" }) { try? terminate(timeout: 30) }
        router.killLeftovers()
        standIn.stop()
        if case .slurm = provider { try? SlurmTest.cancelAll() }
    }
}

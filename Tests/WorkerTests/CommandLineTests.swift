import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `codeswarm worker` and `codeswarm demo-agent` as processes: ids from the environment, errors, exit codes.
@Suite(.enabled(if: WorkerProcessFixture.canRun, "codeswarm is not built (CI=true turns this into a failure)"))
struct CommandLineTests {
    /// The environment without any job or node id.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["CODESWARM_JOB_ID", "CODESWARM_NODE_ID", "SLURM_JOB_ID", "SLURM_PROCID"] {
            environment[name] = nil
        }
        return environment
    }

    @Test("worker without a job id or node id says how to give one and exits with the usage code")
    func missingIDs() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent"])

        let noJob = try await CommandRunner.run(
            CodeswarmBinary.path, ["worker", "--settings", worker.settingsPath], environment: Self.cleanEnvironment)
        var onlyJob = Self.cleanEnvironment
        onlyJob["SLURM_JOB_ID"] = "4242"
        let noNode = try await CommandRunner.run(
            CodeswarmBinary.path, ["worker", "--settings", worker.settingsPath], environment: onlyJob)

        #expect(noJob.status == .exited(64))
        #expect(noJob.standardError.contains("--job-id"))
        #expect(noNode.status == .exited(64))
        #expect(noNode.standardError.contains("--node-id"))
    }

    @Test("worker with an unreadable settings file or an unsafe job id fails with the reason")
    func badInput() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent"])

        let missing = try await CommandRunner.run(
            CodeswarmBinary.path,
            ["worker", "--settings", "\(worker.base)/nope.json", "--job-id", "j", "--node-id", "0"])
        let unsafe = try await CommandRunner.run(
            CodeswarmBinary.path, ["worker", "--settings", worker.settingsPath, "--job-id", "../x", "--node-id", "0"])

        #expect(missing.status != .exited(0))
        #expect(missing.standardError.contains("nope.json"))
        #expect(unsafe.status == .exited(1))
        #expect(unsafe.standardError.contains("not usable in a file name"))
    }

    @Test("worker --help says the router starts it")
    func help() async throws {
        let output = try await CommandRunner.run(CodeswarmBinary.path, ["worker", "--help"])

        #expect(output.status == .exited(0))
        #expect(output.standardOutput.contains("started by the router"))
    }

    @Test("worker takes the job id from SLURM_JOB_ID and the node id from SLURM_PROCID")
    func idsFromSlurm() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent"], jobID: "777", nodeID: 3)

        try worker.start(identityEnvironment: ["SLURM_JOB_ID": "777", "SLURM_PROCID": "3", "SLURMD_NODENAME": "cn003"])
        let records = try await worker.waitFor("the start line") { !$0.isEmpty }

        #expect(worker.outboxPath.hasSuffix("/mailbox/outbox/777_03.jsonl"))
        #expect(records.first?.type == .start)
        #expect(records.first?.jobID == "777")
        #expect(records.first?.nodeID == 3)
        #expect(records.first?.hostname == "cn003")
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("CODESWARM_JOB_ID and CODESWARM_NODE_ID win over the Slurm variables")
    func idsFromCodeswarm() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent"], jobID: "local_env", nodeID: 12)

        try worker.start(identityEnvironment: [
            "CODESWARM_JOB_ID": "local_env", "CODESWARM_NODE_ID": "12", "SLURM_JOB_ID": "1", "SLURM_PROCID": "0",
        ])
        let records = try await worker.waitFor("the start line") { !$0.isEmpty }

        #expect(records.first?.jobID == "local_env")
        #expect(records.first?.nodeID == 12)
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("demo-agent answers a scripted session on stdio and exits 0 when stdin closes")
    func demoAgentSession() async throws {
        try #require(CodeswarmBinary.isBuilt)
        let script =
            [
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"clientInfo":{"name":"t"}}}"#,
                #"{"method":"initialized"}"#,
                #"{"id":1,"method":"thread/start","params":{}}"#,
                #"{"id":2,"method":"turn/start","params":{"threadId":"0000cafe-0001-7000-8000-000000000000","#
                    + #""input":[{"type":"text","text":"hi"}]}}"#,
                #"{"id":3,"method":"no/such/method"}"#,
            ].joined(separator: "\n") + "\n"
        let state = try TemporaryDirectory.make(prefix: "codeswarm-demo-state")

        let output = try await CommandRunner.run(
            CodeswarmBinary.path,
            ["demo-agent", "--delay-ms", "0", "--deltas", "3", "--id-prefix", "0000cafe", "--state-dir", state],
            input: Array(script.utf8), timeout: .seconds(30))

        #expect(output.status == .exited(0))
        let messages = output.standardOutput.split(separator: "\n").compactMap {
            try? WireCoding.decode(JSONValue.self, from: String($0))
        }
        #expect(messages.first?["id"] == 0)
        #expect(messages.contains { $0["id"] == 3 && $0["error"]?["code"] == -32601 })
        // With no delay the whole turn is written while turn/start is handled, before stdin's end is seen.
        let methods = messages.compactMap { $0["method"]?.stringValue }
        #expect(
            methods == [
                "thread/started", "thread/status/changed", "turn/started", "item/started", "item/completed",
                "item/started", "item/agentMessage/delta", "item/agentMessage/delta", "item/agentMessage/delta",
                "item/completed", "thread/tokenUsage/updated", "thread/status/changed", "turn/completed",
            ])
        // The thread was stored, so a later demo agent with the same state folder can resume it.
        #expect(FileManager.default.fileExists(atPath: "\(state)/0000cafe-0001-7000-8000-000000000000.json"))
        let responseIndex = try #require(messages.firstIndex { $0["id"] == 2 })
        let startedIndex = try #require(messages.firstIndex { $0["method"] == "turn/started" })
        #expect(responseIndex < startedIndex)
    }

    @Test("demo-agent --crash-after 1 exits with code 3 in the middle of the first turn")
    func demoAgentCrash() async throws {
        try #require(CodeswarmBinary.isBuilt)
        let script =
            [
                #"{"id":0,"method":"initialize","params":{}}"#,
                #"{"id":1,"method":"thread/start","params":{}}"#,
                #"{"id":2,"method":"turn/start","params":{"threadId":"0000cafe-0001-7000-8000-000000000000","#
                    + #""input":[{"type":"text","text":"hi"}]}}"#,
            ].joined(separator: "\n") + "\n"
        let state = try TemporaryDirectory.make(prefix: "codeswarm-demo-state")

        // stdin stays open (the runner closes it only after writing), yet the crash ends the process.
        let output = try await CommandRunner.run(
            CodeswarmBinary.path,
            ["demo-agent", "--delay-ms", "0", "--crash-after", "1", "--id-prefix", "0000cafe", "--state-dir", state],
            input: Array(script.utf8), timeout: .seconds(30))

        #expect(output.status == .exited(3))
        #expect(output.standardOutput.contains("item/agentMessage/delta"))
        #expect(!output.standardOutput.contains("turn/completed"))
    }

    @Test("demo-agent rejects bad option values with the usage exit code")
    func demoAgentBadOptions() async throws {
        try #require(CodeswarmBinary.isBuilt)

        let output = try await CommandRunner.run(CodeswarmBinary.path, ["demo-agent", "--deltas", "0"])

        #expect(output.status == .exited(64))
        #expect(output.standardError.contains("--deltas"))
    }
}

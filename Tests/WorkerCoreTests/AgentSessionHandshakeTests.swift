import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// The start of a node: `start` line, agent spawn, initialize → initialized → thread/start.
@Suite struct AgentSessionHandshakeTests {
    @Test("worker start writes `start` and asks for the agent")
    func workerStart() throws {
        var harness = try SessionHarness()

        let effects = harness.handle { .workerStarted(hostname: "node-a", pid: 42, now: $0) }

        let start = try #require(effects.records.first)
        #expect(start.type == .start)
        #expect(start.jobID == "job1")
        #expect(start.nodeID == 2)
        #expect(start.hostname == "node-a")
        #expect(start.pid == 42)
        #expect(effects.last == .startAgent)
    }

    @Test("initialize names the client codeswarm, then initialized and thread/start with the configured settings")
    func handshake() throws {
        var harness = try SessionHarness()
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }

        let started = harness.handle { .agentStarted(pid: 100, now: $0) }
        let initialize = try #require(started.agentMessages.first)
        #expect(initialize["method"] == "initialize")
        #expect(initialize["id"] == 0)
        #expect(initialize["params"]?["clientInfo"]?["name"] == "codeswarm")
        #expect(initialize["jsonrpc"] == nil)
        #expect(started.errorCodes.isEmpty)

        let initialized = harness.agent(
            #"{"id":0,"result":{"userAgent":"codeswarm/0.163.0 (Debian 12.0.0; x86_64) xterm (codeswarm; 0.1.0)"}}"#)
        #expect(initialized.agentMethods == ["initialized", "thread/start"])
        #expect(initialized.agentMessages[0]["params"] == nil)
        let params = try #require(initialized.agentMessages[1]["params"])
        #expect(params["cwd"] == "/base/runs/job1/agent_02")
        #expect(params["sandbox"] == "workspace-write")
        #expect(params["approvalPolicy"] == "on-request")
        #expect(params["model"] == "demo-model")
        // The response is recorded in the outbox, unlabelled.
        #expect(initialized.records.map(\.type) == [.codexRPC])
        #expect(initialized.agentRecordLabels == [nil])

        let ready = harness.agent(#"{"id":1,"result":{"thread":{"id":"thr_1"}}}"#)
        #expect(ready.agentMessages.isEmpty)
    }

    @Test("model is left out of thread/start when none is configured")
    func noModel() throws {
        var harness = try SessionHarness(model: nil)
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = harness.handle { .agentStarted(pid: 100, now: $0) }

        let effects = harness.agent(#"{"id":0,"result":{}}"#)

        #expect(effects.agentMessages.last?["params"]?["model"] == nil)
    }

    @Test("a refused thread/start is reported and the agent is stopped (and later restarted)")
    func threadStartRefused() throws {
        var harness = try SessionHarness()
        _ = harness.handle { .workerStarted(hostname: "h", pid: 1, now: $0) }
        _ = harness.handle { .agentStarted(pid: 100, now: $0) }
        _ = harness.agent(#"{"id":0,"result":{}}"#)

        let effects = harness.agent(#"{"id":1,"error":{"code":-32600,"message":"no sandbox"}}"#)

        #expect(effects.errorCodes == ["agent_error"])
        #expect(effects.workerErrors.first?.error?.contains("no sandbox") == true)
        #expect(effects.contains(.signalAgent(.terminate)))
    }

    @Test("invalid settings are refused with the reason")
    func invalidDecision() {
        let settings = WorkerSettings(base: "/b", agentCommand: ["x"], approvalDecision: "yes")
        #expect(throws: AgentSessionConfiguration.InvalidSetting.self) {
            try AgentSessionConfiguration(settings: settings, jobID: "j", nodeID: 0, workingDirectory: "/w")
        }
    }

    @Test("an agent line that is not JSON is reported, not forwarded")
    func invalidOutput() throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.agent("Starting codex…")

        #expect(effects.errorCodes == ["agent_invalid_output"])
        #expect(effects.records.count == 1)
    }

    @Test("stderr lines become codex_stderr records")
    func stderrLines() throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.handle { .agentStderrLine("WARN something", now: $0) }

        #expect(effects.records.first?.type == .codexStderr)
        #expect(effects.records.first?.line == "WARN something")
    }
}

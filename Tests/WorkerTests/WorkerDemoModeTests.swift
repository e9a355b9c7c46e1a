import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real worker against each demo-agent mode: approvals, unknown requests, stalls, crashes, failed turns.
@Suite(.enabled(if: WorkerProcessFixture.canRun, "codeswarm is not built (CI=true turns this into a failure)"))
struct WorkerDemoModeTests {
    @Test("command approval is answered by the configured policy", arguments: ["accept", "decline"])
    func approval(_ decision: String) async throws {
        let worker = try WorkerProcessFixture(
            agent: ["codeswarm", "demo-agent", "--approval", "--delay-ms", "0"], approvalDecision: decision)
        try worker.start()
        try worker.inject("run the tests", id: "inj-a")

        let records = try await worker.waitFor("the turn to complete") { $0.turnCompleted("inj-a") }

        let request = try #require(records.agentMessages("item/commandExecution/requestApproval").first)
        #expect(request.injectionID == "inj-a")
        let reply = try #require(records.toAgent.first { $0.payload?["id"] == request.payload?["id"] })
        #expect(reply.payload?["result"] == ["decision": .string(decision)])
        #expect(reply.injectionID == "inj-a")
        #expect(records.answer(of: "inj-a")?.contains("approval=\(decision)") == true)
        #expect(records.agentMessages("serverRequest/resolved").first?.injectionID == "inj-a")

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("an unknown server request is answered with a JSON-RPC error and the turn goes on")
    func unknownRequest() async throws {
        let worker = try WorkerProcessFixture(agent: [
            "codeswarm", "demo-agent", "--unknown-request", "--delay-ms", "0",
        ])
        try worker.start()
        try worker.inject("hello", id: "inj-u")

        let records = try await worker.waitFor("the turn to complete") { $0.turnCompleted("inj-u") }

        let reply = try #require(records.toAgent.first)
        #expect(reply.payload?["error"]?["code"] == -32601)
        #expect(
            reply.payload?["error"]?["message"]
                == "account/chatgptAuthTokens/refresh is not supported by codeswarm worker")
        #expect(records.answer(of: "inj-u")?.contains("unknown_request=error(-32601)") == true)

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("a silent agent is reported stalled once, and the turn still completes")
    func stall() async throws {
        let worker = try WorkerProcessFixture(
            agent: ["codeswarm", "demo-agent", "--stall-seconds", "3", "--delay-ms", "0"], stallTimeoutSeconds: 1)
        try worker.start()
        try worker.inject("take your time", id: "inj-s")

        let records = try await worker.waitFor("the turn to complete") { $0.turnCompleted("inj-s") }

        let stalls = records.errors("turn_stalled")
        #expect(stalls.count == 1)
        #expect(stalls.first?.injectionID == "inj-s")
        // The stall is reported before the turn completed.
        let stallSeq = try #require(stalls.first?.seq)
        let completedSeq = try #require(records.agentMessages("turn/completed").first?.seq)
        #expect(stallSeq < completedSeq)

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("a crashed agent is reported for its turn, restarted, and the next prompt runs on the resumed thread")
    func crashAndRestart() async throws {
        let worker = try WorkerProcessFixture(
            agent: ["codeswarm", "demo-agent", "--crash-after", "2", "--delay-ms", "0"], restartLimit: 3)
        try worker.start()
        try worker.inject("first", id: "inj-1")
        try await worker.waitFor("the first turn") { $0.turnCompleted("inj-1") }
        try worker.inject("second (crashes)", id: "inj-2")

        try await worker.waitFor("the restart") { !$0.errors("agent_restarted").isEmpty }
        try worker.inject("third", id: "inj-3")
        let records = try await worker.waitFor("the third turn") { $0.turnCompleted("inj-3") }

        let exited = try #require(records.errors("agent_exited").first)
        #expect(exited.injectionID == "inj-2")
        #expect(exited.error?.contains("exit code 3") == true)
        #expect(records.errors("agent_restarted").count == 1)
        #expect(records.errors("agent_restarted").first?.pid != nil)
        #expect(!records.turnCompleted("inj-2"))
        #expect(records.answer(of: "inj-3")?.contains(PromptDigest.text(of: Array("third".utf8))) == true)

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("an agent that keeps exiting is restarted up to the limit, then the worker completes and archives")
    func restartLimit() async throws {
        let worker = try WorkerProcessFixture(agent: ["/bin/sh", "-c", "exit 7"], restartLimit: 1)
        try worker.start()

        let status = try await worker.waitForExit()

        #expect(status == .exited(1))
        let records = worker.records()
        #expect(records.errors("agent_exited").count == 2)
        #expect(records.errors("agent_restarted").count == 1)
        #expect(records.errors("agent_restart_limit").count == 1)
        #expect(records.last?.type == .complete)
        #expect(records.last?.reason == "agent_restart_limit")
        #expect(!FileManager.default.fileExists(atPath: worker.outboxPath))
        #expect(FileManager.default.fileExists(atPath: worker.archivePath))
    }

    @Test("a failed turn (error mode, or a prompt directive) ends the turn and the next prompt runs")
    func errorMode() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "0"])
        try worker.start()
        try worker.inject("please fail [demo:error]", id: "inj-e")
        try worker.inject("and now succeed", id: "inj-ok")

        let records = try await worker.waitFor("both turns") { $0.turnCompleted("inj-ok") }

        #expect(records.turnStatus("inj-e") == "failed")
        #expect(records.agentMessages("error").first?.injectionID == "inj-e")
        #expect(records.turnStatus("inj-ok") == "completed")

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }
}

import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

/// Issue 9's cockpit on the official codex (only the model stubbed): steering running turns, interrupting one
/// node, approvals that go to a person (across a router restart, and from a plain client in the original
/// project's shapes), and the whole stream (command output, reasoning). Skips visibly without codex; fails in CI.
@Suite(
    .serialized,
    .enabled(if: RealCodex.shouldRun, "needs \(RealCodex.missingComponent ?? "codex") (bash scripts/codex/install.sh)"))
struct RealCodexCockpitTests {
    /// The events named `name` of one injection.
    static func events(_ swarm: RealCodexSwarm, _ injection: String, _ name: String) -> [[String: Any]] {
        swarm.events(injection: injection).filter { $0.eventName == name }
    }

    @Test(
        "4 nodes streaming slowly: steering nodes 1 and 3 joins their running turns, node 2 is interrupted, 0 completes"
    )
    func steerAndInterrupt() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 4)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 4)

        let long = try swarm.injectNoWait("Long task LONG-7 [sim:deltas=40] [sim:delay=150]")
        let first = try swarm.injections(ofRequest: long, count: 4)
        var byNode: [Int: String] = [:]
        for injection in first { byNode[swarm.node(ofInjection: injection) ?? -1] = injection }
        // Every node streams before anyone steers or interrupts.
        for injection in first {
            _ = try swarm.client.waitFor(timeout: 60, "deltas of \(injection)") { _ in
                Self.events(swarm, injection, "assistant_delta").count >= 3
            }
        }

        let steer = try swarm.injectNoWait("STEER-9 please also mention kiwis", nodes: [1, 3])
        let steered = try swarm.injections(ofRequest: steer, count: 2)
        _ = try swarm.client.command("swarm_interrupt", payload: ["swarm_id": swarm.swarm, "nodes": [2]])
        let reply = try swarm.client.waitFor(timeout: 20, "interrupt_sent") { $0.eventName == "interrupt_sent" }
        #expect(reply.data["nodes"] as? [Int] == [2])

        for injection in first + steered {
            _ = try swarm.client.waitFor(timeout: 120, "turn_complete of \(injection)") { event in
                event.eventName == "turn_complete" && event.data["injection_id"] as? String == injection
            }
        }
        func status(_ injection: String?) -> String? {
            Self.events(swarm, injection ?? "", "turn_complete").last?.data["status"] as? String
        }
        #expect(status(byNode[2]) == "interrupted")
        #expect(status(byNode[0]) == "completed")
        #expect(status(byNode[1]) == "completed")
        #expect(status(byNode[3]) == "completed")

        for injection in steered {
            let node = try #require(swarm.node(ofInjection: injection))
            #expect([1, 3].contains(node))
            let original = try #require(byNode[node])
            let turn = Self.events(swarm, original, "turn_started").first?.data["turn_id"] as? String
            let routed = Self.events(swarm, injection, "injection_routed")
            #expect(routed.map { $0.data["how"] as? String } == ["steered"], "node \(node): \(routed)")
            #expect(routed.first?.data["turn_id"] as? String == turn, "the steer joined the turn that was running")
            #expect(Self.events(swarm, injection, "turn_started").isEmpty, "no new turn for the steered text")
            #expect(status(injection) == "completed")
            #expect(!swarm.streamedText(injection: injection).isEmpty, "the answer after the steer is labelled with it")
        }
        // The model saw the steered text inside the same conversation as the long task: twice, on nodes 1 and 3.
        let steeredRequests = swarm.standIn.responsesRequests(mentioning: "STEER-9")
        #expect(steeredRequests.count == 2)
        for request in steeredRequests {
            #expect(request.texts(role: "user").contains { $0.contains("LONG-7") }, "steered within the long turn")
        }
        // Nodes 0 and 2 got nothing steered.
        for node in [0, 2] {
            #expect(
                Self.events(swarm, byNode[node] ?? "", "injection_routed").map { $0.data["how"] as? String } == [
                    "new_turn"
                ])
        }
    }

    @Test(
        "command output and a reasoning summary reach clients as they stream; a patch shows as a file change and a diff"
    )
    func wholeStream() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 1)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 1)
        let injection = try #require(
            try swarm.inject("Run it [sim:reasoning=Weighing the options] [sim:exec=echo hello-output]", nodes: [0])
                .first)
        let output = Self.events(swarm, injection, "command_output").compactMap { $0.data["content"] as? String }
        #expect(output.joined().contains("hello-output"), "streamed command output: \(output)")
        let completed = Self.events(swarm, injection, "command_completed").last
        #expect((completed?.data["output"] as? String)?.contains("hello-output") == true)
        let reasoning = Self.events(swarm, injection, "reasoning_delta").compactMap { $0.data["content"] as? String }
        #expect(reasoning.joined().contains("Weighing the options"), "reasoning deltas: \(reasoning)")

        // A patch codex applies (apply_patch run as a command) shows as a file change and the turn's diff.
        let patch =
            "apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: hello.txt\n+hello from the patch\n*** End Patch\nPATCH"
        let patched = try #require(try swarm.inject("Add the file [sim:exec=\(patch)]", nodes: [0]).first)
        let changes = Self.events(swarm, patched, "file_change").flatMap {
            $0.data["changes"] as? [[String: Any]] ?? []
        }
        #expect(
            changes.contains { ($0["path"] as? String)?.hasSuffix("hello.txt") == true }, "file changes: \(changes)")
        let diff = Self.events(swarm, patched, "turn_diff").last?.data["diff"] as? String
        #expect(diff?.contains("+hello from the patch") == true, "turn diff: \(diff ?? "none")")
    }

    @Test(
        "untrusted: codex asks on 2 nodes; the requests survive a router restart, one is accepted (its file is created), one declined (not created)"
    )
    func approvalsToAPerson() async throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 2, agent: ["approval_policy": "untrusted"])
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 2)
        let yes = try swarm.injectNoWait("Create it [sim:exec=touch approved.txt]", nodes: [0])
        let no = try swarm.injectNoWait("Create it [sim:exec=touch declined.txt]", nodes: [1])
        let accepted = try #require(try swarm.injections(ofRequest: yes, count: 1).first)
        let declined = try #require(try swarm.injections(ofRequest: no, count: 1).first)
        for injection in [accepted, declined] {
            let asked = try swarm.client.waitFor(timeout: 90, "approval_requested for \(injection)") { event in
                event.eventName == "approval_requested" && event.data["injection_id"] as? String == injection
            }
            #expect((asked.data["command"] as? String)?.contains("touch") == true)
            #expect(asked.data["cwd"] as? String != nil)
            #expect((asked.data["available_decisions"] as? [Any])?.isEmpty == false)
        }

        // The router dies with both requests pending; a new one knows them (the plain client asks the original way).
        await swarm.router.kill(signal: SIGKILL)
        try swarm.router.start()
        let client = try swarm.router.plainClient()
        let list = try client.command("approvals_list")
        let reply = try client.waitFor(timeout: 20, "approvals_list") { $0.data["request_id"] as? String == list }
        let nested = reply.data["approvals"] as? [String: [String: [[String: Any]]]] ?? [:]
        let entries = nested[swarm.swarm]?.values.flatMap { $0 } ?? []
        #expect(entries.count == 2, "both approvals survived the restart: \(reply.data)")
        let mine = try #require(entries.first { ($0["command"] as? String)?.contains("approved.txt") == true })
        let theirs = try #require(entries.first { ($0["command"] as? String)?.contains("declined.txt") == true })

        // Accept one with the original's approve_execution, decline the other with approval_decide.
        let approve = try client.command(
            "approve_execution",
            payload: ["job_id": swarm.job, "call_id": mine["call_id"] as? String ?? "", "approved": true])
        let submitted = try client.waitFor(timeout: 20, "exec_approval_submitted") {
            $0.data["request_id"] as? String == approve
        }
        #expect(submitted.eventName == "exec_approval_submitted", "\(submitted)")
        let decline = try client.command(
            "approval_decide", payload: ["approval_id": theirs["approval_id"] as? String ?? "", "decision": "decline"])
        let answered = try client.waitFor(timeout: 20, "approval_submitted") {
            $0.data["request_id"] as? String == decline
        }
        #expect(answered.eventName == "approval_submitted", "\(answered)")
        // Exactly once: a second answer is refused with the reason.
        let again = try client.command(
            "approval_decide", payload: ["approval_id": theirs["approval_id"] as? String ?? "", "decision": "accept"])
        let refused = try client.waitFor(timeout: 20, "second answer") { $0.data["request_id"] as? String == again }
        #expect(refused.eventName == "command_rejected")
        #expect((refused.data["reason"] as? String)?.contains("already answered") == true)

        for injection in [accepted, declined] {
            _ = try client.waitFor(timeout: 120, "turn_complete of \(injection)") { event in
                event.eventName == "turn_complete" && event.data["injection_id"] as? String == injection
            }
        }
        let folder0 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 0)
        let folder1 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 1)
        #expect(FileManager.default.fileExists(atPath: "\(folder0)/approved.txt"), "the accepted command ran")
        #expect(!FileManager.default.fileExists(atPath: "\(folder1)/declined.txt"), "the declined command did not")
        let resolved = client.received.filter { $0.eventName == "exec_approval_resolved" }
        #expect(resolved.count == 2, "both answers reached codex: \(resolved.map(\.data))")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm.swarm])
        _ = try client.waitFor(timeout: 60, "swarm_terminated") { $0.eventName == "swarm_terminated" }
    }
}

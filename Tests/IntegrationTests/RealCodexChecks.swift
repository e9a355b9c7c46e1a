import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real-codex scenarios, shared by the local and the Slurm suites (and reusable by later suites).
enum RealCodexChecks {
    /// Codex's own warnings reached clients as `agent_warning`, and every node reports codex's version.
    static func warningsAndVersions(_ swarm: RealCodexSwarm, nodes: Int) throws {
        let warnings = swarm.client.received.filter { $0.eventName == "agent_warning" }
        // Codex warns on every turn that the stand-in model has no metadata.
        #expect(warnings.contains { ($0.data["message"] as? String)?.contains("Model metadata") == true })
        if PathSearchTest.find("bwrap") == nil {
            // Without bubblewrap on PATH (common on compute nodes) codex says so once per process.
            let bubblewrap = warnings.filter {
                $0.data["kind"] as? String == "configWarning"
                    && ($0.data["message"] as? String)?.contains("bubblewrap") == true
            }
            #expect(Set(bubblewrap.compactMap { $0.data["node_id"] as? Int }).count == nodes)
        }
        let errors = swarm.client.received.filter { $0.eventName == "agent_error" }.map(\.data)
        #expect(errors.isEmpty, "no errors in a healthy run: \(errors)")
        let status = try swarm.client.reply(
            to: try swarm.client.command("swarm_status", payload: ["swarm_id": swarm.swarm, "include_nodes": true]))
        let versions = (status.data["nodes"] as? [[String: Any]] ?? []).compactMap { $0["agent_version"] as? String }
        #expect(versions == Array(repeating: RealCodex.pinnedVersion, count: nodes))
    }

    /// Under `untrusted` + `accept`: codex asks (with `availableDecisions`), the worker accepts, the command runs.
    static func acceptedCommand(_ swarm: RealCodexSwarm, node: Int) throws {
        let injection = try #require(
            swarm.inject("Check the build [sim:exec=echo real-output-$((6*7)); exit 3]", nodes: [node]).first)
        let events = swarm.events(injection: injection)
        let answered = events.first { $0.eventName == "approval_answered" }
        #expect(answered?.data["kind"] as? String == "item/commandExecution/requestApproval")
        #expect(answered?.data["decision"] as? String == "accept")
        let completed = events.first { $0.eventName == "command_completed" }
        #expect(completed?.data["exit_code"] as? Int == 3)
        #expect((completed?.data["output"] as? String)?.contains("real-output-42") == true)
        #expect(events.contains { $0.eventName == "command_started" })
        #expect(events.last?.data["status"] as? String == "completed")
        // What codex asked, as the worker saw it: the request carries the decisions it offers.
        let request = swarm.agentTraffic(node: node).first {
            !$0.toAgent && $0.payload["method"] as? String == "item/commandExecution/requestApproval"
        }
        let params = request?.payload["params"] as? [String: Any]
        #expect((params?["availableDecisions"] as? [Any])?.isEmpty == false)
        #expect(params?["startedAtMs"] != nil)
        // The model got the command's real output back.
        let followUp = swarm.standIn.responsesRequests(mentioning: "Check the build").last
        #expect(followUp?.toolOutputs.contains { $0.contains("real-output-42") } == true)
    }

    /// The stand-in stops mid-stream: the worker reports the stall; terminate interrupts the turn and drains it.
    static func stallAndDrain(_ swarm: RealCodexSwarm, node: Int) throws {
        let request = try swarm.injectNoWait("A long answer [sim:deltas=8] [sim:cut=2]", nodes: [node])
        let injection = try #require(try swarm.injections(ofRequest: request, count: 1).first)
        _ = try swarm.client.waitFor(timeout: 60, "turn_stalled") {
            $0.eventName == "agent_error" && $0.data["code"] as? String == "turn_stalled"
                && $0.data["injection_id"] as? String == injection
        }
        #expect(swarm.streamedText(injection: injection).isEmpty == false, "the deltas before the cut arrived")
        try swarm.terminate(timeout: 90)
        let complete = swarm.events(injection: injection).last { $0.eventName == "turn_complete" }
        #expect(complete?.data["status"] as? String == "interrupted")
        let interrupt = swarm.agentTraffic(node: node).first {
            $0.toAgent && $0.payload["method"] as? String == "turn/interrupt"
        }
        #expect(interrupt != nil, "the worker drained through turn/interrupt")
        let ended = swarm.client.received.first {
            $0.eventName == "node_ended" && $0.data["node_id"] as? Int == node
        }
        #expect(ended?.data["reason"] as? String == "sigterm")
    }

    /// Codex killed: the worker restarts it and resumes the thread, and codex sends the model the earlier turns.
    static func killAndResume(_ swarm: RealCodexSwarm, node: Int) throws {
        try swarm.inject("Remember the word tangerine-77 [sim:deltas=2]", nodes: [node])
        let pids = swarm.codexProcesses(node: node)
        try #require(pids.count == 1, "codex processes of node \(node): \(pids)")
        kill(pids[0], SIGKILL)
        _ = try swarm.client.waitFor(timeout: 30, "agent_exited") {
            $0.eventName == "agent_error" && $0.data["code"] as? String == "agent_exited"
        }
        let answer = try #require(swarm.inject("Which word did I ask you to remember?", nodes: [node]).first)
        #expect(swarm.events(injection: answer).last?.data["status"] as? String == "completed")
        let restarted = swarm.codexProcesses(node: node)
        #expect(restarted.count == 1 && restarted != pids)
        // The resumed thread's first request carries the conversation from before the kill.
        let request = try #require(swarm.standIn.responsesRequests(mentioning: "Which word did I").last)
        #expect(request.texts(role: "user").contains { $0.contains("tangerine-77") })
        #expect(request.texts(role: "assistant").contains { $0.hasPrefix("Stand-in answer") })
        // The worker resumed (no fresh thread): codex never refused the resume.
        let refusals = swarm.agentTraffic(node: node).filter {
            ($0.payload["error"] as? [String: Any])?["message"] as? String == "no rollout found"
        }
        #expect(refusals.isEmpty)
    }
}

/// `PATH` lookup for the tests (the bubblewrap check).
enum PathSearchTest {
    static func find(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

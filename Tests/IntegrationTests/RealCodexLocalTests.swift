import Foundation
import TestSupport
import Testing

/// The official codex binary driven by real workers and a real router on the local provider; only the model is
/// stubbed (the stand-in). Skips visibly without codex on a developer machine; fails in CI.
@Suite(
    .serialized,
    .enabled(if: RealCodex.shouldRun, "needs \(RealCodex.missingComponent ?? "codex") (bash scripts/codex/install.sh)"))
struct RealCodexLocalTests {
    @Test("4 nodes on the real codex: launch, every streamed answer complete and in order, inject to a subset, usage")
    func launchStreamSubset() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 4)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 4)

        let all = try swarm.inject("Describe your plan [sim:deltas=6] [sim:delay=20]")
        #expect(all.count == 4)
        let subset = try swarm.inject("Only odd nodes [sim:deltas=3]", nodes: [1, 3])
        #expect(Set(subset.compactMap(swarm.node(ofInjection:))) == [1, 3])

        for injection in all + subset {
            let names = swarm.events(injection: injection).compactMap(\.eventName).filter {
                !["agent_status", "agent_warning", "injection_routed"].contains($0)
            }
            let collapsed = names.reduce(into: [String]()) { result, name in
                if name == "assistant_delta", result.last == "assistant_delta" { return }
                result.append(name)
            }
            #expect(
                collapsed == [
                    "inject_ack", "inject_delivered", "turn_started", "assistant_delta", "assistant", "usage",
                    "turn_complete",
                ], "injection \(injection): \(names)")
            let routed = swarm.events(injection: injection).filter { $0.eventName == "injection_routed" }
            #expect(routed.map { $0.data["how"] as? String } == ["new_turn"], "injection \(injection) routed once")
            // The deltas add up to the final answer, which the stand-in derived from this very prompt.
            let final = swarm.events(injection: injection).last { $0.eventName == "assistant" }?.data["content"]
            #expect(swarm.streamedText(injection: injection) == final as? String)
            #expect((final as? String)?.hasPrefix("Stand-in answer (bytes=") == true)
            let complete = swarm.events(injection: injection).last { $0.eventName == "turn_complete" }
            #expect(complete?.data["status"] as? String == "completed")
            let usage = swarm.events(injection: injection).last { $0.eventName == "usage" }
            #expect((usage?.data["total_tokens"] as? Int ?? 0) > 0)
        }
        #expect(all.allSatisfy { swarm.events(injection: $0).filter { $0.eventName == "assistant_delta" }.count == 6 })
        // Codex sent the model each prompt exactly as injected.
        #expect(swarm.standIn.responsesRequests(mentioning: "Describe your plan").count == 4)
        #expect(swarm.standIn.responsesRequests(mentioning: "Only odd nodes").count == 2)
        try RealCodexChecks.warningsAndVersions(swarm, nodes: 4)
    }

    @Test("a command runs with its real output and exit code, approved per policy; a declined one never runs")
    func commandsAndApprovals() throws {
        try RealCodex.require()
        let accepting = try RealCodexSwarm(
            nodes: 1, agent: ["approval_policy": "untrusted", "approval_decision": "accept"])
        defer { accepting.close() }
        try accepting.waitForSystemPrompt(nodes: 1)
        try RealCodexChecks.acceptedCommand(accepting, node: 0)

        let declining = try RealCodexSwarm(
            nodes: 1, agent: ["approval_policy": "untrusted", "approval_decision": "decline"],
            standIn: accepting.standIn)
        defer { declining.close() }
        try declining.waitForSystemPrompt(nodes: 1)
        let marker = "\(declining.codexHome)/declined-command-ran"
        let injection = try #require(declining.inject("Touch it [sim:exec=touch \(marker)]").first)
        let answered = declining.events(injection: injection).first { $0.eventName == "approval_answered" }
        #expect(answered?.data["decision"] as? String == "decline")
        let completed = declining.events(injection: injection).first { $0.eventName == "command_completed" }
        #expect(completed != nil && completed?.data["exit_code"] == nil)
        #expect(!FileManager.default.fileExists(atPath: marker), "a declined command must not run")
        #expect(declining.events(injection: injection).last?.data["status"] as? String == "completed")
    }

    @Test("a stream that stops mid-turn is reported stalled; terminate drains it through turn/interrupt")
    func stallThenDrain() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 2, agent: ["stall_timeout_seconds": 2])
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 2)
        try RealCodexChecks.stallAndDrain(swarm, node: 1)
    }

    @Test("codex killed mid-session is restarted by the worker and resumes its thread with the whole history")
    func killedCodexResumes() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 1)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 1)
        try RealCodexChecks.killAndResume(swarm, node: 0)
    }
}

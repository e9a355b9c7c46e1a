import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Crashes mid-stream lose and duplicate nothing (acceptance 2 of issue 2).
@Suite(.serialized, .requires(.codeswarmBinary))
struct RecoveryTests {
    /// Deltas per answer; each delta is delayed so a turn streams for about a second.
    static let deltas = 40

    @Test(
        "kill -9 of the relay and then of the router mid-stream: every injection's deltas and turn_complete arrive exactly once"
    )
    func relayAndRouterCrashes() async throws {
        let router = try RouterProcess(
            config: Demo.config(agentFlags: ["--deltas", String(Self.deltas), "--delay-ms", "25"]))
        defer { router.killLeftovers() }
        var client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 4)
        var lastSeq = 0
        var events: [[String: Any]] = []
        func absorb(_ client: PlainJSONClient) {
            for event in client.received {
                guard let seq = event.data["seq"] as? Int else { continue }
                // Seqs from before a reconnect arrive again only through replay; count each once.
                if seq <= lastSeq { continue }
                lastSeq = seq
                events.append(event)
            }
        }

        // First injection: kill the relay while it streams.
        let first = try client.command("inject", payload: ["swarm_id": swarm, "content": "first"])
        _ = try client.waitFor(timeout: 30, "first deltas") { $0.eventName == "assistant_delta" }
        let relays = ProcessScan.pids { $0.contains(" relay ") && $0.contains(router.stateDirectory) }
        #expect(!relays.isEmpty)
        for pid in relays { kill(pid, SIGKILL) }
        try client.drain(for: 3)

        // Second injection: kill the router while it streams, restart it, resume by replay.
        let second = try client.command("inject", payload: ["swarm_id": swarm, "content": "second"])
        _ = try client.waitFor(timeout: 30, "second stream") { event in
            event.eventName == "assistant_delta" && (event.data["seq"] as? Int ?? 0) > 0
                && client.received.contains {
                    $0.eventName == "inject_ack" && $0.data["request_id"] as? String == second
                }
        }
        await router.kill(signal: SIGKILL)
        absorb(client)
        try await Task.sleep(for: .milliseconds(500))
        try router.start()
        client = try router.plainClient()
        try client.command("events_replay", payload: ["since_seq": lastSeq, "swarm_id": swarm])
        try client.drain(for: 4)
        absorb(client)

        let injections = Set(
            events.filter { $0.eventName == "inject_ack" }.compactMap { event -> String? in
                let request = event.data["request_id"] as? String
                return request == first || request == second ? event.data["injection_id"] as? String : nil
            })
        #expect(injections.count == 8)
        for injection in injections {
            let mine = events.filter { $0.data["injection_id"] as? String == injection }
            #expect(mine.filter { $0.eventName == "assistant_delta" }.count == Self.deltas, "deltas of \(injection)")
            #expect(mine.filter { $0.eventName == "turn_complete" }.count == 1, "turn_complete of \(injection)")
            #expect(mine.filter { $0.eventName == "turn_started" }.count == 1)
            let text = mine.filter { $0.eventName == "assistant_delta" }.compactMap { $0.data["content"] as? String }
                .joined()
            let final = mine.first { $0.eventName == "assistant" }?.data["content"] as? String
            #expect(text == final, "streamed text equals the final message for \(injection)")
        }
        // The restarted router re-adopted the live swarm.
        let status = try client.reply(to: try client.command("swarm_status", payload: ["swarm_id": swarm]))
        #expect(status.data["status"] as? String == "running")
        _ = try client.injectAndWait(swarm: swarm, content: "after the restart")
    }

    @Test("a restarted router reports a swarm whose workers died meanwhile as terminated, with a reason")
    func goneWorkersAreReported() async throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2)
        await router.kill(signal: SIGTERM)
        // Swarms outlive the router: the workers are still there after a clean router stop.
        let workers = ProcessScan.pids { $0.contains(" worker ") && $0.contains(job) }
        #expect(workers.count == 2)
        #expect(ProcessScan.pids { $0.contains(" relay ") && $0.contains(router.stateDirectory) }.isEmpty)
        for pid in workers { kill(pid, SIGKILL) }
        try await Task.sleep(for: .milliseconds(300))
        try router.start()
        let fresh = try router.plainClient()
        let ended = try fresh.waitFor(timeout: 30, "swarm_terminated after restart") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        #expect((ended.data["reason"] as? String ?? "").isEmpty == false)
        let list = try fresh.reply(to: try fresh.command("swarm_list"))
        let record = (list.data["swarms"] as? [String: Any])?[swarm] as? [String: Any]
        #expect(record?["status"] as? String == "terminated")
        #expect(record?["ended_reason"] as? String != nil)
    }
}

import Foundation
import TestSupport
import Testing

/// Issue 10's first "done when", on the real codex: a 4-node swarm on the real cluster hits its 2-minute limit
/// mid-turn and `swarm_resume` brings every node's conversation back. An extension of the one Slurm suite, so it
/// runs alone on the shared cluster.
extension SlurmEndToEndTests {
    @Test(
        "4 Slurm nodes on codex, each remembering its own word, hit a 2-minute limit mid-turn; after the resume (swarm_resume, or --auto-resume 1 without a command) each node's next model request carries its earlier turns and its answer names its word; the prompt sent while the job ended is answered after",
        .enabled(
            if: RealCodex.shouldRun,
            "needs \(RealCodex.missingComponent ?? "the pinned codex (scripts/codex/install.sh)")"),
        arguments: [false, true]
    )
    func realCodexResumeAfterTimeLimit(automatic: Bool) throws {
        try RealCodex.require()
        try SlurmTest.requireCluster()
        try SlurmTest.cancelAll()
        let swarm = try RealCodexSwarm(
            provider: .slurm(.loginNode), nodes: 4, slurmTime: "00:02:00",
            launchOptions: automatic ? ["auto_resume": 1] : [:])
        defer { swarm.close() }
        let client = swarm.client
        let words = ["amber-11", "birch-22", "cobalt-33", "dune-44"]
        // Sent at once (TERM@60 comes 35–50 s after the launch): each queues behind the node's system prompt.
        let remembered = try words.enumerated().map { node, word in
            try swarm.injectNoWait("Remember the word \(word). [sim:deltas=2]", nodes: [node])
        }
        for request in remembered {
            let injection = try #require(try swarm.injections(ofRequest: request, count: 1, timeout: 60).first)
            let done = try client.waitFor(timeout: 90, "the remember turn") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(done.data["status"] as? String == "completed", "\(done.data)")
        }

        // Every node is mid-turn when the time limit comes: the model streams a little, then holds its stream open
        // (the stand-in's answers are short, so a long one is a stalled one).
        let long = try swarm.injections(
            ofRequest: try swarm.injectNoWait("Write a long essay. [sim:deltas=8] [sim:delay=100] [sim:cut=3]"),
            count: 4)
        _ = try client.waitFor(timeout: 60, "the long turns stream") {
            $0.eventName == "assistant_delta" && long.contains($0.data["injection_id"] as? String ?? "")
        }
        _ = try client.waitFor(timeout: 150, "a long turn ended by TERM@60") {
            $0.eventName == "turn_complete" && long.contains($0.data["injection_id"] as? String ?? "")
        }
        // The job is ending: this prompt is held and answered after the resume.
        let question = "Which word did I ask you to remember? [sim:recall] [sim:deltas=1]"
        let held = try swarm.injections(
            ofRequest: try client.command(
                "inject", payload: ["swarm_id": swarm.swarm, "content": question, "mode": "queue"]),
            count: 4)
        let terminated = try client.waitFor(timeout: 120, "swarm_terminated at the time limit") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm.swarm
        }
        #expect((terminated.data["reason"] as? String ?? "").contains("time limit"), "\(terminated.data)")
        for injection in long {
            let last = client.received.last {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(last?.data["status"] as? String == "interrupted", "long turn \(injection): \(last?.data ?? [:])")
        }

        // Manual: `codeswarm resume` with a longer limit. Automatic: the router resubmits after its backoff (10 s).
        let request =
            automatic
            ? nil : try client.command("swarm_resume", payload: ["swarm_id": swarm.swarm, "time": "00:03:00"])
        let resumed = try client.waitFor(timeout: 180, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
                && (request == nil || $0.data["request_id"] as? String == request)
                && (request != nil || $0.data["swarm_id"] as? String == swarm.swarm)
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        #expect(resumed.data["cause"] as? String == (automatic ? "automatic" : "manual"), "\(resumed.data)")
        #expect(resumed.data["swarm_id"] as? String == swarm.swarm)
        #expect(resumed.data["job_id"] as? String != swarm.job, "a new job")
        let outcomes = resumed.data["nodes"] as? [[String: Any]] ?? []
        #expect(outcomes.count == 4 && outcomes.allSatisfy { $0["resumed"] as? Bool == true }, "\(outcomes)")

        // The held question, answered on each node from its own history.
        for injection in held {
            let done = try client.waitFor(timeout: 120, "the held question's answer") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(done.data["status"] as? String == "completed", "\(done.data)")
            let node = try #require(swarm.node(ofInjection: injection))
            let answer =
                client.received.last {
                    $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
                }?.data["content"] as? String ?? ""
            #expect(answer.contains(words[node]), "node \(node) answered: \(answer)")
            #expect(
                words.enumerated().allSatisfy { $0.offset == node || !answer.contains($0.element) },
                "node \(node) knows only its own word: \(answer)")
        }
        // What codex sent the model after the resume: each node's request carries that node's earlier turns.
        let requests = swarm.standIn.responsesRequests(mentioning: "Which word did I ask you to remember?")
        #expect(requests.count == 4, "one request per node")
        let carried = requests.map { request in
            words.filter { word in request.texts(role: "user").contains { $0.contains(word) } }
        }
        #expect(carried.allSatisfy { $0.count == 1 }, "each request carries exactly one node's history: \(carried)")
        #expect(Set(carried.flatMap { $0 }) == Set(words))
        #expect(
            requests.allSatisfy { $0.texts(role: "user").contains { $0.contains("Write a long essay") } },
            "the interrupted turn is part of the resumed history")

        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm.swarm, "force": true])
        _ = try client.waitFor(timeout: 60, "the resumed job's end") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm.swarm
                && $0.data["job_id"] as? String != swarm.job
        }
    }
}

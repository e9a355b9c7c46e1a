import Foundation
import TestSupport
import Testing

/// Issue 10 on the real 4-node cluster: a swarm whose job hits its time limit mid-turn comes back on a new job with
/// `swarm_resume`. An extension of the one Slurm suite, so it runs alone on the shared cluster.
extension SlurmEndToEndTests {
    @Test(
        "4 nodes hit a 2-minute limit mid-turn; swarm_resume brings the same swarm back on a new job, each node on its old thread, held prompts answered, the chain and interrupted turns reported"
    )
    func resumeAfterTimeLimit() async throws {
        try SlurmTest.cancelAll()
        // 2 minutes is the smallest limit that leaves time to work: Slurm counts whole minutes and TERM@60 comes
        // one minute before the end. Every turn is long (3000 deltas, 100 ms each) unless it says otherwise.
        let config = try SlurmTest.config(
            mode: .loginNode, agentFlags: ["--deltas", "3000", "--delay-ms", "100"], time: "00:02:00")
        let router = try RouterProcess(config: config)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let launchedAt = Date()
        let (swarm, job) = try client.launch(nodes: 4, timeout: 120)
        let forSwarm = { (event: [String: Any]) in event.data["swarm_id"] as? String == swarm }

        // Each node holds a conversation: one completed turn, then a long one the time limit cuts.
        try client.injectAndWait(swarm: swarm, content: "remember the word lantern [demo:deltas=2]")
        let threads = client.threads(of: swarm)
        #expect(threads.count == 4, "every node reported its thread: \(threads)")
        let long = try client.command("inject", payload: ["swarm_id": swarm, "content": "a long task"])
        let longIDs = try client.injections(ofRequest: long, count: 4)
        _ = try client.waitFor(timeout: 30, "the long turns stream") { $0.eventName == "assistant_delta" }

        // The job is ending (the first drained turn is reported): a prompt sent now waits for the resume.
        _ = try client.waitFor(timeout: 150, "a long turn ended by TERM@60") {
            $0.eventName == "turn_complete" && longIDs.contains($0.data["injection_id"] as? String ?? "")
        }
        let held = try client.command(
            "inject", payload: ["swarm_id": swarm, "content": "sent while ending [demo:deltas=1]", "mode": "queue"])
        let heldIDs = try client.injections(ofRequest: held, count: 4)
        let terminated = try client.waitFor(timeout: 90, "swarm_terminated at the time limit") {
            $0.eventName == "swarm_terminated" && forSwarm($0)
        }
        let endedAfter = Date().timeIntervalSince(launchedAt)
        #expect((terminated.data["reason"] as? String ?? "").contains("time limit"), "\(terminated.data)")
        // Slurm signals every process of the step, so the agent gets TERM with its worker; the worker still ends
        // the turn as interrupted (the agent's own exit during the drain counts as the job's end, not a failure).
        for injection in longIDs {
            let last = client.received.last {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(last?.data["status"] as? String == "interrupted", "long turn \(injection): \(last?.data ?? [:])")
        }
        #expect(
            heldIDs.allSatisfy { injection in
                !client.received.contains {
                    $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
                }
            }, "nothing answered the prompt sent while the job ended")

        // The resume: a new job for the same swarm id.
        let resumeAt = Date()
        let mark = client.received.count
        let request = try client.command("swarm_resume", payload: ["swarm_id": swarm, "time": "00:03:00"])
        let resumed = try client.waitFor(timeout: 120, "swarm_resumed") {
            ["swarm_resumed", "command_rejected"].contains($0.eventName ?? "")
                && $0.data["request_id"] as? String == request
        }
        try #require(resumed.eventName == "swarm_resumed", "\(resumed.data)")
        let newJob = try #require(resumed.data["job_id"] as? String)
        #expect(newJob != job)
        #expect(resumed.data["previous_job_id"] as? String == job)
        let nodes = resumed.data["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.count == 4)
        for node in nodes {
            let id = node["node_id"] as? Int ?? -1
            #expect(node["resumed"] as? Bool == true, "node \(id): \(node)")
            #expect(node["thread_id"] as? String == threads[id], "node \(id) is back on its old thread")
        }
        let reopened = client.received[mark...].filter { $0.eventName == "agent_thread" && forSwarm($0) }
        #expect(reopened.count == 4)
        #expect(reopened.allSatisfy { $0.data["resumed"] as? Bool == true }, "\(reopened.map(\.data))")
        let interrupted = (resumed.data["interrupted"] as? [[String: Any]] ?? []).compactMap {
            $0["injection_id"] as? String
        }
        #expect(Set(interrupted) == Set(longIDs), "the resume names the turns the time limit interrupted")
        #expect(resumed.data["delivered_held"] as? Int == 4)

        // The prompt sent while the job ended is answered once per node, on the resumed thread.
        for injection in heldIDs {
            let done = try client.waitFor(timeout: 60, "the held prompt's answer") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(done.data["status"] as? String == "completed", "\(done.data)")
            let answers = client.received.filter {
                $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
            }
            #expect(answers.count == 1, "answered once")
            let text = answers.first?.data["content"] as? String ?? ""
            #expect(text.contains("history=1"), "the thread kept its completed turn: \(text)")
        }
        let answeredAfter = Date().timeIntervalSince(resumeAt)

        // swarm_status: the chain of both jobs, and why the first ended.
        let status = try client.reply(
            to: try client.command("swarm_status", payload: ["swarm_id": swarm, "include_nodes": true]))
        try #require(status.eventName == "swarm_status", "\(status)")
        let chain = status.data["jobs"] as? [[String: Any]] ?? []
        #expect(chain.compactMap { $0["job_id"] as? String } == [job, newJob], "\(status.data)")
        let first = chain.first ?? [:]
        #expect(first["cause"] as? String == "time_limit", "\(first)")
        #expect((first["ended_reason"] as? String ?? "").contains("time limit"), "\(first)")
        #expect(
            Set((first["interrupted"] as? [[String: Any]] ?? []).compactMap { $0["injection_id"] as? String })
                == Set(longIDs))
        let statusNodes = status.data["nodes"] as? [[String: Any]] ?? []
        #expect(statusNodes.count == 4)
        for node in statusNodes {
            let id = node["node_id"] as? Int ?? -1
            #expect(node["thread_resumed"] as? Bool == true, "node \(id)")
            #expect(node["thread_id"] as? String == threads[id], "node \(id)")
        }
        // The drain each worker measured (SIGTERM to `complete`), as the router logged it.
        let routerLog = (try? String(contentsOfFile: "\(router.stateDirectory)/router-test.log", encoding: .utf8)) ?? ""
        let drains = routerLog.split(separator: "\n").filter { $0.contains("drained in") }
        print("resume on Slurm, drains of job \(job):\n" + drains.joined(separator: "\n"))
        print(
            "resume on Slurm: job \(job) ended \(String(format: "%.1f", endedAfter)) s after launch; job \(newJob) "
                + "answered on every node \(String(format: "%.1f", answeredAfter)) s after swarm_resume")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }

    @Test(
        "--auto-resume 1: a 2-node swarm whose job hits its 2-minute limit mid-turn comes back on a new job by itself, each node on its old thread, and the conversation goes on"
    )
    func autoResumeAfterTimeLimit() async throws {
        try SlurmTest.cancelAll()
        let config = try SlurmTest.config(
            mode: .loginNode, agentFlags: ["--deltas", "3000", "--delay-ms", "100"], time: "00:02:00")
        let router = try RouterProcess(config: config)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2, extra: ["auto_resume": 1], timeout: 120)
        let forSwarm = { (event: [String: Any]) in event.data["swarm_id"] as? String == swarm }
        try client.injectAndWait(swarm: swarm, content: "remember the word lantern [demo:deltas=2]")
        let threads = client.threads(of: swarm)
        #expect(threads.count == 2, "every node reported its thread: \(threads)")
        let long = try client.command("inject", payload: ["swarm_id": swarm, "content": "a long task"])
        let longIDs = try client.injections(ofRequest: long, count: 2)

        // TERM@60 ends the job; nobody sends swarm_resume.
        let terminated = try client.waitFor(timeout: 150, "swarm_terminated at the time limit") {
            $0.eventName == "swarm_terminated" && forSwarm($0)
        }
        #expect((terminated.data["reason"] as? String ?? "").contains("time limit"), "\(terminated.data)")
        let endedAt = Date()
        let scheduled = try client.waitFor(timeout: 30, "the automatic resume scheduled") {
            $0.eventName == "swarm_launch_progress" && forSwarm($0) && $0.data["stage"] as? String == "resume_scheduled"
        }
        #expect((scheduled.data["message"] as? String ?? "").contains("automatic resume 1 of 1"), "\(scheduled.data)")
        let resumed = try client.waitFor(timeout: 120, "swarm_resumed without a command") {
            $0.eventName == "swarm_resumed" && forSwarm($0)
        }
        let resumedAfter = Date().timeIntervalSince(endedAt)
        #expect(resumed.data["cause"] as? String == "automatic")
        #expect(!(resumed.data["request_id"] is String), "no request asked for it: \(resumed.data)")
        let newJob = try #require(resumed.data["job_id"] as? String)
        #expect(newJob != job)
        #expect(resumed.data["previous_job_id"] as? String == job)
        for node in resumed.data["nodes"] as? [[String: Any]] ?? [] {
            let id = node["node_id"] as? Int ?? -1
            #expect(node["resumed"] as? Bool == true, "node \(id): \(node)")
            #expect(node["thread_id"] as? String == threads[id], "node \(id) is back on its old thread")
        }
        let interrupted = (resumed.data["interrupted"] as? [[String: Any]] ?? []).compactMap {
            $0["injection_id"] as? String
        }
        #expect(Set(interrupted) == Set(longIDs), "the automatic resume names the turns the time limit interrupted")

        // The conversation goes on: the next answer comes from a thread that kept its completed turn.
        let asked = try client.injectAndWait(swarm: swarm, content: "what was the word? [demo:deltas=1]")
        #expect(asked.count == 2)
        for injection in asked {
            let answer = client.received.last {
                $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
            }
            let text = answer?.data["content"] as? String ?? ""
            #expect(text.contains("history=1"), "the thread kept its completed turn: \(text)")
        }
        print(
            "auto-resume on Slurm: job \(job) ended; job \(newJob) answered on every node "
                + "\(String(format: "%.1f", resumedAfter)) s after swarm_terminated (backoff 10 s included)")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }

    @Test(
        "scontrol requeue of a running swarm's job: the router follows the same job id through the requeue and the nodes reopen their threads"
    )
    func followsRequeue() async throws {
        try SlurmTest.cancelAll()
        let config = try SlurmTest.config(
            mode: .loginNode, agentFlags: ["--deltas", "3000", "--delay-ms", "100"], time: "00:10:00")
        let router = try RouterProcess(config: config)
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 2, timeout: 120)
        let forSwarm = { (event: [String: Any]) in event.data["swarm_id"] as? String == swarm }
        try client.injectAndWait(swarm: swarm, content: "remember the word lantern [demo:deltas=2]")
        let threads = client.threads(of: swarm)
        #expect(threads.count == 2, "every node reported its thread: \(threads)")
        let long = try client.command("inject", payload: ["swarm_id": swarm, "content": "a long task"])
        let longIDs = try client.injections(ofRequest: long, count: 2)
        _ = try client.waitFor(timeout: 30, "the long turns stream") { $0.eventName == "assistant_delta" }

        // The test cluster's slurm.conf leaves JobRequeue at its default (1): batch jobs may be requeued.
        let requeuedAt = Date()
        _ = try SlurmTest.slurm("scontrol", ["requeue", job])
        let noticed = try client.waitFor(timeout: 60, "the requeue noticed") {
            $0.eventName == "swarm_launch_progress" && forSwarm($0) && $0.data["stage"] as? String == "requeued"
        }
        #expect(noticed.data["job_id"] as? String == job)
        // Slurm holds a requeued job for its BeginTime (about 2 minutes) before it runs again.
        let resumed = try client.waitFor(timeout: 300, "swarm_resumed after the requeue") {
            $0.eventName == "swarm_resumed" && forSwarm($0)
        }
        let resumedAfter = Date().timeIntervalSince(requeuedAt)
        #expect(resumed.data["cause"] as? String == "requeue")
        #expect(resumed.data["job_id"] as? String == job, "the same job id runs again")
        #expect(resumed.data["previous_job_id"] as? String == job)
        for node in resumed.data["nodes"] as? [[String: Any]] ?? [] {
            let id = node["node_id"] as? Int ?? -1
            #expect(node["resumed"] as? Bool == true, "node \(id): \(node)")
            #expect(node["thread_id"] as? String == threads[id], "node \(id) is back on its old thread")
        }
        for injection in longIDs {
            let last = client.received.last {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(last?.data["status"] as? String == "interrupted", "long turn \(injection): \(last?.data ?? [:])")
        }

        let asked = try client.injectAndWait(swarm: swarm, content: "what was the word? [demo:deltas=1]")
        #expect(asked.count == 2)
        for injection in asked {
            let answer = client.received.last {
                $0.eventName == "assistant" && $0.data["injection_id"] as? String == injection
            }
            let text = answer?.data["content"] as? String ?? ""
            #expect(text.contains("history=1"), "the thread kept its completed turn: \(text)")
        }
        let status = try client.reply(
            to: try client.command("swarm_status", payload: ["swarm_id": swarm, "include_nodes": true]))
        let chain = status.data["jobs"] as? [[String: Any]] ?? []
        #expect(chain.compactMap { $0["job_id"] as? String } == [job, job], "\(status.data)")
        #expect(chain.first?["cause"] as? String == "requeued", "\(chain)")
        print(
            "requeue on Slurm: job \(job) requeued; every node back on its thread "
                + "\(String(format: "%.1f", resumedAfter)) s after scontrol requeue")
        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm, "force": true])
    }
}

import Foundation
import TestSupport
import Testing

/// The real router over TCP, driven by a client that uses no Codeswarm code (acceptance 1 of issue 2).
@Suite(.serialized, .requires(.codeswarmBinary))
struct PlainClientEndToEndTests {
    @Test("a plain JSON-lines client launches 4 nodes, injects to all and to [1,3], lists, and terminates")
    func launchInjectListTerminate() throws {
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--deltas", "5"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()

        let (swarm, job) = try client.launch(nodes: 4, systemPrompt: "You are a focused autonomous agent.")
        #expect(job.hasPrefix("local_"))
        // Let the system prompt's turns end first: a prompt sent to a node whose turn runs would be steered into it
        // (no turn_started of its own), and this test checks the sequence of a turn of its own.
        _ = try client.waitFor(timeout: 60, "the system prompt's 4 turns") { _ in
            client.received.filter { $0.eventName == "turn_complete" }.count >= 4
        }
        let all = try client.injectAndWait(swarm: swarm, content: "Optimize GEMM tiling.")
        #expect(all.count == 4)
        let subset = try client.injectAndWait(swarm: swarm, nodes: [1, 3], content: "Only odd nodes.")
        #expect(subset.count == 2)

        let expectedOrder = [
            "inject_ack", "inject_delivered", "turn_started", "assistant_delta", "assistant", "usage", "turn_complete",
        ]
        for injection in all + subset {
            let names = client.eventNames(injection: injection)
            #expect(names.filter { $0 == "injection_routed" }.count == 1, "one routing event per injection: \(names)")
            // Collapse the run of deltas, then the sequence must be exactly the expected one.
            let collapsed = names.reduce(into: [String]()) { result, name in
                if name == "assistant_delta", result.last == "assistant_delta" { return }
                // Status and routing are checked on their own: they may come before or after turn_started.
                if name == "agent_status" || name == "injection_routed" { return }
                result.append(name)
            }
            #expect(collapsed == expectedOrder, "injection \(injection): \(names)")
            #expect(names.filter { $0 == "assistant_delta" }.count == 5)
        }
        let subsetNodes = Set(
            client.received.filter {
                $0.eventName == "inject_ack" && subset.contains($0.data["injection_id"] as? String ?? "")
            }
            .compactMap { $0.data["node_id"] as? Int })
        #expect(subsetNodes == [1, 3])
        // Every stream event is labelled with this swarm, this job and an integer node id.
        for event in client.received where event.eventName == "assistant_delta" {
            #expect(event.data["swarm_id"] as? String == swarm)
            #expect(event.data["job_id"] as? String == job)
            #expect(event.data["node_id"] is Int)
        }

        let status = try client.reply(to: try client.command("swarm_status", payload: ["swarm_id": swarm]))
        #expect(status.eventName == "swarm_status")
        #expect(status.data["status"] as? String == "running")
        #expect(status.data["slurm_state"] as? String == "RUNNING")
        #expect(status.data["node_count"] as? Int == 4)
        let list = try client.reply(to: try client.command("swarm_list"))
        let swarms = list.data["swarms"] as? [String: Any]
        #expect((swarms?[swarm] as? [String: Any])?["job_id"] as? String == job)

        let terminate = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        let terminated = try client.waitFor(timeout: 30, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
        #expect(terminated.data["request_id"] as? String == terminate)
        #expect(
            router.leftoverProcesses().filter { pid in
                ProcessScan.pids { $0.contains("worker") && $0.contains(job) }.contains(pid)
            }.isEmpty)
        #expect(ProcessScan.pids { $0.contains("worker") && $0.contains(job) }.isEmpty)
    }

    @Test("every bad request gets command_rejected with its request id, and the connection stays open")
    func rejections() throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, _) = try client.launch(nodes: 2)

        func expectRejected(_ name: String, _ payload: [String: Any], containing text: String) throws {
            let request = try client.command(name, payload: payload)
            let reply = try client.reply(to: request)
            #expect(reply.eventName == "command_rejected", "\(name) \(payload)")
            #expect((reply.data["reason"] as? String ?? "").contains(text), "\(reply.data)")
        }
        try expectRejected("no_such_command", [:], containing: "unknown command")
        try expectRejected("inject", ["swarm_id": "nope", "content": "x"], containing: "unknown swarm_id")
        try expectRejected("inject", ["swarm_id": swarm, "nodes": 7, "content": "x"], containing: "out of range")
        try expectRejected("inject", ["swarm_id": swarm, "nodes": [0, 9], "content": "x"], containing: "out of range")
        try expectRejected("inject", ["swarm_id": swarm, "content": 5], containing: "content must be a string")
        try expectRejected("inject", ["swarm_id": swarm], containing: "content is required")
        try expectRejected("swarm_launch", ["nodes": "2"], containing: "nodes must be an integer")
        try expectRejected("swarm_launch", ["nodes": 0], containing: "at least 1")
        try expectRejected("swarm_launch", ["nodes": 1, "partition": "debug\n#SBATCH --x"], containing: "newline")
        try expectRejected("swarm_status", ["swarm_id": "nope"], containing: "unknown swarm_id")
        try expectRejected("swarm_terminate", [:], containing: "swarm_id is required")

        // A wrong protocol string, with a readable request id.
        try client.sendRaw(
            Array(
                #"{"protocol":"v0","type":"command","command":"swarm_list","request_id":"r-proto","payload":{}}"#.utf8)
                + [10])
        let wrongProtocol = try client.reply(to: "r-proto")
        #expect(wrongProtocol.eventName == "command_rejected")
        // A payload that is not an object.
        try client.sendRaw(
            Array(
                #"{"protocol":"codeswarm.router.v1","command":"swarm_list","request_id":"r-payload","payload":[]}"#.utf8
            ) + [10])
        #expect(try client.reply(to: "r-payload").eventName == "command_rejected")

        // Garbage of every kind from a second client: each answered, nothing crashes, the first client is undisturbed.
        let rude = try router.plainClient()
        for line in [
            Array("[]".utf8), Array("42".utf8), [0xFF, 0xFE, 0x80], Array("garbage {".utf8), Array("\"text\"".utf8),
        ] {
            try rude.sendRaw(line + [10])
        }
        try rude.drain(for: 1)
        #expect(rude.received.filter { $0.eventName == "command_rejected" }.count == 5)
        #expect(!rude.isClosed)
        // Swarm termination after a terminated swarm: the seed's reply, not an error.
        _ = try client.injectAndWait(swarm: swarm, content: "still alive?")
        let list = try client.reply(to: try client.command("swarm_list"))
        #expect(list.eventName == "swarm_list")
        let terminate = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        _ = try client.waitFor(timeout: 30, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["request_id"] as? String == terminate
        }
        try expectRejected("inject", ["swarm_id": swarm, "content": "x"], containing: "terminated")
    }

    @Test("a frame over the size limit is rejected and the connection keeps working")
    func oversizedFrame() throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        try client.sendRaw([UInt8](repeating: UInt8(ascii: "a"), count: 9 * 1024 * 1024) + [10])
        let rejected = try client.waitFor(timeout: 30, "oversize rejection") { $0.eventName == "command_rejected" }
        #expect((rejected.data["reason"] as? String ?? "").contains("frame limit"))
        let list = try client.reply(to: try client.command("swarm_list"))
        #expect(list.eventName == "swarm_list")
    }
}

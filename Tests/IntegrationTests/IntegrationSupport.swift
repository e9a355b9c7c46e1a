import Foundation
import TestSupport
import Testing

/// Configs and helpers shared by the end-to-end tests (real router, relay, workers and demo agents).
enum Demo {
    /// A local-provider config running the demo agent with the given extra flags.
    static func config(agentFlags: [String] = [], router: [String: Any] = [:], local: [String: Any]? = nil) -> String {
        var routerSection: [String: Any] = ["graceful_terminate_seconds": 10]
        routerSection.merge(router) { _, new in new }
        var object: [String: Any] = [
            "provider": "local",
            "agent": ["command": ["codeswarm", "demo-agent"] + agentFlags],
            "router": routerSection,
        ]
        if let local { object["local"] = local }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension PlainJSONClient {
    /// Launches a swarm and waits for `swarm_launched`; returns (swarm id, job id).
    func launch(nodes: Int, systemPrompt: String = "", extra: [String: Any] = [:], timeout: TimeInterval = 60) throws
        -> (swarm: String, job: String)
    {
        let payload = extra.merging(["nodes": nodes, "system_prompt": systemPrompt]) { _, fixed in fixed }
        let request = try command("swarm_launch", payload: payload)
        let launched = try waitFor(timeout: timeout, "swarm_launched") { event in
            if event.eventName == "command_rejected", event.data["request_id"] as? String == request {
                Issue.record("launch rejected: \(event.data["reason"] ?? "")")
                return true
            }
            return event.eventName == "swarm_launched" && event.data["request_id"] as? String == request
        }
        return (launched.data["swarm_id"] as? String ?? "", launched.data["job_id"] as? String ?? "")
    }

    /// Waits for the reply to `request` and returns it.
    func reply(to request: String, timeout: TimeInterval = 30) throws -> [String: Any] {
        try waitFor(timeout: timeout, "reply to \(request)") { $0.data["request_id"] as? String == request }
    }

    /// Injects and waits until every target node's injection has a `turn_complete`; returns the injection ids.
    @discardableResult
    func injectAndWait(swarm: String, nodes: Any = "all", content: String, timeout: TimeInterval = 60) throws
        -> [String]
    {
        let request = try command("inject", payload: ["swarm_id": swarm, "nodes": nodes, "content": content])
        _ = try waitFor(timeout: timeout, "inject_ack") { event in
            if event.eventName == "command_rejected", event.data["request_id"] as? String == request {
                Issue.record("inject rejected: \(event.data["reason"] ?? "")")
                return true
            }
            return event.eventName == "inject_ack" && event.data["request_id"] as? String == request
        }
        var injections: [String] = []
        try drain(for: 0.2)
        injections = received.filter { $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request }
            .compactMap { $0.data["injection_id"] as? String }
        for injection in injections {
            _ = try waitFor(timeout: timeout, "turn_complete of \(injection)") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
        }
        return injections
    }

    /// The injection ids an inject request produced, once `count` nodes acknowledged it.
    func injections(ofRequest request: String, count: Int, timeout: TimeInterval = 30) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var found: [String] = []
        while found.count < count, Date() < deadline {
            try drain(for: 0.05)
            found = received.filter {
                $0.eventName == "inject_ack" && $0.data["request_id"] as? String == request
            }.compactMap { $0.data["injection_id"] as? String }
        }
        try #require(found.count == count, "acks for \(request): \(found.count) of \(count)")
        return found
    }

    /// Each node's thread id as the last `agent_thread` event of `swarm` reported it.
    func threads(of swarm: String) -> [Int: String] {
        Dictionary(
            received.filter { $0.eventName == "agent_thread" && $0.data["swarm_id"] as? String == swarm }.map {
                ($0.data["node_id"] as? Int ?? -1, $0.data["thread_id"] as? String ?? "")
            }, uniquingKeysWith: { _, last in last })
    }

    /// The events of one injection, in arrival order, by name.
    func eventNames(injection: String) -> [String] {
        received.filter { $0.data["injection_id"] as? String == injection }.compactMap(\.eventName)
    }
}

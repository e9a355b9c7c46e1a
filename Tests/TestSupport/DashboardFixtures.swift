import CodeswarmProtocol
import DashboardCore
import Foundation

/// Sample swarms, nodes and stream events for dashboard tests.
package enum DashboardFixtures {
    /// The tests' clock: 2026-01-01 00:00:00 UTC.
    package static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// A wire timestamp `secondsAgo` before `epoch`.
    package static func timestamp(secondsAgo: Int) -> String {
        WireTimestamp.string(from: epoch.addingTimeInterval(-Double(secondsAgo)))
    }

    /// A `swarm_list` reply with `swarms` (id → summary).
    package static func list(_ swarms: [(String, SwarmSummary)], requestID: String = "other") -> RouterEvent {
        .swarmList(SwarmListReply(requestID: .string(requestID), swarms: Dictionary(uniqueKeysWithValues: swarms)))
    }

    /// A running swarm summary.
    package static func summary(
        job: String = "4242", nodes: Int = 4, status: SwarmState = .running, provider: ProviderName = .slurm,
        slurmState: String? = "RUNNING", createdSecondsAgo: Int = 600, tokens: Int? = 12_345, timeLeft: Int? = 3130,
        endedReason: String? = nil
    ) -> SwarmSummary {
        SwarmSummary(
            jobID: JobID(job), nodeCount: nodes, systemPrompt: "", partition: "gpu", time: "01:00:00", status: status,
            provider: provider, slurmState: slurmState, endedReason: endedReason,
            createdAt: timestamp(secondsAgo: createdSecondsAgo), totalTokens: tokens, timeLeftSeconds: timeLeft)
    }

    /// A `swarm_status` reply with `nodes` node summaries in assorted states.
    package static func status(
        swarm: String, job: String = "4242", nodes: Int = 4, requestID: String = "other",
        hostPrefix: String = "gpu-node-"
    ) -> RouterEvent {
        let states: [AgentState] = [.working, .idle, .waitingForApproval, .error, .working, .idle, .starting, .ended]
        let summaries = (0..<nodes).map { index in
            NodeSummary(
                nodeID: index, hostname: "\(hostPrefix)\(String(format: "%02d", index + 1))",
                state: states[index % states.count],
                injectionID: states[index % states.count] == .working ? InjectionID("inj-\(index)-7f3a9c") : nil,
                turnStartedAt: states[index % states.count] == .working ? timestamp(secondsAgo: 42 + index) : nil,
                lastActivityAt: timestamp(secondsAgo: 3 + index), totalTokens: 1000 * (index + 1) + 234,
                lastError: states[index % states.count] == .error ? "agent crashed" : nil)
        }
        return .swarmStatus(
            SwarmStatusReply(
                requestID: .string(requestID), swarmID: SwarmID(swarm), jobID: JobID(job), nodeCount: nodes,
                status: .running, slurmState: "RUNNING", provider: "slurm", nodes: summaries, timeLeftSeconds: 3130))
    }

    /// A stream event for node `node` of `swarm`.
    package static func stream(
        _ swarm: String, node: Int, seq: Int?, injection: String? = "inj-1", turn: String? = "turn-1",
        _ body: StreamEvent.Body
    ) -> RouterEvent {
        .stream(
            StreamEvent(
                swarmID: SwarmID(swarm), jobID: "4242", nodeID: node,
                injectionID: injection.map { InjectionID(rawValue: $0) },
                turnID: turn, seq: seq, body: body))
    }

    /// A harness showing one running swarm `swarm` with `nodes` nodes, listed and with its status.
    package static func harness(
        swarm: String = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", nodes: Int = 4,
        size: ScreenSize = ScreenSize(width: 80, height: 24), monochrome: Bool = false
    ) -> DashboardHarness {
        var harness = DashboardHarness(size: size, monochrome: monochrome)
        harness.receive(
            list([(swarm, summary(nodes: nodes))], requestID: harness.lastRequestID(of: "swarm_list") ?? ""))
        harness.receive(status(swarm: swarm, nodes: nodes, requestID: harness.lastRequestID(of: "swarm_status") ?? ""))
        harness.completeReplay()
        return harness
    }
}

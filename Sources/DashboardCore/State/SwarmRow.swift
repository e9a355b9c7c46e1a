import CodeswarmProtocol
import Foundation

/// What the dashboard knows about one swarm: list and status replies plus launch and terminate progress.
package struct SwarmRow: Sendable, Hashable {
    package var id: SwarmID
    package var jobID: JobID?
    package var provider: ProviderName?
    package var nodeCount: Int
    package var status: SwarmState
    package var slurmState: String?
    package var endedReason: String?
    package var partition: String?
    package var createdAt: Date?
    package var totalTokens: Int?
    /// Seconds left at `timeLeftObservedAt`; the view counts down between refreshes.
    package var timeLeftSeconds: Int?
    package var timeLeftObservedAt: Date?
    /// The router says the time left is under its warning margin (`time_left_warning`, or its walltime notice).
    package var isShortOfTime = false
    /// The latest launch or terminate step, shown until the swarm is running or ended.
    package var progress: SwarmStep?
    package var nodes: [Int: NodeRow]

    package init(id: SwarmID, nodeCount: Int = 0, status: SwarmState = .starting) {
        self.id = id
        self.nodeCount = nodeCount
        self.status = status
        self.nodes = [:]
    }

    /// True until the swarm has ended.
    package var isActive: Bool { status != .terminated }

    /// Takes a `swarm_list` entry.
    mutating func apply(_ summary: SwarmSummary, now: Date) {
        jobID = summary.jobID
        provider = summary.provider
        nodeCount = summary.nodeCount
        status = summary.status
        slurmState = summary.slurmState ?? slurmState
        endedReason = summary.endedReason
        partition = summary.partition
        createdAt = summary.createdAt.flatMap(WireTimestamp.date(from:)) ?? createdAt
        totalTokens = summary.totalTokens ?? totalTokens
        setTimeLeft(summary.timeLeftSeconds, now: now)
        isShortOfTime = summary.timeLeftWarning == true
        if status == .running || status == .terminated { progress = nil }
    }

    /// Takes a `swarm_status` reply, including its per-node summaries.
    mutating func apply(_ reply: SwarmStatusReply, now: Date) {
        jobID = reply.jobID
        nodeCount = reply.nodeCount
        status = reply.status
        slurmState = reply.slurmState
        provider = reply.provider ?? provider
        endedReason = reply.endedReason
        setTimeLeft(reply.timeLeftSeconds, now: now)
        isShortOfTime = reply.timeLeftWarning == true
        for summary in reply.nodes ?? [] {
            nodes[summary.nodeID, default: NodeRow(nodeID: summary.nodeID)].apply(summary)
        }
        if let nodes = reply.nodes, !nodes.isEmpty {
            totalTokens = nodes.reduce(0) { $0 + $1.totalTokens }
        }
        if status == .running || status == .terminated { progress = nil }
    }

    private mutating func setTimeLeft(_ seconds: Int?, now: Date) {
        guard let seconds else { return }
        timeLeftSeconds = seconds
        timeLeftObservedAt = now
    }

    /// The time left as of `now`, counting down locally between replies.
    package func timeLeft(now: Date) -> Int? {
        guard let seconds = timeLeftSeconds, status != .terminated else { return nil }
        let elapsed = timeLeftObservedAt.map { Int(now.timeIntervalSince($0)) } ?? 0
        return max(0, seconds - max(0, elapsed))
    }

    /// True while the swarm runs and the router marked it short of time: the views show it in the warning style.
    package var showsTimeWarning: Bool { isShortOfTime && isActive }

    /// Every node to show: the known records plus placeholders up to `nodeCount`, by node id.
    package var allNodes: [NodeRow] {
        let count = max(nodeCount, (nodes.keys.max() ?? -1) + 1)
        return (0..<count).map { nodes[$0] ?? NodeRow(nodeID: $0) }
    }

    /// The status column: `running`, or `ended: timeout` once over.
    package var statusLabel: String {
        if status == .terminated {
            return endedReason.map { "ended: \($0)" } ?? "ended"
        }
        if let progress, status == .starting || status == .terminating {
            return "\(status.rawValue): \(progress.label)"
        }
        return status.rawValue
    }

    /// The semantic role of the status.
    package var statusRole: StyleRole {
        switch status {
        case .running: .good
        case .starting, .terminating: .warning
        case .terminated: .dim
        }
    }
}

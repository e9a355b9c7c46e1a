import CodeswarmProtocol
import Foundation

/// What the dashboard knows about one node: the router's summary, refined by the live stream.
package struct NodeRow: Sendable, Hashable {
    package var nodeID: Int
    package var hostname: String?
    package var state: AgentState
    /// The injection the node is working on.
    package var injectionID: InjectionID?
    package var turnStartedAt: Date?
    package var lastActivityAt: Date?
    package var totalTokens: Int?
    package var lastError: String?
    package var inject: InjectStatus?
    /// The agent's version (`swarm_status` nodes' `agent_version`, e.g. `codex-cli 0.163.0`).
    package var agentVersion: String?

    package init(nodeID: Int, state: AgentState = .starting) {
        self.nodeID = nodeID
        self.state = state
    }

    /// Takes the router's view of the node (a `swarm_status` reply), keeping the local inject status.
    mutating func apply(_ summary: NodeSummary) {
        hostname = summary.hostname ?? hostname
        state = summary.state
        injectionID = summary.injectionID
        turnStartedAt = summary.turnStartedAt.flatMap(WireTimestamp.date(from:))
        lastActivityAt = summary.lastActivityAt.flatMap(WireTimestamp.date(from:)) ?? lastActivityAt
        totalTokens = summary.totalTokens
        lastError = summary.lastError
        agentVersion = summary.agentVersion ?? agentVersion
    }

    /// The state's short label, for narrow columns: `approval` stands for waiting for approval.
    package var stateLabel: String {
        switch state {
        case .waitingForApproval: "approval"
        default: state.rawValue
        }
    }

    /// The state in words, where there is room: `waiting for approval`.
    package var stateText: String {
        switch state {
        case .waitingForApproval: "waiting for approval"
        default: state.rawValue
        }
    }

    /// The semantic role of the state.
    package var stateRole: StyleRole {
        switch state {
        case .working: .good
        case .waitingForApproval: .warning
        case .error: .error
        case .ended: .dim
        case .idle, .starting: .normal
        }
    }
}

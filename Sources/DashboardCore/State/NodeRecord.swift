import CodeswarmProtocol
import Foundation

/// Identifies one node of one swarm.
package struct NodeKey: Sendable, Hashable {
    package var swarmID: SwarmID
    package var nodeID: Int

    package init(_ swarmID: SwarmID, _ nodeID: Int) {
        self.swarmID = swarmID
        self.nodeID = nodeID
    }
}

/// Where the node's most recent prompt from this dashboard (or any client) has got to.
package enum InjectStatus: Sendable, Hashable {
    /// Sent by this dashboard; the router has not answered yet.
    case sending
    /// The router accepted it for this node.
    case acknowledged(InjectionID)
    /// It is durably in the node's inbox.
    case delivered(InjectionID)
    case failed(InjectionID?, reason: String)

    /// The short form for tables: `… sending`, `✓ acked`, `✓ delivered`, `✗ failed`.
    package var label: String {
        switch self {
        case .sending: "… sending"
        case .acknowledged: "• acked"
        case .delivered: "✓ delivered"
        case .failed: "✗ failed"
        }
    }

    /// The semantic role for the label.
    package var role: StyleRole {
        switch self {
        case .sending, .acknowledged: .warning
        case .delivered: .good
        case .failed: .error
        }
    }
}

/// What the dashboard knows about one node: the router's summary, refined by the live stream.
package struct NodeRecord: Sendable, Hashable {
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
    }

    /// The state's label for tables: `approval` stands for waiting for approval.
    package var stateLabel: String {
        switch state {
        case .waitingForApproval: "approval"
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

import CodeswarmProtocol

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

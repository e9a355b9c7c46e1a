import CodeswarmProtocol
import Foundation

/// A question before a dangerous action: what will happen and what confirming does.
package struct ConfirmDialog: Sendable, Hashable {
    /// The action waiting for a yes.
    package enum Pending: Sendable, Hashable {
        case terminate(SwarmID)
        /// A prompt for several nodes.
        case send(PendingSend)
        /// Interrupting several nodes' turns.
        case interrupt(PendingInterrupt)
        /// Accepting every open approval that asks to run this command (from the inbox).
        case acceptAll(String)
    }

    package var title: String
    package var message: String
    /// The label of the confirming key's choice, such as `terminate`.
    package var confirmLabel: String
    package var pending: Pending
}

/// A short message in the header bar that disappears after a while or on Esc.
package struct Flash: Sendable, Hashable {
    package var text: String
    package var isError: Bool
    package var expiresAt: Date

    /// How long information stays up.
    package static let infoSeconds: TimeInterval = 4
    /// How long errors stay up (they matter more and may need reading twice).
    package static let errorSeconds: TimeInterval = 12
}

/// The mode of the dashboard: browsing, or one of the input lines and overlays.
package enum DashboardMode: Sendable, Hashable {
    case browse
    case prompt
    /// The `:` command palette.
    case palette
    case filter
    case help
    case confirm(ConfirmDialog)
    case launch(LaunchForm)
    /// The recent messages in full.
    case messages
    /// One node's conversation full screen, unwrapped.
    case plainView(PlainViewPosition)
    /// The approvals inbox: every approval waiting for a person.
    case approvals
}

/// Where the plain view is: which node, how far down and how far sideways.
package struct PlainViewPosition: Sendable, Hashable {
    package var node: NodeKey
    /// The first line shown, or nil while following the newest line.
    package var firstLine: Int?
    /// How many cells the lines are scrolled to the left.
    package var column = 0
    /// True for the diff view (the node's latest diff) rather than its conversation.
    package var showsDiff = false

    package init(node: NodeKey, firstLine: Int? = nil, column: Int = 0, showsDiff: Bool = false) {
        self.node = node
        self.firstLine = firstLine
        self.column = column
        self.showsDiff = showsDiff
    }
}

/// Which pane has the keyboard while browsing.
package enum PaneFocus: Sendable, Hashable {
    case swarms
    case nodes
    /// The response pane of the focused node (in the split view, that node's pane).
    case output
}

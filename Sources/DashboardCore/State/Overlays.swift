import CodeswarmProtocol
import Foundation

/// A question before a dangerous action: what will happen and what confirming does.
public struct ConfirmDialog: Sendable, Hashable {
    /// The action waiting for a yes.
    public enum Pending: Sendable, Hashable {
        case terminate(SwarmID)
    }

    public var title: String
    public var message: String
    /// The label of the confirming key's choice, such as `terminate`.
    public var confirmLabel: String
    public var pending: Pending
}

/// A short message in the header bar that disappears after a while or on Esc.
public struct Flash: Sendable, Hashable {
    public var text: String
    public var isError: Bool
    public var expiresAt: Date

    /// How long information stays up.
    public static let infoSeconds: TimeInterval = 4
    /// How long errors stay up (they matter more and may need reading twice).
    public static let errorSeconds: TimeInterval = 12
}

/// The mode of the dashboard: browsing, or one of the input lines and overlays.
public enum DashboardMode: Sendable, Hashable {
    case browse
    case prompt
    case filter
    case help
    case confirm(ConfirmDialog)
    case launch(LaunchForm)
}

/// Which pane has the keyboard while browsing.
public enum PaneFocus: Sendable, Hashable {
    case swarms
    case nodes
    /// The response pane of the focused node (in the split view, that node's pane).
    case output
}

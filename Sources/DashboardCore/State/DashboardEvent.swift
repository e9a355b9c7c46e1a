import CodeswarmProtocol
import Foundation

/// Everything that can happen to the dashboard: the only input of `DashboardState.handle`.
package enum DashboardEvent: Sendable, Hashable {
    case key(Key)
    /// Text pasted in one piece (bracketed paste), possibly several lines.
    case paste(String)
    case resized(ScreenSize)
    /// The clock moved on; the dashboard has no clock of its own.
    case tick(Date)
    case router(RouterEvent)
    case connection(ConnectionState)
    /// Sending a command failed before the router saw it.
    case sendFailed(requestID: String, reason: String)
    /// The runtime carried out an `export`: where the file went, or why it did not.
    case exported(ExportResult)
}

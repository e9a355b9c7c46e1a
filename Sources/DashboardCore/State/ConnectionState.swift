import Foundation

/// The dashboard's link to the router, as shown in the status bar.
package enum ConnectionState: Sendable, Hashable {
    /// Dialling the router; `attempt` counts from 1 since the last good connection.
    case connecting(attempt: Int)
    case connected
    /// The link dropped or could not be made; the next attempt starts at `retryAt`.
    case disconnected(reason: String, retryAt: Date?)

    /// True while commands can be sent.
    package var isConnected: Bool { self == .connected }
}

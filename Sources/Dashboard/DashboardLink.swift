import CodeswarmProtocol

/// A connection to the router as the dashboard sees it.
package protocol DashboardLink: Sendable {
    /// Sends one command with the given request id.
    func send(_ command: RouterCommand, requestID: String) async throws
    /// Events from the router; finishes (or throws) when the connection drops.
    var events: AsyncThrowingStream<RouterEvent, any Error> { get }
}

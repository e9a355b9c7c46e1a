/// The lifecycle of a swarm as the router reports it in `status`.
package enum SwarmState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submitted; workers have not all written `start` yet.
    case starting
    /// Every worker has started.
    case running
    /// A terminate is in progress.
    case terminating
    /// Ended: terminated, cancelled, timed out, failed or gone.
    case terminated
}

/// What a node's agent is doing, derived from worker and app-server traffic.
package enum AgentState: String, Sendable, Hashable, Codable, CaseIterable {
    case starting
    case idle
    case working
    case waitingForApproval = "waiting_for_approval"
    case error
    case ended
}

import CodeswarmProtocol

/// The worker's heartbeat: a sign of life in the outbox when nothing else is written.
///
/// The router ends a node whose worker has been silent for a few heartbeat intervals, so a worker killed without
/// writing `complete` (kill -9, a lost compute node) never leaves an injection open; on Slurm nothing else could
/// tell.
extension AgentSession {
    /// The heartbeat timer fired: write a `heartbeat` line if the outbox has been quiet that long, and re-arm.
    mutating func heartbeatDue(now: Duration) {
        let quiet = now - lastOutboxAt
        if quiet >= configuration.heartbeatInterval {
            emit(.appendOutbox(record(.heartbeat)))
            arm(.heartbeat, after: configuration.heartbeatInterval)
        } else {
            arm(.heartbeat, after: configuration.heartbeatInterval - quiet)
        }
    }
}

extension AgentSessionEffect {
    /// True for an outbox line (what resets the heartbeat's silence clock).
    var isOutboxAppend: Bool {
        if case .appendOutbox = self { return true }
        return false
    }
}

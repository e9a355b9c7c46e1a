/// A timer the session asked the runtime to run; the runtime hands it back unchanged when it fires.
///
/// Each arm gets a fresh generation, so a timer that fired after it was re-armed or cancelled is recognised
/// as stale and ignored; the runtime never needs to cancel anything.
package struct SessionTimer: Sendable, Hashable {
    /// What the timer is for.
    package enum Kind: Sendable, Hashable, CaseIterable {
        /// Checks whether the running turn has been silent for the stall timeout.
        case stallCheck
        /// Starts the agent again after a backoff delay.
        case restart
        /// Ends the wait for an interrupted turn on shutdown.
        case drainDeadline
        /// Sends SIGHUP when the agent did not exit after its stdin was closed.
        case terminateAgent
        /// Sends SIGKILL when the agent ignored SIGTERM.
        case killAgent
        /// Writes a `heartbeat` line when the outbox has been silent for the heartbeat interval.
        case heartbeat
    }

    package var kind: Kind
    package var generation: Int

    package init(kind: Kind, generation: Int) {
        self.kind = kind
        self.generation = generation
    }
}

/// The machine-readable `code` of a `worker_error` outbox line; the router keys its reactions on these.
package enum WorkerErrorCode: String, Sendable, Hashable, CaseIterable {
    /// No agent output for `stallTimeoutSeconds` during a turn (once per stall).
    case turnStalled = "turn_stalled"
    /// The agent exited while the worker still needed it; `injection_id` names the turn it was running.
    case agentExited = "agent_exited"
    /// The agent could not be started (missing executable, permissions).
    case agentStartFailed = "agent_start_failed"
    /// The agent was started again after an exit.
    case agentRestarted = "agent_restarted"
    /// The agent exited more often in a row than `restartLimit` allows; the worker completes.
    case agentRestartLimit = "agent_restart_limit"
    /// The agent answered a request of ours with a JSON-RPC error (`turn/start`, handshake).
    case agentError = "agent_error"
    /// The agent wrote a stdout line that is not a JSON object.
    case agentInvalidOutput = "agent_invalid_output"
    /// The agent wrote a stdout line longer than the worker accepts; it was dropped.
    case agentLineOversized = "agent_line_oversized"
    /// A complete inbox line that is not a valid inbox record; it was skipped.
    case inboxCorruptLine = "inbox_corrupt_line"
    /// An inbox line whose `type` is not `user`; it was skipped.
    case inboxUnsupportedType = "inbox_unsupported_type"
    /// The inbox file shrank or was replaced; reading restarted from its beginning.
    case inboxReset = "inbox_reset"
    /// A queued injection that never started because the worker is stopping.
    case injectionDropped = "injection_dropped"
    /// A warning, not a failure: the agent's version (from `initialize`) is outside the tested range
    /// (`AppServer.TestedVersions`); the router shows it as `agent_warning`.
    case agentVersionUntested = "agent_version_untested"
    /// On shutdown the interrupted turn did not complete within `drainSeconds`.
    case drainTimeout = "drain_timeout"
    /// The agent exited during the drain, or with the job step's SIGTERM/SIGINT just before the worker's own signal
    /// (Slurm signals every process of the step): `injection_id` names its turn, which counts as interrupted.
    case drainAgentExited = "drain_agent_exited"
    /// A person's approval answer arrived for a request the agent no longer waits for.
    case approvalNotPending = "approval_not_pending"
}

import CodeswarmProtocol

/// The job's end reaching the agent as well as the worker: Slurm's proctrack (linuxproc or cgroup) delivers
/// `--signal=TERM@60` and `scancel` to every process of the step, and an agent that unblocks SIGTERM (a Swift
/// program does at startup) dies of it, often before the worker has seen its own copy of the signal.
extension AgentSession {
    /// An agent exit that the worker's own signal may explain in a moment: the turn it ended and the report held.
    struct SignalledExit: Sendable, Hashable {
        var injectionID: InjectionID?
        /// "the agent exited (signal 15)".
        var exit: String
        /// "restarting it (restart 1 of 3)", once the restart is planned.
        var restart: String?
    }

    /// The agent exited: a SIGTERM or SIGINT the worker never sends its agent (it stops it with SIGHUP and
    /// SIGKILL) came from outside, most likely with the job step's, so the report waits for the restart's backoff.
    mutating func agentExited(_ status: AgentExitStatus, now: Duration) {
        let detail = "the agent exited (\(status))"
        if shutdown == .running, case .signaled(let number) = status, Self.jobSignals.contains(number),
            let running = turn
        {
            signalledExit = SignalledExit(injectionID: running.injectionID, exit: detail)
        }
        agentGone(code: .agentExited, detail: detail, now: now)
    }

    /// SIGTERM and SIGINT (Linux numbers; the core imports no C library).
    static let jobSignals: Set<Int32> = [15, 2]

    /// The restart is due and no signal came for the worker: the exit was the agent's alone, a failed turn.
    mutating func reportSignalledExit() {
        guard let signalled = signalledExit else { return }
        signalledExit = nil
        let detail = [signalled.exit, signalled.restart].compactMap { $0 }.joined(separator: "; ")
        reportError(.agentExited, detail, injection: signalled.injectionID)
    }

    /// The worker's own signal followed the agent's: the turn ended with the job, so it counts as interrupted and
    /// `complete` names it, as after a drain.
    mutating func signalledTurnInterrupted() {
        guard let signalled = signalledExit else { return }
        signalledExit = nil
        guard let injection = signalled.injectionID else { return }
        drainingInjection = injection
        reportError(
            .drainAgentExited,
            "\(signalled.exit) with the job's signal; its turn counts as interrupted by the job's end",
            injection: injection)
    }
}

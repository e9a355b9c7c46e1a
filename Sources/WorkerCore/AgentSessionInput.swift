import CodeswarmProtocol

/// A fact the runtime reports to `AgentSession`; every input carries `now`, the monotonic time since the worker began.
package enum AgentSessionInput: Sendable, Hashable {
    /// The worker process is up; the session writes `start` and asks for the agent.
    case workerStarted(hostname: String, pid: Int, now: Duration)
    /// The agent process was spawned (after a `startAgent` effect).
    case agentStarted(pid: Int, now: Duration)
    /// The agent process could not be spawned.
    case agentStartFailed(error: String, now: Duration)
    /// One complete line from the agent's stdout, without its newline.
    case agentStdoutLine([UInt8], now: Duration)
    /// A stdout line over the reader's size limit, already discarded.
    case agentStdoutOversized(byteCount: Int, now: Duration)
    /// One complete line from the agent's stderr, without its newline.
    case agentStderrLine(String, now: Duration)
    /// The agent exited; the runtime reports this only after both of its output streams reached their end,
    /// so every line the agent wrote has been handed in before.
    case agentExited(AgentExitStatus, now: Duration)
    /// One complete inbox line (already split, without its newline).
    case inboxLine([UInt8], now: Duration)
    /// A complete inbox line over the size limit, already discarded.
    case inboxLineOversized(byteCount: Int, now: Duration)
    /// A problem the runtime found that belongs in the outbox (for example the inbox file was replaced).
    case runtimeProblem(WorkerErrorCode, message: String, now: Duration)
    /// A timer from a `scheduleTimer` effect fired.
    case timerFired(SessionTimer, now: Duration)
    /// SIGTERM or SIGINT: drain and stop; `reason` goes into `complete` (`sigterm`, `sigint`).
    case shutdownRequested(reason: String, now: Duration)

    /// The time the input happened.
    package var now: Duration {
        switch self {
        case .workerStarted(_, _, let now), .agentStarted(_, let now), .agentStartFailed(_, let now),
            .agentStdoutLine(_, let now), .agentStdoutOversized(_, let now), .agentStderrLine(_, let now),
            .agentExited(_, let now), .inboxLine(_, let now), .inboxLineOversized(_, let now),
            .runtimeProblem(_, _, let now), .timerFired(_, let now), .shutdownRequested(_, let now):
            now
        }
    }
}

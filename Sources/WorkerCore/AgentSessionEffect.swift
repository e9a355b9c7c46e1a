import CodeswarmProtocol

/// Something `AgentSession` asks the runtime to do; the runtime performs effects in the order given.
package enum AgentSessionEffect: Sendable, Hashable {
    /// Spawn the agent process, then report `agentStarted` or `agentStartFailed`.
    case startAgent
    /// Write these bytes (one JSON-RPC message and its newline) to the agent's stdin.
    case writeToAgent([UInt8])
    /// Close the agent's stdin after the writes before it, so the agent sees end of file and exits.
    case closeAgentInput
    /// Send a signal to the agent process.
    case signalAgent(AgentSignal)
    /// Append one line to the outbox. The runtime fills `seq`, and `timestamp` when it is missing.
    case appendOutbox(OutboxRecord)
    /// Report `timerFired(timer)` after `delay`.
    case scheduleTimer(SessionTimer, after: Duration)
    /// Read no more inbox lines (the worker is stopping; unread lines stay for a later worker).
    case stopReadingInbox
    /// Flush the outbox, rename it into the archive folder and exit the worker with `exitCode`.
    case archiveAndExit(exitCode: Int32)
    /// Record the agent's thread in the node's swarm folder (`thread.json`), so a later job resumes it.
    case saveThread(threadID: String, rolloutPath: String?)
}

/// The signals the session sends to the agent.
package enum AgentSignal: Sendable, Hashable {
    /// SIGHUP (the agent runs with SIGTERM blocked, so Slurm's step-wide SIGTERM cannot cut the drain short).
    case terminate
    /// SIGKILL.
    case kill
}

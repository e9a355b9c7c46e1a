import CodeswarmIO
import CodeswarmProtocol
import WorkerCore

/// Something that happened around the worker, delivered to its single event loop.
enum WorkerEvent: Sendable {
    case agentStdout(LineSplitter.Output)
    case agentStderr(LineSplitter.Output)
    /// Reported only after both output streams ended (or were given up on), so no line follows it.
    case agentExited(ChildProcess.ExitStatus)
    case timerFired(SessionTimer)
    case signal(Int32)
    /// Time to look at the inbox again (the poll armed as number `generation`).
    case inboxPollDue(Int)
    /// inotify saw a write to the inbox.
    case inboxChanged
}

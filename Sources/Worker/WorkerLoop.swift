import CodeswarmIO
import CodeswarmProtocol
import WorkerCore

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's one event loop: it turns events into `AgentSession` inputs and performs the session's effects.
///
/// Every decision is the session's; this type only does IO. Readers, timers, the signal watcher and the inbox
/// ticker are child tasks of one discarding task group and feed a single `AsyncStream`, so inputs reach the
/// session one at a time and in the order they happened.
struct WorkerLoop {
    var session: AgentSession
    var outbox: OutboxWriter
    var inbox: InboxReader
    let agentCommand: [String]
    let agentEnvironment: [String: String]
    let workingDirectory: String
    let hostname: String
    let pollInterval: Duration
    private var agent: AgentProcess?
    private var isReadingInbox = true
    private var lastInboxProblem: String?
    private var exitCode: Int32?
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init(
        session: AgentSession, outbox: OutboxWriter, inbox: InboxReader, settings: WorkerSettings,
        workingDirectory: String, hostname: String
    ) {
        self.session = session
        self.outbox = outbox
        self.inbox = inbox
        self.agentCommand = settings.agentCommand
        self.agentEnvironment = settings.agentEnvironment
        self.workingDirectory = workingDirectory
        self.hostname = hostname
        self.pollInterval = .milliseconds(max(settings.inboxPollMilliseconds, 1))
        started = clock.now
    }

    /// Runs until the session archives the outbox; returns the exit code it chose.
    mutating func run() async -> Int32 {
        // Watch signals first: from here on SIGTERM starts a drain instead of killing the worker.
        let signals = SignalWatcher.signals([SIGTERM, SIGINT])
        let (events, continuation) = AsyncStream.makeStream(of: WorkerEvent.self)
        let pollInterval = self.pollInterval
        return await withDiscardingTaskGroup(returning: Int32.self) { group in
            group.addTask {
                for await number in signals { continuation.yield(.signal(number)) }
            }
            group.addTask {
                while true {
                    do { try await Task.sleep(for: pollInterval) } catch { return }
                    continuation.yield(.inboxPollDue)
                }
            }
            process(
                [.workerStarted(hostname: hostname, pid: Int(getpid()), now: now)], group: &group, events: continuation)
            for await event in events {
                process(event, group: &group, events: continuation)
                if exitCode != nil { break }
            }
            // Stops the ticker, the signal watcher and pending timers; the agent has exited by now.
            group.cancelAll()
            return exitCode ?? 1
        }
    }

    private var now: Duration { clock.now - started }

    private mutating func process(
        _ event: WorkerEvent, group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation
    ) {
        switch event {
        case .agentStdout(.line(let bytes)):
            process([.agentStdoutLine(bytes, now: now)], group: &group, events: events)
        case .agentStdout(.oversized(let byteCount)):
            process([.agentStdoutOversized(byteCount: byteCount, now: now)], group: &group, events: events)
        case .agentStderr(.line(let bytes)):
            process([.agentStderrLine(String(decoding: bytes, as: UTF8.self), now: now)], group: &group, events: events)
        case .agentStderr(.oversized(let byteCount)):
            let note = "[codeswarm worker: a stderr line of \(byteCount) bytes was dropped]"
            process([.agentStderrLine(note, now: now)], group: &group, events: events)
        case .agentExited(let status):
            agent = nil
            process([.agentExited(status, now: now)], group: &group, events: events)
        case .timerFired(let timer):
            process([.timerFired(timer, now: now)], group: &group, events: events)
        case .signal(let number):
            let reason = number == SIGINT ? "sigint" : "sigterm"
            process([.shutdownRequested(reason: reason, now: now)], group: &group, events: events)
        case .inboxPollDue:
            pollInbox(group: &group, events: events)
        }
    }

    /// Hands new inbox lines to the session, then saves the offset: a line counts as read once it was handled.
    private mutating func pollInbox(group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation) {
        guard isReadingInbox else { return }
        let poll: InboxReader.Poll
        do {
            poll = try inbox.poll()
        } catch {
            reportInboxProblem("\(error)")
            return
        }
        var inputs: [AgentSessionInput] = []
        if let reason = poll.resetReason { inputs.append(.runtimeProblem(.inboxReset, message: reason, now: now)) }
        for line in poll.lines {
            switch line {
            case .line(let bytes): inputs.append(.inboxLine(bytes, now: now))
            case .oversized(let byteCount): inputs.append(.inboxLineOversized(byteCount: byteCount, now: now))
            }
        }
        guard !inputs.isEmpty else { return }
        process(inputs, group: &group, events: events)
        do {
            try inbox.commit()
        } catch {
            reportInboxProblem("cannot save the inbox offset: \(error)")
        }
    }

    /// Logs an inbox problem once until it changes, not on every poll.
    private mutating func reportInboxProblem(_ message: String) {
        guard message != lastInboxProblem else { return }
        lastInboxProblem = message
        WorkerLog.warning(message)
    }

    /// Feeds inputs to the session and performs its effects; effects that report back (spawning) add inputs.
    private mutating func process(
        _ inputs: [AgentSessionInput], group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation
    ) {
        var pending = inputs
        var index = 0
        while index < pending.count {
            let effects = session.handle(pending[index])
            index += 1
            for effect in effects {
                pending += perform(effect, group: &group, events: events)
            }
        }
    }

    private mutating func perform(
        _ effect: AgentSessionEffect, group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation
    ) -> [AgentSessionInput] {
        switch effect {
        case .startAgent:
            do {
                let process = try AgentProcess.spawn(
                    command: agentCommand, environment: agentEnvironment, workingDirectory: workingDirectory)
                agent = process
                group.addTask { await process.supervise(events: events) }
                return [.agentStarted(pid: Int(process.child.pid), now: now)]
            } catch {
                return [.agentStartFailed(error: "\(error)", now: now)]
            }
        case .writeToAgent(let bytes):
            agent?.input.enqueue(bytes)
        case .closeAgentInput:
            agent?.input.close()
        case .signalAgent(let signal):
            // SIGHUP, not SIGTERM: the agent runs with SIGTERM blocked (AgentProcess.spawn).
            agent?.send(signal: signal == .kill ? SIGKILL : SIGHUP)
        case .appendOutbox(let record):
            do {
                try outbox.append(record)
            } catch {
                WorkerLog.warning("cannot append to the outbox \(outbox.path): \(error)")
            }
        case .scheduleTimer(let timer, let delay):
            group.addTask {
                do { try await Task.sleep(for: delay) } catch { return }
                events.yield(.timerFired(timer))
            }
        case .stopReadingInbox:
            isReadingInbox = false
        case .archiveAndExit(let code):
            // The session exits only after the agent did; should one still run, the task group could not finish.
            agent?.send(signal: SIGKILL)
            do {
                try outbox.archive()
            } catch {
                WorkerLog.warning("\(error)")
            }
            exitCode = code
        }
        return []
    }
}

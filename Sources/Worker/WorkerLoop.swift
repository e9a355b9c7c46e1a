import CodeswarmIO
import CodeswarmProtocol
import WorkerCore

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's one event loop: it turns events into `AgentSession` inputs and performs the session's effects.
///
/// Every decision is the session's; this type only does IO. Readers, timers, the signal watcher, the inbox watcher
/// and the inbox poll timer are child tasks of one discarding task group and feed a single `AsyncStream`, so inputs
/// reach the session one at a time and in the order they happened.
///
/// The inbox is read when inotify reports a write to it (a local filesystem, or a write from this host) and on an
/// adaptive poll (`AdaptivePollSchedule`): fast while a turn runs, backing off to a few looks per second when idle,
/// so an idle worker costs its shared filesystem almost nothing and a prompt written on another host is still seen.
struct WorkerLoop {
    var session: AgentSession
    var outbox: OutboxWriter
    var inbox: InboxReader
    let agentCommand: [String]
    let agentEnvironment: [String: String]
    let workingDirectory: String
    let hostname: String
    let polling: InboxPolling
    /// The node's folder that outlives the job (its thread record), when the settings name the swarm.
    let swarmFolder: SwarmNodeFolder?
    /// Slurm's requeue count, reported in `start` (`SLURM_RESTART_COUNT`).
    let restartCount: Int?
    /// Inbox lines handed to the session and not yet committed: their injection and where each ends.
    private var uncommitted: [(injection: InjectionID?, end: UInt64)] = []
    /// Injections already handed to the session: a prompt both carried over and sent again runs once.
    private var handedInjections: Set<InjectionID> = []
    private var agent: AgentProcess?
    private var isReadingInbox = true
    private var lastInboxProblem: String?
    private var schedule: AdaptivePollSchedule
    /// Only the newest scheduled poll counts; an earlier one (overtaken by an inotify wake-up) is ignored.
    private var pollGeneration = 0
    private var exitCode: Int32?
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init(
        session: AgentSession, outbox: OutboxWriter, inbox: InboxReader, settings: WorkerSettings,
        workingDirectory: String, hostname: String, swarmFolder: SwarmNodeFolder? = nil, restartCount: Int? = nil
    ) {
        self.session = session
        self.outbox = outbox
        self.inbox = inbox
        self.agentCommand = settings.agentCommand
        self.agentEnvironment = settings.agentEnvironment
        self.workingDirectory = workingDirectory
        self.hostname = hostname
        self.polling = InboxPolling(settings: settings)
        schedule = AdaptivePollSchedule(settings: polling.schedule(filesystem: .shared, watching: false))
        self.swarmFolder = swarmFolder
        self.restartCount = restartCount
        started = clock.now
    }

    /// Runs until the session archives the outbox; returns the exit code it chose.
    mutating func run() async -> Int32 {
        // Watch signals first: from here on SIGTERM starts a drain instead of killing the worker.
        let signals = SignalWatcher.signals([SIGTERM, SIGINT])
        let (events, continuation) = AsyncStream.makeStream(of: WorkerEvent.self)
        // Watch before the first look, so no write falls between the two.
        let changes = polling.usesInotify ? Self.watch(inbox: inbox.path) : nil
        schedule = AdaptivePollSchedule(
            settings: polling.schedule(
                filesystem: FilesystemKind.of(path: InboxPolling.split(inbox.path).folder), watching: changes != nil))
        return await withDiscardingTaskGroup(returning: Int32.self) { group in
            group.addTask {
                for await number in signals { continuation.yield(.signal(number)) }
            }
            if let changes {
                group.addTask {
                    for await _ in changes { continuation.yield(.inboxChanged) }
                }
            }
            process(
                [.workerStarted(hostname: hostname, pid: Int(getpid()), now: now)], group: &group, events: continuation)
            // Prompts written before the worker started (the system prompt) are read at once.
            pollInbox(group: &group, events: continuation)
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

    /// Watches the inbox file itself, creating it empty if the relay has not yet (a watch on the inbox folder would
    /// wake every worker of the swarm for every prompt). A replaced inbox loses the watch; the poll still finds it.
    private static func watch(inbox path: String) -> AsyncStream<InotifyWatcher.Change>? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        close(descriptor)
        return InotifyWatcher.changes(ofFile: path)
    }

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
        case .inboxPollDue(let generation):
            guard generation == pollGeneration else { return }
            pollInbox(group: &group, events: events)
        case .inboxChanged:
            pollInbox(group: &group, events: events)
        }
        commitConsumedInbox()
    }

    /// Arms the next inbox poll: soon while a turn runs or just ran, later when idle.
    private mutating func scheduleInboxPoll(
        group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation
    ) {
        guard isReadingInbox else { return }
        pollGeneration += 1
        let generation = pollGeneration
        let busy = session.runningInjection != nil || !session.queuedInjections.isEmpty
        let delay = schedule.nextDelay(at: now, busy: busy)
        group.addTask {
            do { try await Task.sleep(for: delay) } catch { return }
            events.yield(.inboxPollDue(generation))
        }
    }

    /// Hands new inbox lines to the session, then saves the offset: a line counts as read once it was handled.
    /// Arms the next poll afterwards.
    private mutating func pollInbox(group: inout DiscardingTaskGroup, events: AsyncStream<WorkerEvent>.Continuation) {
        guard isReadingInbox else { return }
        defer { scheduleInboxPoll(group: &group, events: events) }
        let poll: InboxReader.Poll
        do {
            poll = try inbox.poll()
        } catch {
            reportInboxProblem("\(error)")
            return
        }
        var inputs: [AgentSessionInput] = []
        if let reason = poll.resetReason {
            inputs.append(.runtimeProblem(.inboxReset, message: reason, now: now))
            uncommitted = []
        }
        for (line, end) in zip(poll.lines, poll.lineEnds) {
            switch line {
            case .line(let bytes):
                let injection = (try? WireCoding.decode(InboxLine.self, from: bytes))?.injectionID
                if let injection, !handedInjections.insert(injection).inserted {
                    uncommitted.append((nil, end))
                    continue
                }
                inputs.append(.inboxLine(bytes, now: now))
                uncommitted.append((injection, end))
            case .oversized(let byteCount):
                inputs.append(.inboxLineOversized(byteCount: byteCount, now: now))
                uncommitted.append((nil, end))
            }
        }
        guard !inputs.isEmpty else { return }
        schedule.noteActivity(at: now)
        process(inputs, group: &group, events: events)
    }

    /// Saves the inbox offset up to the first line whose prompt has not started (queued, or dropped by the
    /// shutdown): a later worker of the node (the job requeued, the worker killed) reads those lines again.
    private mutating func commitConsumedInbox() {
        guard !uncommitted.isEmpty else { return }
        let waiting = session.unconsumedInjections
        var end: UInt64?
        while let first = uncommitted.first, !(first.injection.map(waiting.contains) ?? false) {
            end = first.end
            uncommitted.removeFirst()
        }
        guard let end else { return }
        do {
            try uncommitted.isEmpty ? inbox.commit() : inbox.commit(through: end)
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
        case .appendOutbox(var record):
            if record.type == .start { record.restartCount = restartCount }
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
        case .saveThread(let threadID, let rolloutPath):
            do {
                try swarmFolder?.record(
                    threadID: threadID, rolloutPath: rolloutPath, jobID: session.configuration.jobID)
            } catch {
                WorkerLog.warning("cannot record the thread in \(swarmFolder?.threadRecordPath ?? "?"): \(error)")
            }
        }
        return []
    }
}

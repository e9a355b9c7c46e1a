import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `codeswarm relay`: appends inbox lines and streams outbox lines of `<base>/mailbox` over stdin/stdout.
///
/// The router runs exactly one relay per mailbox (a child process, or over SSH on the login node). The relay
/// keeps no durable state: the router sends the cursors it persisted, and the relay reports every line with
/// its file identity and byte range, so the router can resume without loss or duplicates. It exits when its
/// stdin closes, which is how it dies with the router (or with the SSH session) instead of lingering.
///
/// Outboxes are read when inotify reports a write (local filesystems, and writes made on this host) and on each
/// file's adaptive poll (`RelayState`): fast while the node streams or an inject to it is in flight, a few looks
/// per second when idle, so writes from other hosts of a shared filesystem are seen too.
package struct RelayService: Sendable {
    package let base: String
    /// The poll interval while a node streams or its answer is due.
    package let activeInterval: Duration
    /// The longest poll interval of an idle node.
    package let idleInterval: Duration
    /// Whether to watch the outbox and archive folders with inotify as well.
    package let usesInotify: Bool
    /// Relay lines carry whole prompts and outbox lines, escaped once more: far more room than a client frame.
    package static let maximumLineLength = 80 * 1024 * 1024

    package init(
        base: String, activeInterval: Duration = MailboxPolling.defaultActive,
        idleInterval: Duration = MailboxPolling.defaultIdle, usesInotify: Bool = true
    ) {
        self.base = base
        self.activeInterval = activeInterval
        self.idleInterval = idleInterval
        self.usesInotify = usesInotify
    }

    /// Runs until stdin closes; returns the exit code.
    package func run() async -> Int32 {
        let output = FileDescriptorWriter(fileDescriptor: dup(STDOUT_FILENO))
        @Sendable func emit(_ event: RelayEvent) {
            guard let line = try? WireCoding.encodeLine(event) else { return }
            try? output.write(line)
        }
        do {
            try AtomicFile.makePrivateDirectory("\(base)/mailbox/inbox")
            try AtomicFile.makePrivateDirectory("\(base)/mailbox/outbox")
            try AtomicFile.makePrivateDirectory("\(base)/mailbox/archive")
        } catch {
            emit(.error(message: "cannot create the mailbox under \(base): \(error)"))
        }
        let folders = ["\(base)/mailbox/outbox", "\(base)/mailbox/archive"]
        let changes = usesInotify ? InotifyWatcher.changes(in: folders) : nil
        let settings = MailboxPolling.settings(
            filesystem: FilesystemKind.of(path: folders[0]), watching: changes != nil, active: activeInterval,
            idle: idleInterval)
        let state = RelayState(settings: settings)
        let wakeup = RelayWakeup()
        let appender = InboxAppender()
        let clock = ContinuousClock()
        let origin = clock.now
        emit(.ready(base: base, pid: Int(getpid())))
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Commands run as child tasks and appends on the appender's threads, concurrently: a slow sbatch must
                // not hold up appends, and one node's fsync must not hold up the next node's append.
                await withDiscardingTaskGroup { commands in
                    for await line in FileDescriptorReader.lines(
                        dup(STDIN_FILENO), name: "relay stdin", maximumLineLength: RelayService.maximumLineLength)
                    {
                        guard case .line(let bytes) = line, !bytes.isEmpty else { continue }
                        guard let request = try? WireCoding.decode(RelayRequest.self, from: bytes) else {
                            emit(
                                .error(
                                    message: "unreadable request: \(String(decoding: bytes.prefix(200), as: UTF8.self))"
                                ))
                            continue
                        }
                        switch request {
                        case .append(let id, let jobID, let nodeID, let line):
                            // Concurrently with other nodes' appends (their fsyncs are then committed together), and
                            // acknowledged from the appender's thread the moment the line is durable: a hop to a
                            // Swift task here waited behind the outbox records the poll loop was sending.
                            appender.enqueue(base: base, id: id, jobID: jobID, nodeID: nodeID, line: line) { event in
                                emit(event)
                                guard case .appended = event else { return }
                                wakeup.expectAnswer(file: MailboxLayout.fileName(jobID: jobID, nodeID: nodeID))
                            }
                        case .watch, .unwatch:
                            await state.apply(request, now: clock.now - origin)
                            wakeup.signalEverything()
                        case .run(let id, let argv, let input, let timeoutSeconds):
                            commands.addTask {
                                emit(await Self.run(id: id, argv: argv, input: input, timeoutSeconds: timeoutSeconds))
                            }
                        }
                    }
                    // Stdin closed: the router is gone; commands still running are abandoned.
                    commands.cancelAll()
                }
            }
            if let changes {
                group.addTask {
                    for await change in changes {
                        switch change {
                        case .files(let names): wakeup.signal(names)
                        case .watchedFile, .overflow: wakeup.signalEverything()
                        }
                    }
                }
            }
            group.addTask {
                var changed: Set<String>? = []
                while !Task.isCancelled {
                    for file in wakeup.takeAnswersDue() {
                        await state.expectAnswer(file: file, now: clock.now - origin)
                    }
                    let (events, nextDue) = await state.poll(base: base, now: clock.now - origin, changed: changed)
                    for event in events { emit(event) }
                    // Nothing followed: sleep until a watch arrives (it signals).
                    let timeout = nextDue.map { $0 - (clock.now - origin) } ?? .seconds(60)
                    changed = await wakeup.wait(timeout: timeout)
                }
            }
            // Stdin closed: the router is gone. Stop following and exit.
            await group.next()
            group.cancelAll()
            return 0
        }
    }

    /// Runs one command for the router and reports its outcome.
    static func run(id: Int, argv: [String], input: String, timeoutSeconds: Int) async -> RelayEvent {
        guard let executable = argv.first else {
            return .ran(id: id, exitCode: -1, standardOutput: "", standardError: "empty command")
        }
        do {
            let output = try await CommandRunner.run(
                executable, Array(argv.dropFirst()), input: Array(input.utf8), timeout: .seconds(max(1, timeoutSeconds))
            )
            let code: Int
            switch output.status {
            case .exited(let value): code = Int(value)
            case .signaled(let signal): code = 128 + Int(signal)
            }
            let error =
                output.timedOut ? "timed out after \(timeoutSeconds) s\n" + output.standardError : output.standardError
            return .ran(
                id: id, exitCode: output.timedOut ? -1 : code, standardOutput: output.standardOutput,
                standardError: error)
        } catch {
            return .ran(id: id, exitCode: -1, standardOutput: "", standardError: "\(error)")
        }
    }

    /// Appends one inbox line durably. Idempotent: a line that is already the file's last line is not written again,
    /// so the router can re-send an append whose acknowledgement it never saw.
    static func append(base: String, id: Int, jobID: JobID, nodeID: Int, line: String) -> RelayEvent {
        guard jobID.isSafePathComponent, nodeID >= 0 else {
            return .appendFailed(id: id, error: "invalid job id or node id")
        }
        let path = MailboxLayout.path(base: base, box: .inbox, jobID: jobID, nodeID: nodeID)
        let bytes = Array(line.utf8) + [UInt8(ascii: "\n")]
        if FileTail.endsWith(path: path, bytes: bytes) { return .appended(id: id) }
        do {
            try AtomicFile.append(bytes, to: path)
            return .appended(id: id)
        } catch {
            return .appendFailed(id: id, error: "append to \(path) failed: \(error)")
        }
    }
}

/// Reads the end of a file.
enum FileTail {
    /// True when the file at `path` ends with `bytes`.
    static func endsWith(path: String, bytes: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= bytes.count else { return false }
        var tail = [UInt8](repeating: 0, count: bytes.count)
        let count = tail.withUnsafeMutableBytes {
            pread(fd, $0.baseAddress, bytes.count, off_t(info.st_size) - off_t(bytes.count))
        }
        return count == bytes.count && tail == bytes
    }
}

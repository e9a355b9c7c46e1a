import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOPosix
import RouterCore
import Synchronization

/// Keeps one `codeswarm relay` running for a mailbox site: writes requests to it, turns its output into inputs,
/// runs provider commands through it, and restarts it with backoff when it dies.
final class RelaySession: Sendable {
    /// A command that ran on the relay's host.
    struct CommandResult: Sendable {
        var exitCode: Int
        var standardOutput: String
        var standardError: String
    }

    /// Why a command could not run through the relay.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let site: String
    let command: [String]
    let logger: Logger
    /// Runs before each relay start (deploys the binary the relay runs); a failure is retried with backoff.
    let prepare: @Sendable () async throws -> Void
    private let requests: AsyncStream<RelayRequest>
    private let requestSink: AsyncStream<RelayRequest>.Continuation
    private let current = Mutex<FileDescriptorWriter?>(nil)
    private let pending = Mutex<[Int: CheckedContinuation<CommandResult, any Error>]>([:])
    private let nextCommandID = Atomic(0)
    /// Why the relay last stopped or failed to start, for error messages.
    private let lastFailure = Mutex<String?>(nil)

    init(site: String, command: [String], logger: Logger, prepare: @escaping @Sendable () async throws -> Void = {}) {
        self.site = site
        self.command = command
        self.logger = logger
        self.prepare = prepare
        (requests, requestSink) = AsyncStream.makeStream(of: RelayRequest.self)
    }

    /// Queues a request for the relay (sent in order; kept across relay restarts).
    func send(_ request: RelayRequest) {
        requestSink.yield(request)
    }

    /// Runs `argv` on the relay's host (waiting up to `startWait` for a relay) and returns its outcome.
    func run(_ argv: [String], input: String = "", timeoutSeconds: Int = 60, startWait: Duration = .seconds(60))
        async throws
        -> CommandResult
    {
        let deadline = ContinuousClock.now + startWait
        while current.withLock({ $0 == nil }) {
            guard ContinuousClock.now < deadline else {
                let why = lastFailure.withLock { $0 } ?? "it has not started yet"
                throw Unavailable(description: "the relay for \(site) is not running: \(why)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let id = nextCommandID.add(1, ordering: .relaxed).newValue
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            send(.run(id: id, argv: argv, input: input, timeoutSeconds: timeoutSeconds))
        }
    }

    /// Runs relays until cancelled, reporting their events as router inputs.
    func run(report: @escaping @Sendable (RouterInput) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await request in requests {
                    guard let line = try? WireCoding.encodeLine(request) else { continue }
                    while !Task.isCancelled {
                        // A full pipe blocks the write: do it on NIO's thread pool, never on the cooperative pool.
                        if let writer = current.withLock({ $0 }),
                            (try? await NIOThreadPool.singleton.runIfActive { try writer.write(line) }) != nil
                        {
                            break
                        }
                        // No relay, or it died mid-write: the core re-sends appends and watches on the next `ready`,
                        // and commands were failed when the relay went.
                        if case .append = request { break }
                        if case .run = request { break }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            group.addTask { [self] in
                var backoff: Duration = .milliseconds(250)
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    let reason: String
                    do {
                        try await prepare()
                        reason = await runOnce(report: report)
                    } catch {
                        reason = "cannot prepare the relay: \(error)"
                    }
                    current.withLock { $0 = nil }
                    lastFailure.withLock { $0 = reason }
                    failPending(reason)
                    report(.relayStopped(site: site, reason: reason, at: Date()))
                    if Task.isCancelled { break }
                    if ContinuousClock.now - started > .seconds(10) { backoff = .milliseconds(250) }
                    logger.warning(
                        "relay stopped; restarting", metadata: ["relay.site": "\(site)", "reason": "\(reason)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(10))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func failPending(_ reason: String) {
        let waiting = pending.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for continuation in waiting {
            continuation.resume(throwing: Unavailable(description: "relay stopped: \(reason)"))
        }
    }

    private func runOnce(report: @escaping @Sendable (RouterInput) -> Void) async -> String {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                executable: command[0], arguments: Array(command.dropFirst()), stdin: .pipe, stdout: .pipe,
                stderr: .pipe)
        } catch {
            return "cannot start relay: \(error)"
        }
        current.withLock { $0 = process.standardInput }
        return await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let stderr = process.standardError {
                    group.addTask { [logger, site] in
                        for await case .line(let bytes) in FileDescriptorReader.lines(stderr, name: "relay stderr") {
                            logger.info(
                                "relay stderr",
                                metadata: [
                                    "relay.site": "\(site)", "line": "\(String(decoding: bytes, as: UTF8.self))",
                                ])
                        }
                    }
                }
                if let stdout = process.standardOutput {
                    for await output in FileDescriptorReader.lines(
                        stdout, name: "relay stdout", maximumLineLength: 96 * 1024 * 1024)
                    {
                        guard case .line(let bytes) = output, !bytes.isEmpty else { continue }
                        guard let event = try? RelayEvent(parsing: bytes) else {
                            logger.warning(
                                "unreadable relay output",
                                metadata: ["line": "\(String(decoding: bytes.prefix(200), as: UTF8.self))"])
                            continue
                        }
                        if case .ran(let id, let exitCode, let standardOutput, let standardError) = event {
                            pending.withLock { $0.removeValue(forKey: id) }?.resume(
                                returning: CommandResult(
                                    exitCode: exitCode, standardOutput: standardOutput, standardError: standardError))
                            continue
                        }
                        report(.relayEvent(site: site, event, at: Date()))
                    }
                }
                current.withLock { $0 = nil }
                process.standardInput?.close()
                let status = await process.wait()
                await group.waitForAll()
                return "relay exited with \(status)"
            }
        } onCancel: {
            // Closing stdin makes the relay exit by itself; that is also what happens if the router dies.
            process.standardInput?.close()
        }
    }
}

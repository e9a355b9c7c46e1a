import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import RouterCore

/// Keeps one `codeswarm relay` running for a mailbox site: writes requests to it, turns its output into inputs,
/// and restarts it with backoff when it dies.
final class RelaySession: Sendable {
    let site: String
    let command: [String]
    let environment: [String: String]?
    let logger: Logger
    private let requests: AsyncStream<RelayRequest>
    private let requestSink: AsyncStream<RelayRequest>.Continuation

    init(site: String, command: [String], environment: [String: String]? = nil, logger: Logger) {
        self.site = site
        self.command = command
        self.environment = environment
        self.logger = logger
        (requests, requestSink) = AsyncStream.makeStream(of: RelayRequest.self)
    }

    /// Queues a request for the relay (sent in order; kept across relay restarts).
    func send(_ request: RelayRequest) {
        requestSink.yield(request)
    }

    /// Runs relays until cancelled, reporting their events as router inputs.
    func run(report: @escaping @Sendable (RouterInput) -> Void) async {
        // One writer for the life of the session: requests survive a relay restart.
        let current = RelayWriterBox()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [requests] in
                for await request in requests {
                    guard let line = try? WireCoding.encodeLine(request) else { continue }
                    while !Task.isCancelled {
                        if let writer = await current.writer, (try? writer.write(line)) != nil { break }
                        // No relay, or it died mid-write: the core re-sends what matters on the next `ready`.
                        if case .append = request { break }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            group.addTask { [self] in
                var backoff: Duration = .milliseconds(250)
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    let reason = await runOnce(current: current, report: report)
                    await current.set(nil)
                    report(.relayStopped(site: site, reason: reason, at: Date()))
                    if Task.isCancelled { break }
                    if ContinuousClock.now - started > .seconds(10) { backoff = .milliseconds(250) }
                    logger.warning("relay stopped; restarting", metadata: ["relay.site": "\(site)", "reason": "\(reason)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(10))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func runOnce(current: RelayWriterBox, report: @escaping @Sendable (RouterInput) -> Void) async -> String {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                executable: command[0], arguments: Array(command.dropFirst()), environment: environment, stdin: .pipe,
                stdout: .pipe, stderr: .pipe)
        } catch {
            return "cannot start relay: \(error)"
        }
        await current.set(process.standardInput)
        return await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let stderr = process.standardError {
                    group.addTask { [logger, site] in
                        for await case .line(let bytes) in FileDescriptorReader.lines(stderr, name: "relay stderr") {
                            logger.info("relay stderr", metadata: ["relay.site": "\(site)", "line": "\(String(decoding: bytes, as: UTF8.self))"])
                        }
                    }
                }
                if let stdout = process.standardOutput {
                    for await output in FileDescriptorReader.lines(stdout, name: "relay stdout") {
                        guard case .line(let bytes) = output, !bytes.isEmpty else { continue }
                        guard let event = try? WireCoding.decode(RelayEvent.self, from: bytes) else {
                            logger.warning("unreadable relay output", metadata: ["line": "\(String(decoding: bytes.prefix(200), as: UTF8.self))"])
                            continue
                        }
                        report(.relayEvent(site: site, event, at: Date()))
                    }
                }
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

/// The writer of the relay currently running, if any.
private actor RelayWriterBox {
    var writer: FileDescriptorWriter?
    func set(_ writer: FileDescriptorWriter?) { self.writer = writer }
}

import CodeswarmProtocol
import DashboardCore
import Foundation
import Synchronization

/// The dashboard's loop: merges terminal input, router events and ticks into the state, and draws.
///
/// One `AsyncStream` is the inbox; child tasks feed it (terminal, ticker, connection manager, frame
/// timers) and one sends commands. The state is owned by this loop alone. It draws only when the
/// frame changed, and at most once per `frameInterval`, so an idle dashboard sleeps and a streaming
/// one coalesces its frames.
struct DashboardSession {
    /// How a session ended.
    enum Outcome: Sendable, Equatable {
        case quit
        case interrupted(signal: Int32)
        case terminalClosed
    }

    /// One item in the inbox.
    private enum Input: Sendable {
        case event(DashboardEvent)
        case interrupted(Int32)
        case terminalEnded
        case frameDue
    }

    let terminal: any TerminalDevice
    let connect: @Sendable () async throws -> any DashboardLink
    let timing: SessionTiming
    /// Where exports are written.
    let exporter: ExportWriter
    var state: DashboardState

    mutating func run() async -> Outcome {
        let (inputs, inbox) = AsyncStream.makeStream(of: Input.self)
        let (outbox, outboxInput) = AsyncStream.makeStream(of: (RouterCommand, String).self)
        let link = LinkBox()
        let terminal = terminal
        let connect = connect
        let timing = timing
        let exporter = exporter
        var state = self.state
        let outcome = await withDiscardingTaskGroup { group -> Outcome in
            group.addTask {
                for await event in terminal.events {
                    switch event {
                    case .key(let key): inbox.yield(.event(.key(key)))
                    case .paste(let text): inbox.yield(.event(.paste(text)))
                    case .resized(let size): inbox.yield(.event(.resized(size)))
                    case .interrupted(let signal): inbox.yield(.interrupted(signal))
                    }
                }
                inbox.yield(.terminalEnded)
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: timing.tickInterval)
                    if !Task.isCancelled { inbox.yield(.event(.tick(timing.now()))) }
                }
            }
            group.addTask { await Self.maintainConnection(connect: connect, link: link, inbox: inbox, timing: timing) }
            group.addTask { await Self.sendCommands(outbox, link: link, inbox: inbox) }

            var painter = FramePainter(terminal: terminal, interval: timing.frameInterval)
            painter.paint(state)
            var outcome = Outcome.terminalClosed
            loop: for await input in inputs {
                switch input {
                case .event(let event):
                    for command in state.handle(event) {
                        switch command {
                        case .send(let routerCommand, let requestID): outboxInput.yield((routerCommand, requestID))
                        case .export(let export):
                            let copied = terminal.canCopyToClipboard
                            if copied { terminal.copyToClipboard(export.text) }
                            // Off the loop: a slow (network) file system must not hold up the screen.
                            group.addTask {
                                let result: ExportResult
                                do {
                                    let path = try exporter.write(export)
                                    result = ExportResult(
                                        subject: export.subject, path: path, copiedToClipboard: copied)
                                } catch {
                                    result = ExportResult(
                                        subject: export.subject, path: nil, failure: "\(error)",
                                        copiedToClipboard: copied)
                                }
                                inbox.yield(.event(.exported(result)))
                            }
                        case .bell:
                            terminal.bell()
                        case .quit:
                            outcome = .quit
                            break loop
                        }
                    }
                    painter.isDirty = true
                case .interrupted(let signal):
                    outcome = .interrupted(signal: signal)
                    break loop
                case .terminalEnded:
                    break loop
                case .frameDue:
                    painter.isScheduled = false
                }
                if let wait = painter.paintOrWait(state) {
                    group.addTask {
                        try? await Task.sleep(for: wait)
                        inbox.yield(.frameDue)
                    }
                }
            }
            // Give the shell its terminal back before waiting for the children to wind down.
            await terminal.restore()
            outboxInput.finish()
            group.cancelAll()
            return outcome
        }
        self.state = state
        return outcome
    }

    /// Connects, forwards the link's events, and reconnects with backoff whenever the link drops.
    private static func maintainConnection(
        connect: @Sendable () async throws -> any DashboardLink, link: LinkBox,
        inbox: AsyncStream<Input>.Continuation, timing: SessionTiming
    ) async {
        var attempt = 1
        while !Task.isCancelled {
            inbox.yield(.event(.connection(.connecting(attempt: attempt))))
            var reason: String
            do {
                let current = try await connect()
                link.set(current)
                attempt = 1
                inbox.yield(.event(.connection(.connected)))
                do {
                    for try await event in current.events { inbox.yield(.event(.router(event))) }
                    reason = "the router closed the connection"
                } catch {
                    reason = Self.describe(error)
                }
                link.set(nil)
            } catch {
                reason = Self.describe(error)
            }
            if Task.isCancelled { return }
            let delay = timing.reconnectDelay(attempt: attempt)
            attempt += 1
            let retryAt = timing.now().addingTimeInterval(delay.timeInterval)
            inbox.yield(.event(.connection(.disconnected(reason: reason, retryAt: retryAt))))
            try? await Task.sleep(for: delay)
        }
    }

    /// Sends commands in order on the current link; failures come back as `sendFailed` events.
    private static func sendCommands(
        _ outbox: AsyncStream<(RouterCommand, String)>, link: LinkBox, inbox: AsyncStream<Input>.Continuation
    ) async {
        for await (command, requestID) in outbox {
            guard let current = link.current else {
                inbox.yield(.event(.sendFailed(requestID: requestID, reason: "not connected to the router")))
                continue
            }
            do {
                try await current.send(command, requestID: requestID)
            } catch {
                inbox.yield(.event(.sendFailed(requestID: requestID, reason: describe(error))))
            }
        }
    }

    /// A one-line reason for the status bar.
    private static func describe(_ error: any Error) -> String {
        TextSanitizer.singleLine(String(describing: error))
    }
}

/// The current link, shared by the connection manager (which sets it) and the sender (which reads it).
private final class LinkBox: Sendable {
    private let link = Mutex<(any DashboardLink)?>(nil)

    var current: (any DashboardLink)? { link.withLock { $0 } }

    func set(_ newValue: (any DashboardLink)?) { link.withLock { $0 = newValue } }
}

/// Decides when to draw: at once if the last frame is old enough, else after the rest of the interval.
private struct FramePainter {
    let terminal: any TerminalDevice
    let interval: Duration
    var isDirty = false
    var isScheduled = false
    private var lastGrid: ScreenGrid?
    private var lastPaint: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    init(terminal: any TerminalDevice, interval: Duration) {
        self.terminal = terminal
        self.interval = interval
    }

    /// Renders and draws `state` if the frame differs from the last one drawn.
    mutating func paint(_ state: DashboardState) {
        let grid = DashboardScreen.render(state)
        isDirty = false
        lastPaint = clock.now
        guard grid != lastGrid else { return }
        lastGrid = grid
        terminal.draw(grid)
    }

    /// Paints now when allowed; otherwise returns how long to wait (once per burst) before painting.
    mutating func paintOrWait(_ state: DashboardState) -> Duration? {
        guard isDirty, !isScheduled else { return nil }
        let elapsed = lastPaint.map { clock.now - $0 } ?? interval
        if elapsed >= interval {
            paint(state)
            return nil
        }
        isScheduled = true
        return interval - elapsed
    }
}

import CodeswarmProtocol
import DashboardCore
import Foundation

/// The dashboard's entry point: opens the terminal, runs the session, and always gives the terminal back.
package enum DashboardApp {
    /// Runs the full-screen dashboard until the user quits.
    ///
    /// `connect` is called for the first connection and again, with backoff, whenever the link drops;
    /// the status bar shows the connection state meanwhile. Throws `DashboardError` when the terminal
    /// cannot be used, or `.interrupted` after SIGTERM, SIGHUP or SIGINT (the terminal is restored first).
    package static func run(
        connect: @escaping @Sendable () async throws -> any DashboardLink, options: DashboardOptions
    ) async throws {
        let terminal = try await CursesTerminal.open(monochrome: options.isMonochrome, clipboard: options.clipboard)
        var effective = options
        effective.isMonochrome = terminal.isMonochrome
        do {
            try await run(on: terminal, connect: connect, options: effective, timing: .standard)
        } catch {
            await terminal.restore()
            throw error
        }
        await terminal.restore()
    }

    /// Runs the dashboard on any terminal (a `FakeTerminal` in tests) with the given pacing.
    package static func run(
        on terminal: any TerminalDevice, connect: @escaping @Sendable () async throws -> any DashboardLink,
        options: DashboardOptions, timing: SessionTiming
    ) async throws {
        let state = DashboardState(
            size: terminal.size, now: timing.now(), isMonochrome: options.isMonochrome,
            launchDefaults: options.launchDefaults, initialSwarmID: options.initialSwarmID,
            confirmsMultiNodeSends: options.confirmsMultiNodeSends, ringsBellOnApproval: options.ringsBellOnApproval)
        let exporter = ExportWriter(
            directory: options.exportDirectory, home: ProcessInfo.processInfo.environment["HOME"])
        var session = DashboardSession(
            terminal: terminal, connect: connect, timing: timing, exporter: exporter, state: state)
        switch await session.run() {
        case .quit, .terminalClosed:
            return
        case .interrupted(let signal):
            throw DashboardError.interrupted(signal: signal)
        }
    }
}

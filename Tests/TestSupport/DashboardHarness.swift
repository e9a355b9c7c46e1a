import CodeswarmProtocol
import DashboardCore
import Foundation

/// Drives a `DashboardState` the way the runtime does, synchronously: events in, commands and frames out.
///
/// Each event is handled, then the screen is rendered and drawn on a `FakeTerminal`, so a test reads
/// frames exactly as a user would see them, with no tasks, clocks or sleeps.
package struct DashboardHarness {
    package var state: DashboardState
    package let terminal: FakeTerminal
    /// Every command sent to the router, in order.
    package private(set) var sent: [(command: RouterCommand, requestID: String)] = []
    package private(set) var didQuit = false
    /// How many times the state asked for the bell.
    package private(set) var bells = 0
    /// Every export asked for, in order.
    package private(set) var exports: [TranscriptExport] = []

    /// A connected dashboard at `size`, with the clock at `DashboardFixtures.epoch`.
    package init(size: ScreenSize = ScreenSize(width: 80, height: 24), monochrome: Bool = false, connected: Bool = true)
    {
        state = DashboardState(size: size, now: DashboardFixtures.epoch, isMonochrome: monochrome)
        terminal = FakeTerminal(size: size)
        if connected { handle(.connection(.connected)) }
    }

    /// The screen as it is now.
    package var screen: ScreenGrid { terminal.lastFrame ?? DashboardScreen.render(state) }

    /// Handles one event and draws the resulting frame.
    package mutating func handle(_ event: DashboardEvent) {
        for command in state.handle(event) {
            switch command {
            case .send(let routerCommand, let requestID): sent.append((routerCommand, requestID))
            case .export(let export): exports.append(export)
            case .bell: bells += 1
            case .quit: didQuit = true
            }
        }
        terminal.draw(DashboardScreen.render(state))
    }

    /// Presses keys in order.
    package mutating func press(_ keys: Key...) {
        for key in keys { handle(.key(key)) }
    }

    /// Types `text` one character at a time.
    package mutating func type(_ text: String) {
        for character in text { handle(.key(.character(character))) }
    }

    /// Pastes `text` in one piece (bracketed paste).
    package mutating func paste(_ text: String) {
        handle(.paste(text))
    }

    /// Delivers router events in order.
    package mutating func receive(_ events: RouterEvent...) {
        for event in events { handle(.router(event)) }
    }

    /// Moves the clock on by `seconds`.
    package mutating func advance(seconds: TimeInterval) {
        handle(.tick(state.now.addingTimeInterval(seconds)))
    }

    /// The request id of the last command sent whose name is `name` (`inject`, `swarm_status`, …).
    package func lastRequestID(of name: String) -> String? {
        sent.last { $0.command.name == name }?.requestID
    }

    /// Answers the replay the dashboard asked for on connecting, as the router does once history is sent.
    package mutating func completeReplay(lastSeq: Int = 0) {
        guard let requestID = lastRequestID(of: "events_replay") else { return }
        receive(.replayComplete(ReplayComplete(requestID: .string(requestID), lastSeq: lastSeq)))
    }

    /// Forgets the commands sent so far, so a test can look at what one step sends.
    package mutating func clearSent() { sent.removeAll() }
}

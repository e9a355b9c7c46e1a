/// What a terminal reports: keys, pastes, size changes, and the end of the session by a signal.
package enum TerminalEvent: Sendable, Hashable {
    case key(Key)
    case paste(String)
    case resized(ScreenSize)
    /// SIGTERM, SIGHUP or SIGINT arrived; the terminal has already been restored.
    case interrupted(signal: Int32)
}

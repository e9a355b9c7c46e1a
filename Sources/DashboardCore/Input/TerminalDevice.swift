/// A full-screen terminal the dashboard draws on; `CursesTerminal` in production, `FakeTerminal` in tests.
package protocol TerminalDevice: AnyObject, Sendable {
    /// The current size in cells.
    var size: ScreenSize { get }
    /// Input and size changes, in order; finishes when the terminal is restored.
    var events: AsyncStream<TerminalEvent> { get }
    /// Shows `grid`, replacing whatever was shown; returns without waiting for the output.
    func draw(_ grid: ScreenGrid)
    /// True when `copyToClipboard` reaches a clipboard (the terminal takes OSC 52, or the user said it does).
    var canCopyToClipboard: Bool { get }
    /// Puts `text` on the terminal's clipboard (OSC 52); does nothing when `canCopyToClipboard` is false.
    func copyToClipboard(_ text: String)
    /// Rings the terminal's bell (or flashes the screen when it has none); returns without waiting.
    func bell()
    /// Gives the terminal back to the shell (cursor, modes, screen); safe to call more than once.
    func restore() async
}

/// Why the dashboard could not start or had to stop.
package struct DashboardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The closed set of failures.
    package enum Code: Sendable, Hashable {
        case notATerminal
        case unknownTerminal
        case unsupportedTerminal
        case interrupted(signal: Int32)
        case terminalFailed
    }

    package let code: Code
    /// What happened and what to do about it.
    package let message: String

    package var description: String { message }

    /// Standard input or output is not a terminal.
    package static let notATerminal = DashboardError(
        code: .notATerminal,
        message: "The dashboard needs a terminal on standard input and output; use `codeswarm status` in scripts.")

    /// ncurses has no description of `$TERM`.
    package static func unknownTerminal(_ term: String?) -> DashboardError {
        let name = term.map { "'\($0)'" } ?? "(TERM is not set)"
        return DashboardError(
            code: .unknownTerminal,
            message: "Unknown terminal type \(name): no terminfo entry. Try TERM=xterm-256color, "
                + "or install the terminfo entry (ncurses-term).")
    }

    /// `$TERM` describes a terminal that cannot show a full-screen view (no cursor addressing, as `dumb`).
    package static func unsupportedTerminal(_ term: String?) -> DashboardError {
        let name = term.map { "'\($0)'" } ?? "(TERM is not set)"
        return DashboardError(
            code: .unsupportedTerminal,
            message: "The dashboard cannot run on terminal type \(name): it has no cursor addressing. "
                + "Run it in a full terminal (TERM=xterm-256color, tmux, screen), or use `codeswarm status` "
                + "and `codeswarm attach` here.")
    }

    /// A signal ended the session; the terminal has been restored.
    package static func interrupted(signal: Int32) -> DashboardError {
        DashboardError(code: .interrupted(signal: signal), message: "The dashboard stopped on signal \(signal).")
    }

    /// ncurses failed in a way that has no better explanation.
    package static func terminalFailed(_ detail: String) -> DashboardError {
        DashboardError(code: .terminalFailed, message: "The terminal could not be set up: \(detail)")
    }
}

import CodeswarmProtocol

/// What the dashboard asks its runtime to do; the only output of `DashboardState.handle`.
package enum DashboardEffect: Sendable, Hashable {
    case send(RouterCommand, requestID: String)
    /// Write text to a new file in the export directory and, when the terminal allows, to the clipboard.
    case export(TranscriptExport)
    /// Ring the terminal's bell (a new approval request, when `CODESWARM_APPROVAL_BELL=1`).
    case bell
    case quit
}

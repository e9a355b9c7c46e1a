import CodeswarmProtocol

/// What the dashboard asks its runtime to do; the only output of `DashboardState.handle`.
package enum DashboardEffect: Sendable, Hashable {
    case send(RouterCommand, requestID: String)
    /// Write text to a new file in the export directory and, when the terminal allows, to the clipboard.
    case export(TranscriptExport)
    case quit
}

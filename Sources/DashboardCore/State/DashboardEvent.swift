import CodeswarmProtocol
import Foundation

/// Everything that can happen to the dashboard: the only input of `DashboardState.handle`.
package enum DashboardEvent: Sendable, Hashable {
    case key(Key)
    /// Text pasted in one piece (bracketed paste), possibly several lines.
    case paste(String)
    case resized(ScreenSize)
    /// The clock moved on; the dashboard has no clock of its own.
    case tick(Date)
    case router(RouterEvent)
    case connection(ConnectionState)
    /// Sending a command failed before the router saw it.
    case sendFailed(requestID: String, reason: String)
    /// The runtime carried out an `export`: where the file went, or why it did not.
    case exported(ExportResult)
}

/// What the dashboard asks its runtime to do; the only output of `DashboardState.handle`.
package enum DashboardCommand: Sendable, Hashable {
    case send(RouterCommand, requestID: String)
    /// Write text to a new file in the export directory and, when the terminal allows, to the clipboard.
    case export(TranscriptExport)
    case quit
}

/// Text to save: a turn or a whole conversation of one node.
package struct TranscriptExport: Sendable, Hashable {
    /// The file's name in the export directory (the runtime picks the directory).
    package var fileName: String
    package var text: String
    /// What was exported, for the message afterwards: `node 3's turn`.
    package var subject: String

    package init(fileName: String, text: String, subject: String) {
        self.fileName = fileName
        self.text = text
        self.subject = subject
    }
}

/// How an export went.
package struct ExportResult: Sendable, Hashable {
    package var subject: String
    /// Where the file was written (as the user would type it), or nil when writing failed.
    package var path: String?
    /// Why the file could not be written.
    package var failure: String?
    /// True when the text was also sent to the clipboard (OSC 52).
    package var copiedToClipboard: Bool

    package init(subject: String, path: String?, failure: String? = nil, copiedToClipboard: Bool) {
        self.subject = subject
        self.path = path
        self.failure = failure
        self.copiedToClipboard = copiedToClipboard
    }
}

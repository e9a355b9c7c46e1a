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

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

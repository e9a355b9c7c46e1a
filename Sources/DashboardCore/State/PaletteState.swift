/// The `:` command palette's line: what is typed, earlier commands, the last error, and Tab's cycle.
package struct PaletteState: Sendable, Hashable {
    package var editor = LineEditor()
    /// Why the last Enter did not run anything; cleared by typing.
    package var error: String?
    /// Tab's cycle through several candidates for the word being completed.
    package var cycle: Cycle?

    /// Repeated Tab presses show each candidate in turn in place of the word being completed.
    package struct Cycle: Sendable, Hashable {
        /// The text before the completed word.
        package var head: String
        package var candidates: [String]
        package var index: Int
    }

    package init() {}

    /// The text typed so far.
    package var text: String { editor.field.text }

    /// The verb typed (the first word) and the rest, trimmed.
    package var parts: (verb: String, rest: String) {
        let trimmed = text.trimmingWhitespace()
        guard let space = trimmed.firstIndex(where: \.isWhitespace) else { return (trimmed, "") }
        return (String(trimmed[..<space]), String(trimmed[space...]).trimmingWhitespace())
    }

    /// True while the verb is still being typed (no space after it yet).
    package var isTypingVerb: Bool { !text.drop { $0.isWhitespace }.contains(where: \.isWhitespace) }
}

/// An editable line of text with a cursor counted in graphemes.
public struct TextField: Sendable, Hashable {
    public private(set) var text: String
    /// The cursor position, in graphemes from the start (0...text.count).
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Inserts `string` at the cursor and moves the cursor after it.
    public mutating func insert(_ string: String) {
        let characters = Array(text)
        let head = String(characters[..<cursor]) + string
        text = head + String(characters[cursor...])
        // Counting the head again keeps the cursor right when a combining mark merged into the previous grapheme.
        cursor = head.count
    }

    /// Replaces the whole text and puts the cursor at the end.
    public mutating func set(_ string: String) {
        text = string
        cursor = string.count
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = text.count }

    /// Deletes the grapheme before the cursor.
    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        var characters = Array(text)
        characters.remove(at: cursor - 1)
        text = String(characters)
        cursor -= 1
    }

    /// Deletes the grapheme under the cursor.
    public mutating func deleteForward() {
        var characters = Array(text)
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
        text = String(characters)
    }

    /// Deletes the word before the cursor and the spaces after it (Ctrl-W).
    public mutating func deleteWord() {
        var characters = Array(text)
        var start = cursor
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        text = String(characters)
        cursor = start
    }

    /// Empties the field.
    public mutating func clear() { set("") }
}

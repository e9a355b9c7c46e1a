/// An editable line of text with a cursor counted in graphemes.
package struct TextField: Sendable, Hashable {
    package private(set) var text: String
    /// The cursor position, in graphemes from the start (0...text.count).
    package private(set) var cursor: Int

    package init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    package var isEmpty: Bool { text.isEmpty }

    /// Inserts `string` at the cursor and moves the cursor after it.
    package mutating func insert(_ string: String) {
        let characters = Array(text)
        let head = String(characters[..<cursor]) + string
        text = head + String(characters[cursor...])
        // Counting the head again keeps the cursor right when a combining mark merged into the previous grapheme.
        cursor = head.count
    }

    /// Replaces the whole text and puts the cursor at the end.
    package mutating func set(_ string: String) {
        text = string
        cursor = string.count
    }

    package mutating func moveLeft() { cursor = max(0, cursor - 1) }
    package mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    package mutating func moveHome() { cursor = 0 }
    package mutating func moveEnd() { cursor = text.count }

    /// Deletes the grapheme before the cursor.
    package mutating func deleteBackward() {
        guard cursor > 0 else { return }
        var characters = Array(text)
        characters.remove(at: cursor - 1)
        text = String(characters)
        cursor -= 1
    }

    /// Deletes the grapheme under the cursor.
    package mutating func deleteForward() {
        var characters = Array(text)
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
        text = String(characters)
    }

    /// Deletes the word before the cursor and the spaces after it (Ctrl-W).
    package mutating func deleteWord() {
        var characters = Array(text)
        var start = cursor
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        text = String(characters)
        cursor = start
    }

    /// Empties the field.
    package mutating func clear() { set("") }
}

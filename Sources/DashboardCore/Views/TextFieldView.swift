/// Draws a one-line text field that scrolls sideways to keep the cursor visible; newlines show as `⏎`.
struct TextFieldView {
    let field: TextField
    let role: StyleRole
    let placeholder: String
    let hasCursor: Bool

    /// Draws into `rect` (one row) and returns where the cursor goes, if this field has it.
    @discardableResult
    func render(in rect: Rect, grid: inout ScreenGrid) -> Point? {
        guard rect.width > 0, rect.height > 0 else { return nil }
        if field.isEmpty {
            if !placeholder.isEmpty {
                grid.put(TextFormat.truncate(placeholder, to: rect.width), x: rect.x, y: rect.y, role: .dim, clip: rect)
            }
            return hasCursor ? Point(x: rect.x, y: rect.y) : nil
        }
        let characters: [Character] = field.text.map { $0 == "\n" || $0 == "\r\n" ? "⏎" : $0 }
        let widths = characters.map { max(1, CharacterWidth.of($0)) }
        let cursor = min(field.cursor, characters.count)
        // Scroll so the cursor (and one cell for it past the end) fits.
        var start = 0
        var widthBeforeCursor = widths[..<cursor].reduce(0, +)
        while start < cursor, widthBeforeCursor >= rect.width {
            widthBeforeCursor -= widths[start]
            start += 1
        }
        var x = rect.x
        for index in start..<characters.count {
            guard x + widths[index] <= rect.maxX else { break }
            let shownRole: StyleRole = characters[index] == "⏎" && field.text.contains("\n") ? .dim : role
            x = grid.put(String(characters[index]), x: x, y: rect.y, role: shownRole, clip: rect)
        }
        return hasCursor ? Point(x: rect.x + widthBeforeCursor, y: rect.y) : nil
    }
}

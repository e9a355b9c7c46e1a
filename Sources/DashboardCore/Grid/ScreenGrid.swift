/// A width×height array of cells that views draw into; the terminal layer turns it into output.
///
/// Wide graphemes take two cells (the second is a continuation) and are never split: one that would
/// straddle a clip edge is drawn as a blank instead, and overwriting either half blanks the other.
package struct ScreenGrid: Sendable, Hashable {
    package let size: ScreenSize
    /// Row-major cells, `size.width * size.height` of them.
    package private(set) var cells: [Cell]
    /// Where the terminal should show its cursor (the text entry point), or nil to hide it.
    package var cursor: Point?

    package init(size: ScreenSize, role: StyleRole = .normal) {
        self.size = size
        self.cells = Array(repeating: .blank(role), count: size.width * size.height)
    }

    /// The whole grid as a rectangle.
    package var bounds: Rect { Rect(size: size) }

    /// The cell at column `x`, row `y` (a blank for positions outside the grid).
    package subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank() }
        return cells[y * size.width + x]
    }

    /// The cells of row `y`.
    package func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < size.height else { return [] }
        return cells[(y * size.width)..<((y + 1) * size.width)]
    }

    /// Writes `text` on one line from (`x`, `y`), clipped to `clip` (and the grid); returns the column after it.
    @discardableResult
    package mutating func put(_ text: some StringProtocol, x: Int, y: Int, role: StyleRole, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard y >= area.y, y < area.maxY else { return x }
        var column = x
        for character in text {
            guard column < area.maxX else { break }
            var shown = character
            var width = CharacterWidth.of(character)
            if width == 0 {
                // Controls become a visible replacement; invisible marks on their own are dropped.
                guard character.unicodeScalars.first.map(CharacterWidth.isControl) == true else { continue }
                shown = "\u{FFFD}"
                width = 1
            }
            if column < area.x {
                column += width
                continue
            }
            if width == 2, column + 1 >= area.maxX {
                // A wide grapheme that would be cut in half at the edge becomes a blank.
                setCell(Cell(" ", role: role), x: column, y: y)
                column += 1
                break
            }
            setCell(Cell(shown, role: role), x: column, y: y)
            if width == 2 {
                setCell(Cell(" ", role: role, isContinuation: true), x: column + 1, y: y)
            }
            column += width
        }
        return column
    }

    /// Fills `rect` with `character` in `role`.
    package mutating func fill(_ rect: Rect, character: Character = " ", role: StyleRole) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                setCell(Cell(character, role: role), x: x, y: y)
            }
        }
    }

    /// Changes the role of every cell in `rect`, keeping the characters (a selection highlight).
    package mutating func paint(_ rect: Rect, role: StyleRole) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                cells[y * size.width + x].role = role
            }
        }
    }

    /// The line style of a box.
    package enum BoxStyle: Sendable {
        case single
        case double
    }

    /// Draws a box around the inside of `rect` with an optional title on the top edge.
    package mutating func box(
        _ rect: Rect, style: BoxStyle = .single, role: StyleRole = .border, title: String? = nil,
        titleRole: StyleRole = .title, footer: String? = nil, footerRole: StyleRole = .dim
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let glyphs: (h: Character, v: Character, tl: Character, tr: Character, bl: Character, br: Character) =
            style == .single ? ("─", "│", "┌", "┐", "└", "┘") : ("═", "║", "╔", "╗", "╚", "╝")
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        for x in (rect.x + 1)..<right {
            setCell(Cell(glyphs.h, role: role), x: x, y: rect.y)
            setCell(Cell(glyphs.h, role: role), x: x, y: bottom)
        }
        for y in (rect.y + 1)..<bottom {
            setCell(Cell(glyphs.v, role: role), x: rect.x, y: y)
            setCell(Cell(glyphs.v, role: role), x: right, y: y)
        }
        setCell(Cell(glyphs.tl, role: role), x: rect.x, y: rect.y)
        setCell(Cell(glyphs.tr, role: role), x: right, y: rect.y)
        setCell(Cell(glyphs.bl, role: role), x: rect.x, y: bottom)
        setCell(Cell(glyphs.br, role: role), x: right, y: bottom)
        let edge = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
        if let title, !title.isEmpty, edge.width > 2 {
            put(
                TextFormat.truncate(" \(title) ", to: edge.width - 1), x: edge.x + 1, y: rect.y, role: titleRole,
                clip: edge)
        }
        if let footer, !footer.isEmpty, edge.width > 4 {
            let text = TextFormat.truncate(" \(footer) ", to: edge.width - 2)
            let width = CharacterWidth.of(text)
            let bottomEdge = Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1)
            put(text, x: bottomEdge.maxX - width - 1, y: bottom, role: footerRole, clip: bottomEdge)
        }
    }

    /// Stores one cell, blanking the other half of any wide grapheme it overwrites.
    private mutating func setCell(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
        let index = y * size.width + x
        let old = cells[index]
        if old.isContinuation, x > 0, !cell.isContinuation {
            cells[index - 1] = Cell(" ", role: cells[index - 1].role)
        }
        if !old.isContinuation, x + 1 < size.width, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(" ", role: cells[index + 1].role)
        }
        cells[index] = cell
    }

    /// Each row as text (continuation cells contribute nothing, so wide graphemes read naturally).
    package var textLines: [String] {
        (0..<size.height).map { y in
            var line = ""
            for cell in row(y) where !cell.isContinuation { line.append(cell.character) }
            return line
        }
    }

    /// Each row as one role letter per cell (see `StyleRole.letter`).
    package var roleLines: [String] {
        (0..<size.height).map { y in String(row(y).map(\.role.letter)) }
    }

    /// The text rows with a `|` after each, so trailing spaces are visible in snapshots.
    package var textSnapshot: String {
        textLines.map { $0 + "|" }.joined(separator: "\n")
    }

    /// True when any row contains `text`.
    package func contains(_ text: String) -> Bool {
        textLines.contains { $0.contains(text) }
    }

    /// The index of the first row containing `text`, if any.
    package func rowIndex(containing text: String) -> Int? {
        textLines.firstIndex { $0.contains(text) }
    }
}

/// One column of a table: its title, the widths it may take, and how readily it is dropped when space is short.
///
/// A column is as wide as its widest cell (or title), between `minimumWidth` and `maximumWidth`; columns
/// that matter more get their width first, and what is left widens the flexible column up to its maximum.
struct TableColumn: Sendable {
    var title: String
    var minimumWidth: Int
    var maximumWidth: Int
    /// Lower numbers matter more; narrow screens drop the highest numbers first.
    var priority: Int
    var alignRight = false
    /// The column that takes spare width (up to its maximum).
    var isFlexible = false

    init(
        title: String, minimumWidth: Int, maximumWidth: Int, priority: Int, alignRight: Bool = false,
        isFlexible: Bool = false
    ) {
        self.title = title
        self.minimumWidth = minimumWidth
        self.maximumWidth = max(minimumWidth, maximumWidth)
        self.priority = priority
        self.alignRight = alignRight
        self.isFlexible = isFlexible
    }
}

/// One cell of a table row; a nil role uses the row's role.
struct TableCell: Sendable {
    var text: String
    var role: StyleRole?
    /// A shorter form shown instead of truncating when `text` does not fit (an id's prefix).
    var compact: String?

    init(_ text: String, role: StyleRole? = nil, compact: String? = nil) {
        self.text = TextSanitizer.singleLine(text)
        self.role = role
        self.compact = compact
    }

    /// The text to show in `width` cells.
    func shown(in width: Int) -> String {
        if let compact, CharacterWidth.of(text) > width { return compact }
        return text
    }
}

/// A table with a header, a selection, marks and column dropping for narrow screens; draws inside a box.
struct TableView: Sendable {
    var columns: [TableColumn]
    var rows: [[TableCell]]
    var selectedRow: Int?
    var markedRows: Set<Int> = []
    var isFocused: Bool
    var emptyMessage: String

    /// The width of the gutter before the first column: selection arrow and mark.
    static let gutter = 2

    /// Draws into `area`; returns the range of rows shown.
    @discardableResult
    func render(in area: Rect, grid: inout ScreenGrid) -> Range<Int> {
        guard area.height > 0, area.width > Self.gutter else { return 0..<0 }
        let widths = fittedWidths(available: area.width - Self.gutter)
        var x = area.x + Self.gutter
        for (index, column) in columns.enumerated() {
            guard let width = widths[index] else { continue }
            grid.put(
                TextFormat.fit(column.title, to: width, alignRight: column.alignRight), x: x, y: area.y,
                role: .tableHeader, clip: area)
            x += width + 1
        }
        grid.paint(Rect(x: area.x, y: area.y, width: area.width, height: 1), role: .tableHeader)
        let visibleCount = area.height - 1
        guard !rows.isEmpty else {
            if visibleCount > 0 {
                grid.put(
                    TextFormat.truncate(emptyMessage, to: area.width - 2), x: area.x + 2, y: area.y + 1,
                    role: .dim, clip: area)
            }
            return 0..<0
        }
        guard visibleCount > 0 else { return 0..<0 }
        // Keep the selection on screen: scroll just enough to show it at the bottom.
        let selected = selectedRow ?? 0
        let first = selected >= visibleCount ? selected - visibleCount + 1 : 0
        let shown = first..<min(rows.count, first + visibleCount)
        for rowIndex in shown {
            let y = area.y + 1 + rowIndex - first
            let isSelected = rowIndex == selectedRow
            let isMarked = markedRows.contains(rowIndex)
            let rowRole: StyleRole =
                isSelected ? (isFocused ? .selected : .selectedUnfocused) : isMarked ? .marked : .normal
            grid.fill(Rect(x: area.x, y: y, width: area.width, height: 1), role: rowRole)
            grid.put(isSelected ? "▸" : " ", x: area.x, y: y, role: rowRole, clip: area)
            grid.put(
                isMarked ? "*" : " ", x: area.x + 1, y: y, role: isMarked && !isSelected ? .marked : rowRole,
                clip: area)
            var cellX = area.x + Self.gutter
            for (index, column) in columns.enumerated() {
                guard let width = widths[index] else { continue }
                let cell = index < rows[rowIndex].count ? rows[rowIndex][index] : TableCell("")
                let role = isSelected ? rowRole : (cell.role ?? rowRole)
                grid.put(
                    TextFormat.fit(cell.shown(in: width), to: width, alignRight: column.alignRight), x: cellX, y: y,
                    role: role, clip: area)
                cellX += width + 1
            }
        }
        return shown
    }

    /// The width of each column, or nil for columns dropped to fit `available` cells.
    func fittedWidths(available: Int) -> [Int?] {
        // Keep the most important columns whose minimum widths (plus one-cell gaps) fit.
        var kept = Set<Int>()
        var used = 0
        let byPriority = columns.indices.sorted { columns[$0].priority < columns[$1].priority }
        for index in byPriority {
            let cost = columns[index].minimumWidth + (kept.isEmpty ? 0 : 1)
            if used + cost <= available {
                kept.insert(index)
                used += cost
            }
        }
        var widths: [Int?] = columns.indices.map { kept.contains($0) ? columns[$0].minimumWidth : nil }
        var spare = available - used
        // Then each kept column, most important first, grows towards what its cells need: a Slurm user
        // reads the job id, status and time left whole before any column is padded.
        for index in byPriority where kept.contains(index) && spare > 0 {
            guard let width = widths[index] else { continue }
            let wanted = min(columns[index].maximumWidth, contentWidth(of: index))
            let grow = min(spare, max(0, wanted - width))
            widths[index] = width + grow
            spare -= grow
        }
        // Spare room goes to the flexible column, up to its maximum; the rest stays blank on the right.
        if spare > 0, let flexible = columns.indices.first(where: { kept.contains($0) && columns[$0].isFlexible }),
            let width = widths[flexible]
        {
            widths[flexible] = width + min(spare, max(0, columns[flexible].maximumWidth - width))
        }
        return widths
    }

    /// The widest text of column `index`: its title or any cell in full.
    private func contentWidth(of index: Int) -> Int {
        var widest = CharacterWidth.of(columns[index].title)
        for row in rows where index < row.count {
            widest = max(widest, CharacterWidth.of(row[index].text))
        }
        return widest
    }
}

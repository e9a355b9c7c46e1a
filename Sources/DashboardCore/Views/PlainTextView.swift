/// The plain view: one node's conversation on the whole screen, no borders, no wrapping, for mouse selection.
///
/// A terminal copies what a selection covers, so wrapped lines would come out broken and boxes would come
/// along; here every line of the agent's text is one row, cut at the right edge (h/l scroll sideways).
struct PlainTextView {
    let state: DashboardState
    let position: PlainViewPosition

    func render(in screen: Rect, grid: inout ScreenGrid) {
        grid.fill(screen, role: .normal)
        let lines = state.plainViewLines(position)
        let height = state.plainViewHeight
        let first = position.firstLine ?? max(0, lines.count - height)
        let area = Rect(x: screen.x, y: screen.y, width: screen.width, height: height)
        for (offset, line) in lines.dropFirst(first).prefix(height).enumerated() {
            grid.put(
                Self.dropCells(position.column, of: line.text), x: area.x, y: area.y + offset, role: line.role,
                clip: area)
        }
        if lines.isEmpty {
            grid.put("No output yet.", x: area.x, y: area.y, role: .dim, clip: area)
        }
        let status = Rect(x: screen.x, y: screen.maxY - 1, width: screen.width, height: 1)
        grid.fill(status, role: .statusBar)
        let node = state.swarms[position.node.swarmID]?.nodes[position.node.nodeID]
        var title = (position.showsDiff ? " diff of" : "") + " node \(position.node.nodeID)"
        if let host = node?.hostname { title += " · \(host)" }
        let last = min(lines.count, first + height)
        title += " · lines \(lines.isEmpty ? 0 : first + 1)–\(last) of \(lines.count)"
        if position.column > 0 { title += " · from column \(position.column + 1)" }
        title += position.firstLine == nil ? " · following" : " · paused"
        let hints =
            position.showsDiff
            ? "  Esc close  j/k scroll  h/l sideways " : "  Esc close  j/k scroll  h/l sideways  y copy turn  Y export "
        let x = grid.put(
            TextFormat.truncate(title, to: status.width), x: status.x, y: status.y, role: .statusBar, clip: status)
        if x + CharacterWidth.of(hints) <= status.maxX {
            grid.put(hints, x: status.maxX - CharacterWidth.of(hints), y: status.y, role: .hintKey, clip: status)
        }
    }

    /// `text` without its first `cells` cells (a wide character cut in half is dropped whole).
    static func dropCells(_ cells: Int, of text: String) -> Substring {
        guard cells > 0 else { return text[...] }
        var used = 0
        var index = text.startIndex
        while index < text.endIndex, used < cells {
            used += CharacterWidth.of(text[index])
            index = text.index(after: index)
        }
        return text[index...]
    }
}

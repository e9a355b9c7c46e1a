/// The node table of the selected swarm: state, prompt delivery, current injection, turn time, idle time, tokens.
struct NodeTableView {
    let state: DashboardState

    /// From this width on the table spells out states and shows the agent column.
    static let wideWidth = 100

    func render(in rect: Rect, grid: inout ScreenGrid) {
        let isFocused = state.mode == .browse && state.focus == .nodes
        guard let swarm = state.selectedSwarm else {
            PaneFrame(title: "Nodes", isFocused: isFocused, isMonochrome: state.isMonochrome).render(
                in: rect, grid: &grid)
            grid.put(
                "Select a swarm to see its nodes.", x: rect.x + 2, y: rect.y + 1, role: .dim, clip: rect.inset(by: 1))
            return
        }
        let nodes = state.visibleNodes(of: swarm)
        let marked = state.marks[swarm.id] ?? []
        var title = "Nodes · \(TextFormat.shortID(swarm.id.rawValue))"
        if !marked.isEmpty { title += " · \(marked.count) marked" }
        if !state.nodeFilter.isEmpty { title += " /\(state.nodeFilter.text)" }
        // A wide table spells out the state and shows the agent's version; a narrow one keeps the host readable.
        let isWide = rect.width >= Self.wideWidth
        var columns = [
            TableColumn(title: "#", minimumWidth: 2, maximumWidth: 4, priority: 0, alignRight: true),
            TableColumn(title: "HOST", minimumWidth: 6, maximumWidth: 32, priority: 2, isFlexible: true),
            TableColumn(title: "STATE", minimumWidth: 8, maximumWidth: isWide ? 20 : 8, priority: 1),
            TableColumn(title: "DELIVERY", minimumWidth: 11, maximumWidth: 11, priority: 3),
            TableColumn(title: "WORKING ON", minimumWidth: 10, maximumWidth: 10, priority: 7),
            TableColumn(title: "TURN", minimumWidth: 5, maximumWidth: 6, priority: 5, alignRight: true),
            TableColumn(title: "IDLE", minimumWidth: 4, maximumWidth: 6, priority: 6, alignRight: true),
            TableColumn(title: "TOKENS", minimumWidth: 6, maximumWidth: 6, priority: 4, alignRight: true),
        ]
        let showsAgent = isWide && swarm.nodes.values.contains { $0.agentVersion != nil }
        if showsAgent { columns.append(TableColumn(title: "AGENT", minimumWidth: 7, maximumWidth: 24, priority: 8)) }
        let rows = nodes.map { node -> [TableCell] in
            var cells = [
                TableCell(String(node.nodeID)),
                TableCell(node.hostname ?? "-"),
                TableCell(node.stateText, role: node.stateRole, compact: node.stateLabel),
                TableCell(node.inject?.label ?? "-", role: node.inject?.role),
                TableCell(node.injectionID.map { TextFormat.shortID($0.rawValue) } ?? "-"),
                TableCell(node.turnStartedAt.map { TextFormat.age(since: $0, now: state.now) } ?? "-"),
                TableCell(TextFormat.age(since: node.lastActivityAt, now: state.now)),
                TableCell(TextFormat.tokens(node.totalTokens)),
            ]
            if showsAgent { cells.append(TableCell(node.agentVersion ?? "-")) }
            return cells
        }
        let selectedIndex = state.focusedNodeIndex
        let markedRows = Set(nodes.indices.filter { marked.contains(nodes[$0].nodeID) })
        let table = TableView(
            columns: columns, rows: rows, selectedRow: selectedIndex, markedRows: markedRows, isFocused: isFocused,
            emptyMessage: state.nodeFilter.isEmpty ? "No nodes yet." : "No node matches the filter. Esc clears it.")
        let shown = table.render(in: rect.inset(by: 1), grid: &grid)
        let hidden = rows.count - shown.count
        PaneFrame(
            title: title, isFocused: isFocused, isMonochrome: state.isMonochrome,
            footer: hidden > 0 ? "\(shown.upperBound)/\(rows.count)" : nil
        ).render(in: rect, grid: &grid)
    }
}

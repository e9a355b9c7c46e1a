/// The swarm table: one row per swarm with provider, job, nodes, status, Slurm state, time left and tokens.
struct SwarmTableView {
    let state: DashboardState

    func render(in rect: Rect, grid: inout ScreenGrid) {
        let visible = state.visibleSwarms
        let isFocused = state.mode == .browse && state.focus == .swarms
        var title = "Swarms \(visible.count)"
        if visible.count != state.swarms.count { title = "Swarms \(visible.count)/\(state.swarms.count)" }
        if !state.swarmFilter.isEmpty { title += " /\(state.swarmFilter.text)" }
        let selectedIndex = state.selectedSwarmIndex
        let columns = [
            TableColumn(title: "SWARM", width: 10, minimumWidth: 8, priority: 0, isFlexible: true),
            TableColumn(title: "PROVIDER", width: 8, minimumWidth: 5, priority: 5),
            TableColumn(title: "JOB", width: 10, minimumWidth: 6, priority: 3),
            TableColumn(title: "NODES", width: 5, minimumWidth: 5, priority: 2, alignRight: true),
            TableColumn(title: "STATUS", width: 16, minimumWidth: 8, priority: 1),
            TableColumn(title: "SLURM", width: 10, minimumWidth: 7, priority: 4),
            TableColumn(title: "LEFT", width: 8, minimumWidth: 5, priority: 6, alignRight: true),
            TableColumn(title: "TOKENS", width: 7, minimumWidth: 6, priority: 7, alignRight: true),
        ]
        let rows = visible.map { swarm -> [TableCell] in
            [
                TableCell(swarm.id.rawValue, compact: TextFormat.shortID(swarm.id.rawValue)),
                TableCell(swarm.provider ?? "-"),
                TableCell(swarm.jobID?.rawValue ?? "-"),
                TableCell(String(swarm.nodeCount)),
                TableCell(swarm.statusLabel, role: swarm.statusRole),
                TableCell(swarm.slurmState ?? "-"),
                TableCell(swarm.timeLeft(now: state.now).map(TextFormat.clock(seconds:)) ?? "-"),
                TableCell(TextFormat.tokens(swarm.totalTokens)),
            ]
        }
        let empty =
            state.swarms.isEmpty
            ? (state.connection.isConnected ? "No swarms yet. Press n to launch one." : "Waiting for the router…")
            : "No swarm matches the filter. Esc clears it."
        let table = TableView(
            columns: columns, rows: rows, selectedRow: selectedIndex, isFocused: isFocused, emptyMessage: empty)
        let inner = rect.inset(by: 1)
        let shown = table.render(in: inner, grid: &grid)
        let hidden = rows.count - shown.count
        PaneFrame(
            title: title, isFocused: isFocused, isMonochrome: state.isMonochrome,
            footer: hidden > 0 ? "\(shown.upperBound)/\(rows.count)" : nil
        ).render(in: rect, grid: &grid)
    }
}

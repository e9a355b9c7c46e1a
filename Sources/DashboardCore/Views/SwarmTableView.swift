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
            TableColumn(title: "SWARM", minimumWidth: 8, maximumWidth: 36, priority: 0),
            TableColumn(title: "PROVIDER", minimumWidth: 5, maximumWidth: 8, priority: 5),
            TableColumn(title: "JOB", minimumWidth: 6, maximumWidth: 24, priority: 3),
            TableColumn(title: "NODES", minimumWidth: 5, maximumWidth: 5, priority: 2, alignRight: true),
            TableColumn(title: "STATUS", minimumWidth: 8, maximumWidth: 48, priority: 1, isFlexible: true),
            TableColumn(title: "SLURM", minimumWidth: 7, maximumWidth: 12, priority: 4),
            TableColumn(title: "LEFT", minimumWidth: 5, maximumWidth: 10, priority: 6, alignRight: true),
            TableColumn(title: "TOKENS", minimumWidth: 6, maximumWidth: 7, priority: 7, alignRight: true),
        ]
        // Swarm ids show as short prefixes (8 characters, more only where two would look alike), which is
        // what the CLI and the router accept as a swarm id.
        let labels = TextFormat.uniquePrefixes(of: visible.map(\.id.rawValue))
        let rows = visible.map { swarm -> [TableCell] in
            [
                TableCell(labels[swarm.id.rawValue] ?? swarm.id.rawValue),
                TableCell(swarm.provider?.rawValue ?? "-"),
                TableCell(swarm.jobID?.rawValue ?? "-"),
                TableCell(String(swarm.nodeCount)),
                TableCell(swarm.statusLabel, role: swarm.statusRole),
                TableCell(swarm.slurmState ?? "-"),
                timeLeftCell(swarm),
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

    /// The LEFT cell; under the router's walltime margin it gets a `!` (seen without colour) and the warning style.
    private func timeLeftCell(_ swarm: SwarmRow) -> TableCell {
        guard let left = swarm.timeLeft(now: state.now) else { return TableCell("-") }
        let clock = TextFormat.clock(seconds: left)
        return swarm.showsTimeWarning ? TableCell("!" + clock, role: .warning) : TableCell(clock)
    }
}

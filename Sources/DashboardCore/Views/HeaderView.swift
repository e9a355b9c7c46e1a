/// The top row: the product name and a summary of the selected swarm, or a flash message over it.
struct HeaderView {
    let state: DashboardState
    let layout: ScreenLayout

    func render(in rect: Rect, grid: inout ScreenGrid) {
        grid.fill(rect, role: .headerBar)
        let x = grid.put(" codeswarm ", x: rect.x, y: rect.y, role: .headerBar, clip: rect)
        let rest = Rect(x: x, y: rect.y, width: rect.maxX - x, height: 1)
        if let flash = state.flash {
            let role: StyleRole = flash.isError ? .flashError : .flashInfo
            let text = " " + (flash.isError ? "✗ " : "") + TextSanitizer.singleLine(flash.text) + " "
            grid.fill(rest, role: role)
            grid.put(TextFormat.truncate(text, to: rest.width), x: rest.x, y: rest.y, role: role, clip: rest)
            return
        }
        grid.put(TextFormat.truncate(summary, to: rest.width), x: rest.x, y: rest.y, role: .headerBar, clip: rest)
    }

    /// `2 swarms │ 1a2b3c4d: 16 nodes · 12 working · 1 approval · 45.1k tokens │ panes 1–4 of 16`.
    private var summary: String {
        var text = " \(state.swarms.count) swarm\(state.swarms.count == 1 ? "" : "s")"
        guard let swarm = state.selectedSwarm else { return text }
        let nodes = swarm.allNodes
        var counts: [String] = []
        for (label, count) in [
            ("working", nodes.filter { $0.state == .working }.count),
            ("idle", nodes.filter { $0.state == .idle }.count),
            ("approval", nodes.filter { $0.state == .waitingForApproval }.count),
            ("error", nodes.filter { $0.state == .error }.count),
            ("ended", nodes.filter { $0.state == .ended }.count),
        ] where count > 0 {
            counts.append("\(count) \(label)")
        }
        text += " │ \(TextFormat.shortID(swarm.id.rawValue)): \(swarm.nodeCount) nodes"
        // Which panes the split view shows comes first: it is what a narrow header must not cut off.
        if state.isSplit, layout.splitRange.total > layout.panes.count, !layout.panes.isEmpty {
            let first = layout.splitRange.first + 1
            text += " │ panes \(first)–\(first + layout.panes.count - 1) of \(layout.splitRange.total) │"
        }
        if !counts.isEmpty { text += " · " + counts.joined(separator: " · ") }
        if let tokens = swarm.totalTokens { text += " · \(TextFormat.tokens(tokens)) tokens" }
        return text
    }
}

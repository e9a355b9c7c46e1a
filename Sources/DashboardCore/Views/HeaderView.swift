/// The top row: the product name and a summary of the selected swarm, or a message over it.
///
/// Messages are a flash (for a few seconds) or, while the router link is down or silent, why; text that
/// does not fit ends with a pointer to the messages overlay, which shows it whole.
struct HeaderView {
    let state: DashboardState
    let layout: ScreenLayout

    /// What ends a message cut to fit.
    static let moreHint = " … ! shows all "

    func render(in rect: Rect, grid: inout ScreenGrid) {
        grid.fill(rect, role: .headerBar)
        var x = grid.put(" codeswarm ", x: rect.x, y: rect.y, role: .headerBar, clip: rect)
        // What waits for a person stays in view whatever else the header says.
        let waiting = state.approvals.openCount
        if waiting > 0 {
            let key = state.binding(for: .showApprovals).map { " · \($0)" } ?? ""
            x = grid.put(
                " ⚑ \(waiting) approval\(waiting == 1 ? "" : "s")\(key) ", x: x, y: rect.y, role: .attention, clip: rect
            )
        }
        if let warning = timeWarning {
            // The walltime warning stays in view too: its own segment in the warning style (bold under NO_COLOR),
            // with a `!` that reads without any style.
            x = grid.put(warning, x: x, y: rect.y, role: .warning, clip: rect)
        }
        let rest = Rect(x: x, y: rect.y, width: max(0, rect.maxX - x), height: 1)
        if let (message, isError) = message {
            let role: StyleRole = isError ? .flashError : .flashInfo
            var text = " " + (isError ? "✗ " : "") + TextSanitizer.singleLine(message) + " "
            if CharacterWidth.of(text) > rest.width, rest.width > CharacterWidth.of(Self.moreHint) + 8 {
                text = TextFormat.truncate(text, to: rest.width - CharacterWidth.of(Self.moreHint)) + Self.moreHint
            }
            grid.fill(rest, role: role)
            grid.put(TextFormat.truncate(text, to: rest.width), x: rest.x, y: rest.y, role: role, clip: rest)
            return
        }
        grid.put(TextFormat.truncate(summary, to: rest.width), x: rest.x, y: rest.y, role: .headerBar, clip: rest)
    }

    /// ` ! 8m left: ending soon ` while the selected swarm is under the router's walltime margin.
    private var timeWarning: String? {
        guard let swarm = state.selectedSwarm, swarm.showsTimeWarning,
            let left = swarm.timeLeft(now: state.now)
        else { return nil }
        return " ! \(TextFormat.duration(seconds: left)) left: ending soon "
    }

    /// The flash, else the reason the router is unreachable or silent, else nothing.
    private var message: (String, Bool)? {
        if let flash = state.flash { return (flash.text, flash.isError) }
        switch state.connection {
        case .disconnected(let reason, _):
            return ("No link to the router: \(reason)", true)
        case .connected where state.heartbeat.isSilent:
            return ("The router does not answer (stopped or overloaded?); waiting for it.", true)
        default:
            return nil
        }
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
        // The walltime a Slurm job has left, counted down between refreshes: what decides whether to steer or wrap up.
        if let left = swarm.timeLeft(now: state.now), !swarm.showsTimeWarning {
            text += " · \(TextFormat.duration(seconds: left)) left"
        }
        return text
    }
}

/// The prompt line above the status bar: target, text and cursor; it doubles as the filter line.
struct PromptLineView {
    let state: DashboardState

    /// Draws the line and returns the cursor position when it has the keyboard.
    func render(in rect: Rect, grid: inout ScreenGrid) -> Point? {
        grid.fill(rect, role: .normal)
        if state.mode == .palette {
            let x = grid.put(":", x: rect.x, y: rect.y, role: .promptLabel, clip: rect)
            let area = Rect(x: x, y: rect.y, width: rect.maxX - x, height: 1)
            return TextFieldView(
                field: state.palette.editor.field, role: .input,
                placeholder: "a command: inject, launch, terminate, filter, quit… · Tab completes · Esc closes",
                hasCursor: true
            ).render(in: area, grid: &grid)
        }
        if state.mode == .filter {
            let what = state.filterTarget == .swarms ? "swarms" : "nodes"
            let x = grid.put("/ filter \(what): ", x: rect.x, y: rect.y, role: .promptLabel, clip: rect)
            let field = state.filterTarget == .swarms ? state.swarmFilter : state.nodeFilter
            let area = Rect(x: x, y: rect.y, width: rect.maxX - x, height: 1)
            return TextFieldView(field: field, role: .input, placeholder: "type to filter", hasCursor: true)
                .render(in: area, grid: &grid)
        }
        let isActive = state.mode == .prompt
        // The steer/queue choice is part of what Enter does, so it is shown next to the target.
        let label =
            "[\(state.targetLabel)] " + (state.selectedSwarm == nil ? "" : state.prompt.mode.rawValue + " ") + "› "
        let x = grid.put(label, x: rect.x, y: rect.y, role: isActive ? .promptLabel : .dim, clip: rect)
        let summary = deliverySummary
        let summaryWidth = summary.isEmpty ? 0 : CharacterWidth.of(summary) + 1
        let fieldWidth = rect.maxX - x - (summaryWidth > 0 && summaryWidth * 3 < rect.maxX - x ? summaryWidth : 0)
        let area = Rect(x: x, y: rect.y, width: fieldWidth, height: 1)
        let placeholder =
            isActive
            ? "type a prompt · Enter sends · Tab changes the target · Esc leaves"
            : (state.selectedSwarm == nil ? "launch a swarm with n" : "press i to type a prompt")
        let cursor = TextFieldView(
            field: state.prompt.field, role: isActive ? .input : .dim, placeholder: placeholder, hasCursor: isActive
        ).render(in: area, grid: &grid)
        if area.maxX < rect.maxX, !summary.isEmpty {
            grid.put(summary, x: rect.maxX - CharacterWidth.of(summary), y: rect.y, role: .dim, clip: rect)
        }
        return cursor
    }

    /// Where the target nodes' latest prompts stand: `2 delivered · 1 failed`.
    private var deliverySummary: String {
        guard let swarm = state.selectedSwarm, case .success(let recipients) = state.promptRecipients() else {
            return ""
        }
        var counts: [(String, Int)] = [("sending", 0), ("acked", 0), ("delivered", 0), ("failed", 0)]
        for nodeID in recipients.nodeIDs {
            switch swarm.nodes[nodeID]?.inject {
            case .sending: counts[0].1 += 1
            case .acknowledged: counts[1].1 += 1
            case .delivered: counts[2].1 += 1
            case .failed: counts[3].1 += 1
            case nil: break
            }
        }
        return counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: " · ")
    }
}

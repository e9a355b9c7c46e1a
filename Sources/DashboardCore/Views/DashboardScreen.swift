/// Renders a whole state into a grid: the one entry point from state to pixels.
package enum DashboardScreen {
    /// The frame for `state` at its current size.
    package static func render(_ state: DashboardState) -> ScreenGrid {
        var grid = ScreenGrid(size: state.size)
        let layout = ScreenLayout(state: state)
        if layout.isTooSmall {
            renderTooSmall(state.size, grid: &grid)
            return grid
        }
        if case .plainView(let position) = state.mode {
            PlainTextView(state: state, position: position).render(in: grid.bounds, grid: &grid)
            return grid
        }
        HeaderView(state: state, layout: layout).render(in: layout.header, grid: &grid)
        SwarmTableView(state: state).render(in: layout.swarms, grid: &grid)
        if let nodes = layout.nodes { NodeTableView(state: state).render(in: nodes, grid: &grid) }
        let focusedID = state.focusedNode?.nodeID
        let outputFocused = state.mode == .browse && state.focus == .output
        if let output = layout.output {
            if let node = state.focusedNode {
                ResponsePaneView(state: state, node: node, isFocused: outputFocused, isCompact: false)
                    .render(in: output, grid: &grid)
            } else {
                PaneFrame(title: "Responses", isFocused: outputFocused, isMonochrome: state.isMonochrome)
                    .render(in: output, grid: &grid)
            }
        } else if let swarm = state.selectedSwarm {
            for pane in layout.panes {
                let node = swarm.nodes[pane.nodeID] ?? NodeRow(nodeID: pane.nodeID)
                ResponsePaneView(
                    state: state, node: node, isFocused: outputFocused && pane.nodeID == focusedID, isCompact: true
                ).render(in: pane.rect, grid: &grid)
            }
        }
        if layout.panes.isEmpty, layout.output == nil, layout.nodes == nil {
            PaneFrame(title: "Responses", isFocused: false, isMonochrome: state.isMonochrome)
                .render(in: layout.main, grid: &grid)
        }
        grid.cursor = PromptLineView(state: state).render(in: layout.prompt, grid: &grid)
        StatusBarView(state: state).render(in: layout.status, grid: &grid)
        switch state.mode {
        case .help:
            HelpOverlayView(state: state).render(in: grid.bounds, grid: &grid)
            grid.cursor = nil
        case .confirm(let dialog):
            ConfirmDialogView(dialog: dialog).render(in: grid.bounds, grid: &grid)
            grid.cursor = nil
        case .launch(let form):
            grid.cursor = LaunchFormView(form: form).render(in: grid.bounds, grid: &grid)
        case .messages:
            MessagesOverlayView(state: state).render(in: grid.bounds, grid: &grid)
            grid.cursor = nil
        case .approvals:
            ApprovalsOverlayView(state: state).render(in: grid.bounds, grid: &grid)
            grid.cursor = nil
        case .palette:
            PaletteView(state: state).render(above: layout.prompt.y, in: grid.bounds, grid: &grid)
        case .browse, .prompt, .filter, .plainView:
            break
        }
        return grid
    }

    private static func renderTooSmall(_ size: ScreenSize, grid: inout ScreenGrid) {
        let minimum = ScreenLayout.minimumSize
        let lines = ["Terminal too small: \(size).", "The dashboard needs \(minimum).", "q quits."]
        for (offset, line) in lines.enumerated() {
            grid.put(line, x: 0, y: offset, role: offset == 0 ? .error : .normal)
        }
    }
}

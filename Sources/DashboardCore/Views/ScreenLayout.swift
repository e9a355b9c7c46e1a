/// Where every part of the screen goes for a state, recomputed each frame from the size (no stale geometry).
///
/// Rows from the top: a header bar, the swarm table, the main area (node table and one response pane,
/// or the split view's grid of panes), the prompt line and the status bar.
package struct ScreenLayout: Sendable {
    /// One response pane of the split view.
    package struct Pane: Sendable, Hashable {
        package var nodeID: Int
        package var rect: Rect
    }

    /// The smallest screen the dashboard draws; below it a message asks for a bigger terminal.
    package static let minimumSize = ScreenSize(width: 40, height: 10)
    /// The split view's smallest pane.
    package static let minimumPaneSize = ScreenSize(width: 36, height: 6)

    package var isTooSmall: Bool
    package var header: Rect
    package var swarms: Rect
    package var main: Rect
    /// The node table (nil in the split view).
    package var nodes: Rect?
    /// The single response pane (nil in the split view).
    package var output: Rect?
    /// The split view's panes, in node order.
    package var panes: [Pane]
    /// Which slice of the split nodes the panes show: first index, and the total.
    package var splitRange: (first: Int, total: Int)
    package var prompt: Rect
    package var status: Rect

    package init(state: DashboardState) {
        let screen = Rect(size: state.size)
        isTooSmall = state.size.width < Self.minimumSize.width || state.size.height < Self.minimumSize.height
        let rows = Layout.split(screen, .vertical, [.fixed(1), .fill(1), .fixed(1), .fixed(1)])
        header = rows[0]
        prompt = rows[2]
        status = rows[3]
        let body = rows[1]
        // The swarm table grows with its rows, up to a third of the body; the rest is the main area.
        let wanted = max(state.visibleSwarms.count, 1) + 3
        let swarmHeight = min(max(4, wanted), max(4, body.height / 3))
        let parts = Layout.split(body, .vertical, [.fixed(swarmHeight), .fill(1)])
        swarms = parts[0]
        main = parts[1]
        panes = []
        splitRange = (0, 0)
        nodes = nil
        output = nil
        if state.isSplit {
            layOutSplit(state: state)
        } else if main.width >= 70 {
            let nodeWidth = min(max(36, main.width * 9 / 20), 76)
            let columns = Layout.split(main, .horizontal, [.fixed(nodeWidth), .fill(1)])
            nodes = columns[0]
            output = columns[1]
        } else if main.height >= 12 {
            let stacked = Layout.split(main, .vertical, [.percent(45), .fill(1)])
            nodes = stacked[0]
            output = stacked[1]
        } else if state.focus == .output {
            // Too short to stack both usefully: show whichever pane has the focus.
            output = main
        } else {
            nodes = main
        }
    }

    /// The grid of the split view: as many panes as fit, on the page that holds the focused node.
    private mutating func layOutSplit(state: DashboardState) {
        let nodes = state.splitNodes
        guard !nodes.isEmpty, !main.isEmpty else { return }
        let maxColumns = max(1, main.width / Self.minimumPaneSize.width)
        let maxRows = max(1, main.height / Self.minimumPaneSize.height)
        let capacity = maxColumns * maxRows
        let focusedIndex = nodes.firstIndex { $0.nodeID == state.focusedNode?.nodeID } ?? 0
        let first = focusedIndex / capacity * capacity
        let shown = Array(nodes[first..<min(nodes.count, first + capacity)])
        splitRange = (first, nodes.count)
        // As few rows as the width allows, then as few columns as those rows need, so rows come out even.
        let rowCount = (shown.count + maxColumns - 1) / maxColumns
        let columns = (shown.count + rowCount - 1) / rowCount
        let rowRects = Layout.split(main, .vertical, Array(repeating: .fill(1), count: rowCount))
        var index = 0
        for rowRect in rowRects {
            let inRow = min(columns, shown.count - index)
            let cells = Layout.split(rowRect, .horizontal, Array(repeating: .fill(1), count: inRow))
            for cell in cells {
                panes.append(Pane(nodeID: shown[index].nodeID, rect: cell))
                index += 1
            }
        }
    }

    /// The response pane showing `nodeID`: the split view's pane, or the single pane (which shows the focused node).
    package func paneRect(for nodeID: Int) -> Rect? {
        if let output { return output }
        if let pane = panes.first(where: { $0.nodeID == nodeID }) { return pane.rect }
        // A narrow screen showing only the node table still scrolls the pane as it would appear.
        return nodes == nil ? nil : main
    }
}

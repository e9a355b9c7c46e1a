import CodeswarmProtocol
import Foundation

/// Derived lists and the current selection: what the tables show and which row is chosen.
extension DashboardState {
    /// Every swarm, active ones first, newest first within each group.
    package var orderedSwarms: [SwarmRow] { Array(swarms.values) }

    /// True when `left` comes before `right` in the swarm table.
    static func isListedBefore(_ left: SwarmRow, _ right: SwarmRow) -> Bool {
        if left.isActive != right.isActive { return left.isActive }
        let leftDate = left.createdAt ?? .distantPast
        let rightDate = right.createdAt ?? .distantPast
        if leftDate != rightDate { return leftDate > rightDate }
        return left.id < right.id
    }

    /// Restores table order after router events; most events (a stream's deltas) change nothing, so it checks first.
    mutating func keepSwarmsInOrder() {
        let values = swarms.values
        guard zip(values, values.dropFirst()).contains(where: { !Self.isListedBefore($0, $1) }) else { return }
        swarms.sort { Self.isListedBefore($0.value, $1.value) }
    }

    /// The swarms that pass the swarm filter, in table order.
    package var visibleSwarms: [SwarmRow] {
        let needle = swarmFilter.text.lowercased()
        guard !needle.isEmpty else { return orderedSwarms }
        return orderedSwarms.filter { swarm in
            [
                swarm.id.rawValue, swarm.provider?.rawValue ?? "", swarm.jobID?.rawValue ?? "", swarm.statusLabel,
                swarm.slurmState ?? "", swarm.partition ?? "",
            ]
            .contains { $0.lowercased().contains(needle) }
        }
    }

    /// The selected swarm, if it is visible; otherwise the first visible one.
    package var selectedSwarm: SwarmRow? {
        let visible = visibleSwarms
        if let id = selectedSwarmID, let swarm = visible.first(where: { $0.id == id }) { return swarm }
        return visible.first
    }

    /// The nodes of `swarm` that pass the node filter, by node id.
    package func visibleNodes(of swarm: SwarmRow) -> [NodeRow] {
        let needle = nodeFilter.text.lowercased()
        guard !needle.isEmpty else { return swarm.allNodes }
        return swarm.allNodes.filter { node in
            [String(node.nodeID), node.hostname ?? "", node.stateLabel, node.inject?.label ?? ""]
                .contains { $0.lowercased().contains(needle) }
        }
    }

    /// The focused node of the selected swarm: the remembered one if visible, else the first visible.
    package var focusedNode: NodeRow? {
        guard let swarm = selectedSwarm else { return nil }
        let nodes = visibleNodes(of: swarm)
        if let id = selectedNodes[swarm.id], let node = nodes.first(where: { $0.nodeID == id }) { return node }
        return nodes.first
    }

    /// The focused node's key, for its transcript and scroll position.
    package var focusedNodeKey: NodeKey? {
        guard let swarm = selectedSwarm, let node = focusedNode else { return nil }
        return NodeKey(swarm.id, node.nodeID)
    }

    /// The marked nodes of the selected swarm, sorted.
    package var markedNodeIDs: [Int] {
        guard let swarm = selectedSwarm else { return [] }
        return (marks[swarm.id] ?? []).sorted()
    }

    /// The nodes the split view shows: the marked ones if any, else every visible node.
    package var splitNodes: [NodeRow] {
        guard let swarm = selectedSwarm else { return [] }
        let visible = visibleNodes(of: swarm)
        let marked = Set(markedNodeIDs)
        if marked.isEmpty { return visible }
        let chosen = visible.filter { marked.contains($0.nodeID) }
        return chosen.isEmpty ? visible : chosen
    }

    /// Rows moved by PgUp/PgDn: the visible rows of the focused pane, less one for context.
    var pageSize: Int {
        let layout = ScreenLayout(state: self)
        switch keyContext {
        case .swarms: return max(1, layout.swarms.height - 4)
        case .nodes: return max(1, (layout.nodes?.height ?? 6) - 4)
        case .help, .messages: return max(1, layout.main.height - 2)
        case .plainView: return max(1, plainViewHeight - 1)
        default:
            guard let key = focusedNodeKey, let pane = layout.paneRect(for: key.nodeID) else { return 10 }
            return max(1, pane.height - 3)
        }
    }

    /// Selects the swarm at `index` of the visible list (clamped).
    mutating func selectSwarm(at index: Int) {
        let visible = visibleSwarms
        guard !visible.isEmpty else { return }
        selectedSwarmID = visible[min(max(0, index), visible.count - 1)].id
    }

    /// Focuses the node at `index` of the visible nodes (clamped).
    mutating func selectNode(at index: Int) {
        guard let swarm = selectedSwarm else { return }
        let nodes = visibleNodes(of: swarm)
        guard !nodes.isEmpty else { return }
        selectedNodes[swarm.id] = nodes[min(max(0, index), nodes.count - 1)].nodeID
    }

    /// The index of the selected swarm in the visible list.
    var selectedSwarmIndex: Int? {
        guard let id = selectedSwarm?.id else { return nil }
        return visibleSwarms.firstIndex { $0.id == id }
    }

    /// The index of the focused node in the visible nodes.
    var focusedNodeIndex: Int? {
        guard let swarm = selectedSwarm, let node = focusedNode else { return nil }
        return visibleNodes(of: swarm).firstIndex { $0.nodeID == node.nodeID }
    }
}

import CodeswarmProtocol

/// Interrupting running turns (`swarm_interrupt`) and the prompt line's steer/queue choice.
extension DashboardState {
    /// `x`: interrupts the running turn of the prompt's target nodes (focused, marked or all), asking first
    /// when they are several.
    mutating func interruptTarget() -> [DashboardEffect] {
        switch promptRecipients() {
        case .success(let recipients): return requestInterrupt(recipients)
        case .failure(let problem):
            showFlash(problem.message, isError: true)
            return []
        }
    }

    /// `X`: interrupts the running turn of every node of the selected swarm (asking first).
    mutating func interruptSwarm() -> [DashboardEffect] {
        switch promptRecipients(overriding: .all) {
        case .success(let recipients): return requestInterrupt(recipients, alwaysAsk: true)
        case .failure(let problem):
            showFlash(problem.message, isError: true)
            return []
        }
    }

    /// Sends the interrupt, or first asks once (y/n) when it stops more than one node.
    mutating func requestInterrupt(_ recipients: PromptRecipients, alwaysAsk: Bool = false) -> [DashboardEffect] {
        let pending = PendingInterrupt(
            swarmID: recipients.swarm.id, selection: recipients.selection, nodeIDs: recipients.nodeIDs)
        guard recipients.nodeIDs.count > 1, confirmsMultiNodeSends || alwaysAsk else {
            return dispatchInterrupt(pending)
        }
        let nodes = recipients.selection == .all ? "all \(pending.nodeIDs.count) nodes" : "nodes " + pending.nodeList
        mode = .confirm(
            ConfirmDialog(
                title: "Interrupt \(pending.nodeIDs.count) nodes?",
                message: "Interrupt the running turn of \(nodes) of swarm "
                    + "\(TextFormat.shortID(pending.swarmID.rawValue))? Each turn ends “interrupted”; "
                    + "prompts queued on those nodes then run.",
                confirmLabel: "interrupt", pending: .interrupt(pending)))
        return []
    }

    /// Sends `swarm_interrupt` now.
    mutating func dispatchInterrupt(_ pending: PendingInterrupt) -> [DashboardEffect] {
        guard connection.isConnected else {
            showFlash("Not connected to the router: nothing was interrupted.", isError: true)
            return []
        }
        let requestID = ledger.open(.interrupt(pending.swarmID, nodes: pending.nodeIDs), at: now)
        showFlash(
            "Interrupting \(pending.nodeIDs.count == 1 ? "node" : "nodes") \(pending.nodeList) of "
                + "\(TextFormat.shortID(pending.swarmID.rawValue))…", isError: false)
        return [.send(.interrupt(swarmID: pending.swarmID, nodes: pending.selection), requestID: requestID)]
    }

    /// `interrupt_sent`: which nodes were asked to stop and which had nothing running.
    mutating func interruptSent(_ reply: InterruptSent) {
        let name = TextFormat.shortID(reply.swarmID.rawValue)
        var parts: [String] = []
        if !reply.nodes.isEmpty {
            parts.append("interrupt sent to node\(reply.nodes.count == 1 ? "" : "s") \(Self.list(reply.nodes))")
        }
        if !reply.idleNodes.isEmpty {
            parts.append(
                "node\(reply.idleNodes.count == 1 ? "" : "s") \(Self.list(reply.idleNodes)) had no turn running")
        }
        let text = parts.isEmpty ? "nothing to interrupt" : parts.joined(separator: "; ")
        showFlash("Swarm \(name): \(text).", isError: false)
    }

    /// Ctrl-T on the prompt line: steer a running turn (the default) or queue for the next turn.
    mutating func toggleInjectMode() {
        prompt.mode = prompt.mode == .steer ? .queue : .steer
    }

    /// `0, 2, 3`.
    static func list(_ nodes: [Int]) -> String { nodes.map(String.init).joined(separator: ", ") }
}

/// An interrupt waiting for its confirmation.
package struct PendingInterrupt: Sendable, Hashable {
    package var swarmID: SwarmID
    package var selection: NodeSelection
    package var nodeIDs: [Int]

    /// `0, 2, 3`.
    var nodeList: String { DashboardState.list(nodeIDs) }
}

import CodeswarmProtocol
import Foundation

/// Steering and interrupting running turns: `injection_routed` from the worker, the end of every injection that
/// joined a turn, and `swarm_interrupt`.
extension RouterCore {
    /// A worker's `injection_routed` line: tell clients, and end a steered injection whose turn is already over.
    mutating func injectionRouted(swarmID: SwarmID, nodeID: Int, record: OutboxRecord) {
        guard let injectionID = record.injectionID, let how = record.how else { return }
        let node = snapshot.swarms[known: swarmID].nodes[nodeID]
        let body = StreamEvent.Body.injectionRouted(how: how, reason: record.reason)
        snapshot.swarms[known: swarmID].nodes[nodeID].apply(
            body, injectionID: injectionID, turnID: record.turnID, at: now)
        emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, turnID: record.turnID, body)
        let turnIsOver = node.currentInjection == nil || node.turnID != record.turnID
        if how == "steered", turnIsOver, node.openInjections.contains(injectionID) {
            // The text joined a turn whose end was reported before this line: it ended with that turn.
            let end = StreamEvent.Body.turnComplete(status: "completed", error: nil)
            snapshot.swarms[known: swarmID].nodes[nodeID].apply(
                end, injectionID: injectionID, turnID: record.turnID, at: now)
            emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, turnID: record.turnID, end)
        }
    }

    /// The other injections a `turn_complete` for `injectionID` ends: the turn's starter and those steered into it.
    func turnGroup(swarmID: SwarmID, nodeID: Int, completing injectionID: InjectionID?, turnID: String?)
        -> [InjectionID]
    {
        let node = snapshot.swarms[known: swarmID].nodes[nodeID]
        guard turnID == nil || turnID == node.turnID else { return [] }
        let members = (node.currentInjection.map { [$0] } ?? []) + (node.steered ?? [])
        return members.filter { $0 != injectionID && node.openInjections.contains($0) }
    }

    /// Gives each injection of `group` its own `turn_complete`, like the one just emitted for the turn.
    mutating func completeTurnGroup(
        swarmID: SwarmID, nodeID: Int, group: [InjectionID], turnID: String?, status: String?, error: String?
    ) {
        for member in group {
            let end = StreamEvent.Body.turnComplete(status: status, error: error)
            snapshot.swarms[known: swarmID].nodes[nodeID].apply(end, injectionID: member, turnID: turnID, at: now)
            emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: member, turnID: turnID, end)
        }
    }

    /// `swarm_interrupt`: an `interrupt` line to each selected node that has a turn running or about to run.
    mutating func interrupt(swarmID: SwarmID, selection: NodeSelection, requestID: JSONValue, client: ClientID)
        -> String?
    {
        guard snapshot.swarms.keys.contains(swarmID) else { return unknownSwarm(swarmID) }
        let swarm = snapshot.swarms[known: swarmID]
        guard swarm.status == .running || swarm.status == .starting, swarm.jobID != nil else {
            return "swarm \(swarmID) is \(swarm.status.rawValue); there is no turn to interrupt"
        }
        let targets: [Int]
        switch selection.resolve(nodeCount: swarm.request.nodes) {
        case .success(let ids): targets = ids
        case .failure(let error):
            return "node \(error.nodeID) is out of range: swarm \(swarmID) has nodes 0-\(error.nodeCount - 1)"
        }
        var sent: [Int] = []
        var idle: [Int] = []
        for nodeID in targets {
            let node = swarm.nodes[nodeID]
            let busy =
                node.currentInjection != nil || !node.openInjections.isEmpty || node.appendInFlight != nil
                || !node.appendQueue.isEmpty
            guard node.isStarted, !node.isEnded, busy else {
                idle.append(nodeID)
                continue
            }
            enqueueControl(
                swarmID: swarmID, nodeID: nodeID, line: InboxLine(control: .interrupt), kind: .interrupt,
                injectionID: node.currentInjection, requestID: requestID)
            sent.append(nodeID)
        }
        effects.append(.persist)
        reply(
            to: client,
            .interruptSent(InterruptSent(requestID: requestID, swarmID: swarmID, nodes: sent, idleNodes: idle)))
        return nil
    }

    /// Queues a control line (`interrupt`, `approval`, `resync`) behind the node's other inbox appends.
    mutating func enqueueControl(
        swarmID: SwarmID, nodeID: Int, line: InboxLine, kind: InboxLine.Kind, injectionID: InjectionID?,
        requestID: JSONValue, approvalID: String? = nil
    ) {
        guard let text = try? WireCoding.encodeString(line) else { return }
        snapshot.lastAppendID += 1
        var append = PendingAppend(
            appendID: snapshot.lastAppendID, injectionID: injectionID ?? InjectionID(""), requestID: requestID,
            line: text)
        append.control = kind.rawValue
        append.approvalID = approvalID
        snapshot.swarms[known: swarmID].nodes[nodeID].appendQueue.append(append)
        sendNextAppend(swarmID: swarmID, nodeID: nodeID)
    }
}

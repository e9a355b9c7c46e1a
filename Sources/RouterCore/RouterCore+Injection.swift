import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// Queues `content` for the selected nodes; returns a rejection reason instead when it cannot.
    mutating func inject(
        swarmID: SwarmID, selection: NodeSelection, content: String, mode: InjectMode = .steer, requestID: JSONValue
    ) -> String? {
        guard snapshot.swarms.keys.contains(swarmID) else { return unknownSwarm(swarmID) }
        let swarm = snapshot.swarms[known: swarmID]
        switch swarm.status {
        case .terminated where swarm.resume?.scheduledAt != nil:
            break  // An automatic resume is due: the prompt is held for it.
        case .terminated where holdsInjections(swarm):
            return "swarm \(swarmID) has ended (\(swarm.endedReason ?? "terminated")); resume it with "
                + "`codeswarm resume \(swarmID)`, then inject"
        case .terminating, .terminated:
            return "swarm \(swarmID) is \(swarm.status.rawValue); launch a new swarm to continue"
        case .starting where swarm.jobID == nil && swarm.resume == nil:
            return "swarm \(swarmID) is still being submitted; retry once `codeswarm status \(swarmID)` shows a job id"
        case .starting, .running:
            break
        }
        let targets: [Int]
        switch selection.resolve(nodeCount: swarm.request.nodes) {
        case .success(let ids): targets = ids
        case .failure(let error):
            return "node \(error.nodeID) is out of range: swarm \(swarmID) has nodes 0-\(error.nodeCount - 1)"
        }
        if let ended = targets.first(where: { swarm.nodes[$0].isEnded && swarm.nodes[$0].holdsForResume != true }) {
            return "node \(ended) of swarm \(swarmID) has ended; target the running nodes"
        }
        for node in targets {
            enqueueInjection(swarmID: swarmID, nodeID: node, content: content, mode: mode, requestID: requestID)
            if swarm.nodes[node].isEnded, let held = snapshot.swarms[known: swarmID].nodes[node].appendQueue.last {
                // Its node is down (the job ends, or ended and resumes): held for the node's next worker.
                deferNotice(
                    swarmID: swarmID, nodeID: node,
                    held: HeldInjection(
                        injectionID: held.injectionID, requestID: held.requestID, appendID: held.appendID),
                    reason: swarm.endedReason ?? "its job ended")
            }
        }
        effects.append(.persist)
        return nil
    }

    /// Announces one injection (`inject_ack`) and queues its inbox append behind any in flight for that node.
    mutating func enqueueInjection(
        swarmID: SwarmID, nodeID: Int, content: String, mode: InjectMode = .steer, requestID: JSONValue
    ) {
        let injectionID = InjectionID(newID())
        let line: String
        do {
            line = try WireCoding.encodeString(InboxLine(userContent: content, injectionID: injectionID, mode: mode))
        } catch {
            broadcastJournaled { seq in
                .injectFailed(
                    InjectionEvent(
                        requestID: requestID, swarmID: swarmID, injectionID: injectionID, nodeID: nodeID,
                        error: "could not encode the prompt: \(error)", seq: seq))
            }
            return
        }
        broadcastJournaled { seq in
            .injectAck(
                InjectionEvent(
                    requestID: requestID, swarmID: swarmID, injectionID: injectionID, nodeID: nodeID, prompt: content,
                    seq: seq))
        }
        snapshot.lastAppendID += 1
        let append = PendingAppend(
            appendID: snapshot.lastAppendID, injectionID: injectionID, requestID: requestID, line: line)
        snapshot.swarms[known: swarmID].nodes[nodeID].appendQueue.append(append)
        sendNextAppend(swarmID: swarmID, nodeID: nodeID)
    }

    /// Sends the node's next queued append when none is in flight.
    mutating func sendNextAppend(swarmID: SwarmID, nodeID: Int) {
        var node = snapshot.swarms[known: swarmID].nodes[nodeID]
        // Nothing goes to a node that is down, or that resumes and has not reopened its thread yet.
        guard node.appendInFlight == nil, !node.appendQueue.isEmpty, !node.isEnded, node.awaitingThread != true,
            let jobID = snapshot.swarms[known: swarmID].jobID
        else { return }
        let append = node.appendQueue.removeFirst()
        node.appendInFlight = append
        snapshot.swarms[known: swarmID].nodes[nodeID] = node
        effects.append(
            .relay(
                site: Self.site(for: snapshot.swarms[known: swarmID].provider),
                .append(id: append.appendID, jobID: jobID, nodeID: nodeID, line: append.line)))
    }

    /// Re-sends every in-flight append of a site (a new relay started; the relay's append is idempotent).
    mutating func resendInFlightAppends(site: String) {
        for swarmID in snapshot.swarms.keys where Self.site(for: snapshot.swarms[known: swarmID].provider) == site {
            let swarm = snapshot.swarms[known: swarmID]
            guard swarm.isLive, let jobID = swarm.jobID else { continue }
            for node in swarm.nodes {
                if let append = node.appendInFlight {
                    effects.append(
                        .relay(
                            site: site, .append(id: append.appendID, jobID: jobID, nodeID: node.id, line: append.line)))
                } else {
                    sendNextAppend(swarmID: swarmID, nodeID: node.id)
                }
            }
        }
    }

    /// The relay answered an append: the injection is delivered (or failed), and the next one goes out.
    mutating func appendAnswered(appendID: Int, error: String?) {
        guard let (swarmID, nodeID, append) = appendInFlight(appendID) else { return }
        snapshot.swarms[known: swarmID].nodes[nodeID].appendInFlight = nil
        if append.control != nil {
            controlAppendAnswered(swarmID: swarmID, nodeID: nodeID, append: append, error: error)
        } else if let error {
            broadcastJournaled { seq in
                .injectFailed(
                    InjectionEvent(
                        requestID: append.requestID, swarmID: swarmID, injectionID: append.injectionID,
                        nodeID: nodeID, error: error, seq: seq))
            }
        } else {
            snapshot.swarms[known: swarmID].nodes[nodeID].openInjections.append(append.injectionID)
            noteDelivered(swarmID: swarmID, nodeID: nodeID, append: append)
            broadcastJournaled { seq in
                .injectDelivered(
                    InjectionEvent(
                        requestID: append.requestID, swarmID: swarmID, injectionID: append.injectionID,
                        nodeID: nodeID, seq: seq))
            }
        }
        sendNextAppend(swarmID: swarmID, nodeID: nodeID)
        effects.append(.persist)
    }

    /// The node whose in-flight append has id `appendID`, and that append.
    private func appendInFlight(_ appendID: Int) -> (SwarmID, Int, PendingAppend)? {
        for swarm in snapshot.swarms.values {
            for node in swarm.nodes {
                if let append = node.appendInFlight, append.appendID == appendID { return (swarm.id, node.id, append) }
            }
        }
        return nil
    }

    /// Fails every injection still queued or in flight on a node that ended, so no client waits forever.
    mutating func failPendingAppends(swarmID: SwarmID, nodeID: Int, reason: String) {
        var node = snapshot.swarms[known: swarmID].nodes[nodeID]
        let pending = (node.appendInFlight.map { [$0] } ?? []) + node.appendQueue
        node.appendInFlight = nil
        node.appendQueue = []
        snapshot.swarms[known: swarmID].nodes[nodeID] = node
        for append in pending where append.control == nil {
            broadcastJournaled { seq in
                .injectFailed(
                    InjectionEvent(
                        requestID: append.requestID, swarmID: swarmID, injectionID: append.injectionID, nodeID: nodeID,
                        error: reason, seq: seq))
            }
        }
    }
}

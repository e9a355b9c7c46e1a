import CodeswarmProtocol
import Foundation

/// Router replies, injection lifecycle events, the connection, and the periodic refresh.
extension DashboardState {
    /// Applies one router event.
    mutating func apply(_ event: RouterEvent) -> [DashboardEffect] {
        if holdForReplay(event) { return [] }
        let requestID = event.requestID?.stringValue
        switch event {
        case .swarmList(let reply):
            let isProbe = requestID.flatMap(ledger.purpose(of:)) == .heartbeat
            requestID.map { ledger.close($0) }
            return applyList(reply, forceStatus: !isProbe)
        case .swarmStatus(let reply):
            requestID.map { ledger.close($0) }
            swarms[reply.swarmID, default: SwarmRow(id: reply.swarmID)].apply(reply, now: now)
            lastStatusAt[reply.swarmID] = now
        case .swarmLaunched(let data):
            return launched(data, requestID: requestID)
        case .swarmLaunchProgress(let data):
            launchProgress(data, requestID: requestID)
        case .swarmTerminated(let data):
            terminated(data, requestID: requestID)
        case .swarmTerminateProgress(let data):
            swarms[data.swarmID]?.status = .terminating
            swarms[data.swarmID]?.progress = .terminate(TerminateStage(wire: data.stage))
        case .commandRejected(let data):
            return rejected(data, requestID: requestID)
        case .injectAck(let data):
            guard sequences.admit(data.seq) else { return [] }
            injection(data, status: .acknowledged(data.injectionID))
        case .injectDelivered(let data):
            guard sequences.admit(data.seq) else { return [] }
            injection(data, status: .delivered(data.injectionID))
        case .injectFailed(let data):
            guard sequences.admit(data.seq) else { return [] }
            let reason = data.error ?? "no reason given"
            injection(data, status: .failed(data.injectionID, reason: reason))
            transcripts[NodeKey(data.swarmID, data.nodeID), default: NodeTranscript()]
                .append(.error, "Prompt not delivered: \(reason)")
            showFlash(
                "Prompt to node \(data.nodeID) of \(TextFormat.shortID(data.swarmID.rawValue)) failed: \(reason)",
                isError: true)
        case .injectDeferred(let data):
            guard sequences.admit(data.seq) else { return [] }
            transcripts[NodeKey(data.swarmID, data.nodeID), default: NodeTranscript()]
                .append(.info, "Prompt held: \(data.error ?? "the node is down; it runs after the swarm resumes")")
        case .swarmResumed(let data):
            requestID.map { ledger.close($0) }
            swarms[data.swarmID]?.status = .running
            swarms[data.swarmID]?.progress = nil
            let fresh = data.nodes.filter { !$0.resumed }.map { String($0.nodeID) }
            showFlash(
                "Swarm \(TextFormat.shortID(data.swarmID.rawValue)) resumed on job \(data.jobID)"
                    + (fresh.isEmpty ? "" : "; node(s) \(fresh.joined(separator: ",")) started new threads"),
                isError: false)
        case .stream(let streamEvent):
            return applyStream(streamEvent)
        case .replayComplete(let data):
            sequences.advance(to: data.lastSeq)
            if let requestID {
                ledger.close(requestID)
                if requestID == replayRequestID { return finishReplay() }
            }
        case .notice(let notice):
            // The walltime warning names its swarm: mark the row now rather than at the next list refresh.
            if let id = notice.swarmID, NoticeLevel(wire: notice.level) != .info { swarms[id]?.isShortOfTime = true }
            showFlash(notice.message, isError: NoticeLevel(wire: notice.level) == .problem)
        case .approvalsList(let reply):
            requestID.map { ledger.close($0) }
            approvalsListed(reply)
        case .approvalSubmitted(let reply):
            requestID.map { ledger.close($0) }
            approvalSubmitted(reply)
        case .interruptSent(let reply):
            requestID.map { ledger.close($0) }
            interruptSent(reply)
        case .welcome, .unknown, .providersList, .queueList, .projectList, .execApproval:
            // The original protocol's approval events repeat `approval_requested`/`approval_decided`.
            break
        }
        return []
    }

    private mutating func applyList(_ reply: SwarmListReply, forceStatus: Bool) -> [DashboardEffect] {
        let previousIndex = selectedSwarmIndex
        let listed = Set(reply.swarms.keys.map(SwarmID.init(rawValue:)))
        for (key, summary) in reply.swarms {
            let id = SwarmID(rawValue: key)
            swarms[id, default: SwarmRow(id: id)].apply(summary, now: now)
        }
        // The router no longer knows these; drop them and everything kept for them.
        for id in swarms.keys where !listed.contains(id) {
            swarms[id] = nil
            marks[id] = nil
            selectedNodes[id] = nil
            transcripts = transcripts.filter { $0.key.swarmID != id }
            scroll = scroll.filter { $0.key.swarmID != id }
        }
        lastListAt = now
        // The selection below goes by table position.
        keepSwarmsInOrder()
        if let id = selectedSwarmID, swarms[id] == nil {
            // The selected swarm vanished: keep the cursor where it was rather than jumping to the top.
            selectSwarm(at: previousIndex ?? 0)
        } else if selectedSwarmID == nil {
            selectSwarm(at: 0)
        }
        return statusRequestIfDue(force: forceStatus)
    }

    private mutating func launched(_ data: SwarmLaunched, requestID: String?) -> [DashboardEffect] {
        var record = swarms[data.swarmID] ?? SwarmRow(id: data.swarmID, nodeCount: data.nodeCount)
        record.jobID = data.jobID
        record.nodeCount = data.nodeCount
        record.provider = data.provider ?? record.provider
        record.partition = data.partition ?? record.partition
        record.createdAt = record.createdAt ?? now
        if record.status == .starting { record.status = .running }
        record.progress = nil
        swarms[data.swarmID] = record
        if let requestID, ledger.purpose(of: requestID) == .launch {
            ledger.close(requestID)
            selectedSwarmID = data.swarmID
            focus = isSplit ? .output : .nodes
            showFlash(
                "Launched swarm \(TextFormat.shortID(data.swarmID.rawValue)): \(data.nodeCount) nodes, job \(data.jobID).",
                isError: false)
        }
        return statusRequest(for: data.swarmID)
    }

    private mutating func launchProgress(_ data: SwarmLaunchProgress, requestID: String?) {
        if let id = data.swarmID {
            var record = swarms[id] ?? SwarmRow(id: id, nodeCount: data.nodeCount ?? 0)
            record.jobID = data.jobID ?? record.jobID
            record.slurmState = data.slurmState ?? record.slurmState
            record.progress = .launch(data.stage, reason: data.reason)
            record.createdAt = record.createdAt ?? now
            swarms[id] = record
        }
        switch requestID.flatMap(ledger.purpose(of:)) {
        case .launch: showFlash("Launch: \(TextSanitizer.singleLine(data.message))", isError: false)
        case .resume: showFlash("Resume: \(TextSanitizer.singleLine(data.message))", isError: false)
        default: break
        }
    }

    private mutating func terminated(_ data: SwarmTerminated, requestID: String?) {
        if var record = swarms[data.swarmID] {
            record.status = .terminated
            record.endedReason = data.reason ?? record.endedReason
            record.slurmState = data.slurmState ?? record.slurmState
            record.progress = nil
            for id in record.nodes.keys { record.nodes[id]?.state = .ended }
            swarms[data.swarmID] = record
        }
        if let requestID, ledger.purpose(of: requestID) != nil {
            ledger.close(requestID)
            showFlash("Swarm \(TextFormat.shortID(data.swarmID.rawValue)) terminated.", isError: false)
        }
    }

    private mutating func rejected(_ data: CommandRejected, requestID: String?) -> [DashboardEffect] {
        let reason = TextSanitizer.singleLine(data.reason)
        guard let requestID, let purpose = ledger.purpose(of: requestID) else {
            showFlash("Router: \(reason)", isError: true)
            return []
        }
        ledger.close(requestID)
        switch purpose {
        case .replay:
            // An older router without replay: live events still flow, so say nothing.
            return requestID == replayRequestID ? finishReplay() : []
        case .inject(let swarmID, let nodes, _):
            for nodeID in nodes {
                swarms[swarmID]?.nodes[nodeID, default: NodeRow(nodeID: nodeID)].inject = .failed(
                    nil, reason: reason)
            }
        case .status(let swarmID):
            lastStatusAt[swarmID] = now
        case .decide(let approvalID, _):
            return decisionRejected(approvalID: approvalID, reason: reason)
        case .approvals:
            // A router without approvals: nothing waits for a person there.
            return []
        case .list, .heartbeat, .launch, .terminate, .resume, .interrupt:
            break
        }
        showFlash(
            "\(purpose.noun.prefix(1).uppercased() + purpose.noun.dropFirst()) rejected: \(reason)", isError: true)
        return []
    }

    private mutating func injection(_ data: InjectionEvent, status: InjectStatus) {
        var node = swarms[data.swarmID]?.nodes[data.nodeID] ?? NodeRow(nodeID: data.nodeID)
        // Delivery can be reported before the ack reaches us; never step a final state back.
        switch (node.inject, status) {
        case (.delivered(let old), .acknowledged(let new)) where old == new: break
        case (.failed(let old, _), .acknowledged(let new)) where old == new: break
        default: node.inject = status
        }
        swarms[data.swarmID]?.nodes[data.nodeID] = node
        if case .acknowledged = status {
            var text = data.prompt
            if text == nil, let requestID = data.requestID.stringValue,
                case .inject(_, _, let sent) = ledger.purpose(of: requestID)
            {
                text = sent
            }
            if let text {
                transcripts[NodeKey(data.swarmID, data.nodeID), default: NodeTranscript()]
                    .appendPrompt(text, injectionID: data.injectionID)
            }
        }
    }

    /// Records the link's new state and, on connecting, asks for the list and the history since the last event.
    mutating func connectionChanged(to state: ConnectionState) -> [DashboardEffect] {
        let wasConnected = connection.isConnected
        connection = state
        if case .disconnected(let reason, _) = state {
            messageLog.record("No link to the router: \(reason)", isError: true, at: now)
        }
        guard state.isConnected else {
            var commands: [DashboardEffect] = []
            if replayRequestID != nil { commands = finishReplay() }
            if wasConnected {
                // Prompts the router never answered will not be answered on this link.
                for (swarmID, swarm) in swarms {
                    for (nodeID, node) in swarm.nodes where node.inject == .sending {
                        swarms[swarmID]?.nodes[nodeID]?.inject = .failed(nil, reason: "connection lost")
                    }
                }
            }
            return commands
        }
        if hasEverConnected { showFlash("Reconnected to the router.", isError: false) }
        hasEverConnected = true
        heartbeat.connected(at: now)
        let listID = ledger.open(.list, at: now)
        let replayID = ledger.open(.replay, at: now)
        replayRequestID = replayID
        replayStartedAt = now
        lastListAt = now
        return [
            .send(.list, requestID: listID),
            .send(.replay(sinceSeq: sequences.highest, swarmID: nil), requestID: replayID),
        ] + approvalsRequest()
    }

    /// On each tick: the list now and then, and the selected swarm's status more often.
    mutating func periodicRequests() -> [DashboardEffect] {
        var commands: [DashboardEffect] = []
        if replayRequestID != nil, let started = replayStartedAt, now.timeIntervalSince(started) >= Self.replayPatience
        {
            commands += finishReplay()
        }
        guard connection.isConnected else { return commands }
        switch heartbeat.check(at: now) {
        case .probe:
            commands.append(.send(.list, requestID: ledger.open(.heartbeat, at: now)))
        case .becameSilent:
            showFlash(
                "The router has not answered for \(Int(Heartbeat.timeout)) s: it may be stopped or overloaded. "
                    + "Waiting for it; what you send is queued.", isError: true)
        case .nothing:
            break
        }
        if let last = lastListAt, now.timeIntervalSince(last) >= Self.listInterval,
            !ledger.isWaiting(for: .list, now: now)
        {
            lastListAt = now
            commands.append(.send(.list, requestID: ledger.open(.list, at: now)))
            commands += approvalsRequest()
        }
        return commands + statusRequestIfDue(force: false)
    }

    /// `r`: the list and the selected swarm's status, now.
    mutating func refresh() -> [DashboardEffect] {
        lastListAt = now
        showFlash("Refreshing…", isError: false)
        return [.send(.list, requestID: ledger.open(.list, at: now))] + approvalsRequest()
            + statusRequestIfDue(force: true)
    }

    private mutating func statusRequestIfDue(force: Bool) -> [DashboardEffect] {
        guard connection.isConnected, let swarm = selectedSwarm else { return [] }
        if !force {
            guard swarm.isActive else { return [] }
            if let last = lastStatusAt[swarm.id], now.timeIntervalSince(last) < Self.statusInterval { return [] }
        }
        if ledger.isWaiting(for: .status(swarm.id), now: now) { return [] }
        return statusRequest(for: swarm.id)
    }

    private mutating func statusRequest(for swarmID: SwarmID) -> [DashboardEffect] {
        guard connection.isConnected else { return [] }
        lastStatusAt[swarmID] = now
        return [.send(.status(swarmID: swarmID), requestID: ledger.open(.status(swarmID), at: now))]
    }

    /// A command never reached the router.
    mutating func sendFailed(requestID: String, reason: String) -> [DashboardEffect] {
        guard let purpose = ledger.purpose(of: requestID) else { return [] }
        ledger.close(requestID)
        if requestID == replayRequestID { return finishReplay() }
        if case .inject(let swarmID, let nodes, _) = purpose {
            for nodeID in nodes { swarms[swarmID]?.nodes[nodeID]?.inject = .failed(nil, reason: reason) }
        }
        if case .decide(let approvalID, _) = purpose, var approval = approvals[approvalID] {
            approval.answer = .none
            approvals[approvalID] = approval
        }
        switch purpose {
        case .replay, .list, .heartbeat, .status, .approvals: return []
        case .inject, .launch, .terminate, .resume, .interrupt, .decide: break
        }
        showFlash("Could not send the \(purpose.noun): \(reason)", isError: true)
        return []
    }
}

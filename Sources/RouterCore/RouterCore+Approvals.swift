import CodeswarmProtocol
import Foundation

/// Approvals that go to a person: a request the worker holds (`held`) becomes an `ApprovalRecord` (persisted), an
/// `approval_requested` event and the original protocol's `exec_approval_required`; a decision (a person's
/// `approval_decide` / `approve_execution`, a config rule, the timeout) is accepted once and travels to the worker
/// as an `approval` inbox line; the worker's answer to the agent resolves it.
extension RouterCore {
    /// Where an approval lives.
    struct ApprovalLocation {
        var swarmID: SwarmID
        var nodeID: Int
        var index: Int
    }

    // MARK: - From the agent

    /// A held server request: record it, tell clients, and apply a rule or arm the timeout.
    mutating func approvalRequested(swarmID: SwarmID, nodeID: Int, injectionID: InjectionID?, payload: JSONValue) {
        guard let id = payload["id"], let method = payload["method"]?.stringValue else { return }
        let key = AgentTraffic.requestKey(id)
        let node = snapshot.swarms[known: swarmID].nodes[nodeID]
        if node.approvals.contains(where: { $0.rpcKey == key && $0.isOpen }) {
            return  // Reported again (`resync`): already known.
        }
        let params = payload["params"] ?? .null
        let approvalID = newID()
        var request = ApprovalRequest(
            approvalID: approvalID, kind: "command", method: method, itemID: params["itemId"]?.stringValue,
            cwd: params["cwd"]?.stringValue, reason: params["reason"]?.stringValue,
            startedAtMs: params["startedAtMs"]?.intValue, createdAt: WireTimestamp.string(from: now))
        switch AppServer.ServerRequestMethod(rawValue: method) {
        case .commandExecutionApproval:
            let command = AppServer.CommandApprovalRequest(params)
            request.command = command?.command
            request.availableDecisions = command?.availableDecisions ?? []
            if let amendment = params["proposedExecpolicyAmendment"], !amendment.isNull {
                request.proposedExecpolicyAmendment = amendment
            }
        case .fileChangeApproval:
            request.kind = "file_change"
            request.changes = request.itemID.flatMap { node.fileChanges?[$0] }
            if let root = params["grantRoot"]?.stringValue { request.cwd = root }
        case .permissionsApproval:
            request.kind = "permissions"
            request.permissions = params["permissions"]
        default:
            request.kind = "other"
        }
        let record = ApprovalRecord(
            request: request, rpcID: id, rpcKey: key, injectionID: injectionID,
            turnID: params["turnId"]?.stringValue, status: .pending, createdAt: now, updatedAt: now)
        snapshot.swarms[known: swarmID].nodes[nodeID].approvals.append(record)
        bumpApprovalsVersion()
        effects.append(.persist)
        emitStream(
            swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, turnID: record.turnID,
            .approvalRequested(request))
        broadcastExec(.required, record: record, swarmID: swarmID, nodeID: nodeID)
        let location = ApprovalLocation(
            swarmID: swarmID, nodeID: nodeID, index: snapshot.swarms[known: swarmID].nodes[nodeID].approvals.count - 1
        )
        if let command = request.command,
            let rule = settings.approvalRules.first(where: { $0.matches(command: command) })
        {
            decide(location, decision: .string(rule.decision), by: "rule", rule: rule.prefix)
        } else if let timeout = settings.approvalTimeoutSeconds {
            effects.append(
                .scheduleTimer(.approvalTimeout(approvalID: approvalID), at: now.addingTimeInterval(timeout)))
        }
    }

    /// The worker answered the agent (`to_agent`): an approval it carried a decision for is resolved.
    mutating func approvalDelivered(swarmID: SwarmID, nodeID: Int, rpcKey: String, payload: JSONValue) {
        guard
            let index = snapshot.swarms[known: swarmID].nodes[nodeID].approvals.lastIndex(where: {
                $0.rpcKey == rpcKey && $0.isOpen
            })
        else { return }
        var record = snapshot.swarms[known: swarmID].nodes[nodeID].approvals[index]
        record.status = .answered
        record.updatedAt = now
        if record.decision == nil {
            record.decision = payload["result"]?["decision"]
            record.decidedBy = "policy"
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].approvals[index] = record
        snapshot.swarms[known: swarmID].nodes[nodeID].trimApprovals()
        bumpApprovalsVersion()
        effects.append(.persist)
        broadcastExec(.resolved, record: record, swarmID: swarmID, nodeID: nodeID)
    }

    /// `serverRequest/resolved` for a request nobody answered yet: the agent withdrew it.
    mutating func approvalWithdrawn(swarmID: SwarmID, nodeID: Int, rpcKey: String) {
        guard
            let index = snapshot.swarms[known: swarmID].nodes[nodeID].approvals.lastIndex(where: {
                $0.rpcKey == rpcKey && $0.status == .pending
            })
        else { return }
        close(
            ApprovalLocation(swarmID: swarmID, nodeID: nodeID, index: index),
            reason: "the agent withdrew the request")
    }

    /// Closes the node's open approvals (of one turn, or all): nobody can answer them any more.
    mutating func closeApprovals(swarmID: SwarmID, nodeID: Int, turnID: String?, reason: String) {
        let approvals = snapshot.swarms[known: swarmID].nodes[nodeID].approvals
        for index in approvals.indices where approvals[index].isOpen {
            guard turnID == nil || approvals[index].turnID == turnID else { continue }
            close(ApprovalLocation(swarmID: swarmID, nodeID: nodeID, index: index), reason: reason)
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].trimApprovals()
    }

    private mutating func close(_ location: ApprovalLocation, reason: String) {
        var record = snapshot.swarms[known: location.swarmID].nodes[location.nodeID].approvals[location.index]
        let wasPending = record.status == .pending
        record.status = .closed
        record.closedReason = reason
        record.updatedAt = now
        snapshot.swarms[known: location.swarmID].nodes[location.nodeID].approvals[location.index] = record
        bumpApprovalsVersion()
        effects.append(.persist)
        if wasPending {
            emitStream(
                swarmID: location.swarmID, nodeID: location.nodeID, injectionID: record.injectionID,
                turnID: record.turnID, .approvalClosed(approvalID: record.request.approvalID, reason: reason))
        }
    }

    // MARK: - Decisions

    /// `approval_decide`: a person's decision for the approval `reference` (an id or a unique prefix).
    mutating func decideApproval(reference: String, decision: JSONValue, requestID: JSONValue, client: ClientID)
        -> String?
    {
        let matches = approvalLocations { $0.request.approvalID.hasPrefix(reference) }
        guard !matches.isEmpty else {
            return "unknown approval \"\(reference)\": run `codeswarm approvals` to see the pending ones"
        }
        let exact = matches.filter { approval(at: $0).request.approvalID == reference }
        guard exact.count == 1 || matches.count == 1 else {
            let ids = matches.map { approval(at: $0).request.approvalID }.sorted()
            return "approval prefix \"\(reference)\" is ambiguous: it matches \(ids.joined(separator: ", ")); "
                + "give more characters"
        }
        let location = exact.first ?? matches[0]
        if let problem = decide(location, decision: decision, by: "person", rule: nil) { return problem }
        let record = approval(at: location)
        let swarm = snapshot.swarms[known: location.swarmID]
        reply(
            to: client,
            .approvalSubmitted(
                ApprovalSubmitted(
                    requestID: requestID, approvalID: record.request.approvalID, swarmID: swarm.id,
                    jobID: swarm.jobID ?? JobID(""), nodeID: location.nodeID, decision: record.decision ?? decision)))
        return nil
    }

    /// The original protocol's `approve_execution`: the approval named by job, call id and (optionally) node.
    mutating func approveExecution(_ request: ApproveExecution, requestID: JSONValue, client: ClientID) -> String? {
        let matches = approvalLocations { record in record.request.itemID == request.callID }.filter { location in
            snapshot.swarms[known: location.swarmID].jobID == request.jobID
                && (request.nodeID == nil || request.nodeID == location.nodeID)
        }
        // The newest one of that call: an open one if there is one, else the last answered (for its refusal).
        guard let location = matches.last(where: { approval(at: $0).isOpen }) ?? matches.last else {
            return "unknown approval request: no approval with job_id \(request.jobID.rawValue) and call_id "
                + "\(request.callID) (see approvals_list)"
        }
        if let problem = decide(location, decision: request.decisionValue, by: "person", rule: nil) { return problem }
        let record = approval(at: location)
        var event = execEvent(record: record, swarmID: location.swarmID, nodeID: location.nodeID)
        event.requestID = requestID
        event.approved = Self.approves(record.decision)
        event.decision = record.decision
        reply(to: client, .execApproval(.submitted, event))
        return nil
    }

    /// The timeout fired: an approval still pending gets the timeout decision.
    mutating func approvalTimedOut(_ approvalID: String) {
        guard let location = approvalLocations({ $0.request.approvalID == approvalID }).first,
            approval(at: location).status == .pending
        else { return }
        decide(location, decision: .string(settings.approvalTimeoutDecision), by: "timeout", rule: nil)
    }

    /// Accepts a decision for a pending approval and sends it to the worker; returns why it cannot instead.
    @discardableResult
    mutating func decide(_ location: ApprovalLocation, decision: JSONValue, by: String, rule: String?) -> String? {
        var record = approval(at: location)
        guard record.status == .pending else { return record.refusal(at: now) }
        let swarm = snapshot.swarms[known: location.swarmID]
        guard swarm.isLive, !swarm.nodes[location.nodeID].isEnded else {
            return "approval \(record.request.approvalID) belongs to node \(location.nodeID), which has ended"
        }
        let resolved: JSONValue
        switch Self.resolve(decision, offered: record.request.availableDecisions) {
        case .success(let value): resolved = value
        case .failure(let problem): return "approval \(record.request.approvalID): \(problem.reason)"
        }
        record.status = .submitted
        record.decision = resolved
        record.decidedBy = by
        record.rule = rule
        record.updatedAt = now
        snapshot.swarms[known: location.swarmID].nodes[location.nodeID].approvals[location.index] = record
        bumpApprovalsVersion()
        effects.append(.persist)
        enqueueControl(
            swarmID: location.swarmID, nodeID: location.nodeID,
            line: InboxLine(
                control: .approval, rpcID: record.rpcID, decision: resolved, approvalID: record.request.approvalID),
            kind: .approval, injectionID: record.injectionID, requestID: .null, approvalID: record.request.approvalID)
        emitStream(
            swarmID: location.swarmID, nodeID: location.nodeID, injectionID: record.injectionID,
            turnID: record.turnID,
            .approvalDecided(approvalID: record.request.approvalID, decision: resolved, by: by, rule: rule))
        return nil
    }

    /// Why a decision cannot be sent.
    struct DecisionProblem: Error {
        var reason: String
    }

    /// The decision to send: `decline` and `cancel` always (a person may always refuse), an accepting one only
    /// when the agent offered it; the name `acceptWithExecpolicyAmendment` becomes the object the agent offered.
    static func resolve(_ decision: JSONValue, offered: [JSONValue]) -> Result<JSONValue, DecisionProblem> {
        guard let name = AppServer.ApprovalDecision.name(of: decision) else {
            return .failure(DecisionProblem(reason: "the decision must be a name or an object with one key"))
        }
        if name == "decline" || name == "cancel" { return .success(.string(name)) }
        let offeredNames = offered.compactMap(AppServer.ApprovalDecision.name(of:))
        let known = offered.isEmpty ? ["accept", "acceptForSession"] : offeredNames
        guard known.contains(name) else {
            let choices = (known + ["decline", "cancel"]).reduce(into: [String]()) { list, item in
                if !list.contains(item) { list.append(item) }
            }
            return .failure(
                DecisionProblem(
                    reason:
                        "the agent does not offer \"\(name)\" here; choose one of \(choices.joined(separator: ", "))"
                ))
        }
        if decision.stringValue != nil, let object = offered.first(where: { $0.objectValue?[name] != nil }) {
            return .success(object)
        }
        return .success(decision)
    }

    /// True when a decision lets the action run.
    static func approves(_ decision: JSONValue?) -> Bool {
        decision.flatMap(AppServer.ApprovalDecision.name(of:))?.hasPrefix("accept") == true
    }

    /// An approval line's delivery: on failure the approval waits for a decision again.
    mutating func controlAppendAnswered(swarmID: SwarmID, nodeID: Int, append: PendingAppend, error: String?) {
        guard let error else { return }
        effects.append(.log(.warning, "\(append.control ?? "control") line for node \(nodeID) failed: \(error)"))
        guard let approvalID = append.approvalID,
            let index = snapshot.swarms[known: swarmID].nodes[nodeID].approvals.firstIndex(where: {
                $0.request.approvalID == approvalID && $0.status == .submitted
            })
        else { return }
        snapshot.swarms[known: swarmID].nodes[nodeID].approvals[index].status = .pending
        snapshot.swarms[known: swarmID].nodes[nodeID].approvals[index].decision = nil
        snapshot.swarms[known: swarmID].nodes[nodeID].approvals[index].decidedBy = nil
        bumpApprovalsVersion()
        broadcast(
            .notice(
                RouterNotice(
                    level: "warning",
                    message: "the decision for approval \(approvalID) could not reach node \(nodeID) (\(error)); "
                        + "it is pending again")))
    }

    // MARK: - Lists and restarts

    /// `approvals_list`: the open approvals, nested the original way and as one list, oldest first.
    func approvalsList(requestID: JSONValue) -> ApprovalsListReply {
        var nested: [String: [String: [ExecApprovalEntry]]] = [:]
        var pending: [ApprovalEntry] = []
        for swarm in snapshot.swarms.values {
            for node in swarm.nodes {
                for record in node.approvals where record.isOpen {
                    let jobID = swarm.jobID ?? JobID("")
                    nested[swarm.id.rawValue, default: [:]][String(node.id), default: []].append(
                        ExecApprovalEntry(
                            jobID: jobID, approvalID: record.request.approvalID, approvalStatus: record.status.rawValue,
                            callID: record.request.itemID ?? "", injectionID: record.injectionID,
                            turnID: record.turnID, command: record.request.command, reason: record.request.reason,
                            cwd: record.request.cwd,
                            proposedExecpolicyAmendment: record.request.proposedExecpolicyAmendment,
                            availableDecisions: record.request.availableDecisions,
                            createdAtMs: Self.milliseconds(record.createdAt),
                            updatedAtMs: Self.milliseconds(record.updatedAt)))
                    pending.append(
                        ApprovalEntry(
                            swarmID: swarm.id, jobID: jobID, nodeID: node.id, injectionID: record.injectionID,
                            turnID: record.turnID, status: record.status.rawValue, request: record.request))
                }
            }
        }
        pending.sort { ($0.request.createdAt, $0.request.approvalID) < ($1.request.createdAt, $1.request.approvalID) }
        return ApprovalsListReply(
            requestID: requestID, approvalsVersion: snapshot.approvalsVersion ?? 0, approvals: nested,
            pending: pending)
    }

    /// After a restart: re-arm approval timeouts, and ask workers that wait on approvals the router does not
    /// know (a lost state file) to report them again.
    mutating func restartApprovals() {
        for swarmID in snapshot.swarms.keys where snapshot.swarms[known: swarmID].isLive {
            for node in snapshot.swarms[known: swarmID].nodes where node.isStarted && !node.isEnded {
                let open = node.approvals.filter { $0.status == .pending }
                if let timeout = settings.approvalTimeoutSeconds {
                    for record in open {
                        let due = max(now, record.createdAt.addingTimeInterval(timeout))
                        effects.append(.scheduleTimer(.approvalTimeout(approvalID: record.request.approvalID), at: due))
                    }
                }
                if node.agentState == .waitingForApproval, node.approvals.allSatisfy({ !$0.isOpen }) {
                    enqueueControl(
                        swarmID: swarmID, nodeID: node.id, line: InboxLine(control: .resync), kind: .resync,
                        injectionID: node.currentInjection, requestID: .null)
                    effects.append(.persist)
                }
            }
        }
    }

    // MARK: - Helpers

    func approval(at location: ApprovalLocation) -> ApprovalRecord {
        snapshot.swarms[known: location.swarmID].nodes[location.nodeID].approvals[location.index]
    }

    /// Every approval matching `predicate`, in registry order.
    func approvalLocations(_ predicate: (ApprovalRecord) -> Bool) -> [ApprovalLocation] {
        var found: [ApprovalLocation] = []
        for swarm in snapshot.swarms.values {
            for node in swarm.nodes {
                for (index, record) in node.approvals.enumerated() where predicate(record) {
                    found.append(ApprovalLocation(swarmID: swarm.id, nodeID: node.id, index: index))
                }
            }
        }
        return found
    }

    mutating func bumpApprovalsVersion() {
        snapshot.approvalsVersion = (snapshot.approvalsVersion ?? 0) + 1
    }

    func execEvent(record: ApprovalRecord, swarmID: SwarmID, nodeID: Int) -> ExecApprovalEvent {
        let swarm = snapshot.swarms[known: swarmID]
        return ExecApprovalEvent(
            swarmID: swarm.id, jobID: swarm.jobID ?? JobID(""), nodeID: nodeID, approvalID: record.request.approvalID,
            callID: record.request.itemID ?? "", injectionID: record.injectionID, turnID: record.turnID,
            command: record.request.command, reason: record.request.reason, cwd: record.request.cwd,
            availableDecisions: record.request.availableDecisions,
            proposedExecpolicyAmendment: record.request.proposedExecpolicyAmendment,
            approvalsVersion: snapshot.approvalsVersion ?? 0)
    }

    /// Broadcasts one of the original protocol's approval events (its web backend listens for them).
    mutating func broadcastExec(_ kind: ExecApprovalEvent.Kind, record: ApprovalRecord, swarmID: SwarmID, nodeID: Int) {
        var event = execEvent(record: record, swarmID: swarmID, nodeID: nodeID)
        if kind == .resolved {
            event.approved = Self.approves(record.decision)
            event.decision = record.decision
            event.source = record.decidedBy
        }
        broadcast(.execApproval(kind, event))
    }

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
}

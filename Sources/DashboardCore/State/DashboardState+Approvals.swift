import CodeswarmProtocol
import Foundation

/// The approvals inbox: approvals arriving and leaving, the overlay's keys, and the decisions sent.
extension DashboardState {
    /// `approval_requested`: into the inbox, the node waits, and (live) the header says so, with the bell if asked.
    mutating func approvalRequested(_ request: ApprovalRequest, event: StreamEvent, node: inout NodeRow)
        -> [DashboardEffect]
    {
        let isNew = approvals[request.approvalID] == nil
        approvals.add(
            PendingApproval(
                swarmID: event.swarmID, jobID: event.jobID, nodeID: event.nodeID, injectionID: event.injectionID,
                request: request, askedAt: WireTimestamp.date(from: request.createdAt) ?? now))
        if node.state != .ended { node.state = .waitingForApproval }
        guard isNew, replayRequestID == nil, let approval = approvals[request.approvalID] else { return [] }
        let key = binding(for: .showApprovals)
        showFlash(
            "Node \(event.nodeID) of \(TextFormat.shortID(event.swarmID.rawValue)) asks to "
                + "\(ApprovalKind(wire: request.kind).label): \(approval.subject)"
                + (key.map { " · \($0) opens the approvals" } ?? ""),
            isError: false)
        return ringsBellOnApproval ? [.bell] : []
    }

    /// `approval_decided` or `approval_closed`: out of the inbox; a node with nothing left to approve works on.
    mutating func approvalEnded(_ approvalID: String, node: inout NodeRow) {
        guard let removed = approvals.remove(approvalID) else { return }
        if node.state == .waitingForApproval, approvals.open(of: removed.node).isEmpty { node.state = .working }
    }

    /// The router's list (`approvals_list`): the authoritative set, which also repairs what a missed event left.
    mutating func approvalsListed(_ reply: ApprovalsListReply) {
        approvals.replaceAll(
            with: reply.pending.map { entry in
                PendingApproval(
                    swarmID: entry.swarmID, jobID: entry.jobID, nodeID: entry.nodeID, injectionID: entry.injectionID,
                    request: entry.request, askedAt: WireTimestamp.date(from: entry.request.createdAt) ?? now,
                    answer: entry.status == "submitted" ? .submitted("") : .none)
            })
        for approval in approvals.all where approval.isOpen {
            guard var node = swarms[approval.swarmID]?.nodes[approval.nodeID], node.state != .ended else { continue }
            node.state = .waitingForApproval
            swarms[approval.swarmID]?.nodes[approval.nodeID] = node
        }
    }

    /// `approval_submitted`: the router took this dashboard's decision.
    mutating func approvalSubmitted(_ reply: ApprovalSubmitted) {
        let name = reply.decision.stringValue ?? reply.decision.objectValue?.keys.sorted().first ?? "decision"
        approvals[reply.approvalID]?.answer = .submitted(name)
    }

    /// A decision the router refused (already answered elsewhere, closed): said, and the inbox asked for again.
    mutating func decisionRejected(approvalID: String, reason: String) -> [DashboardEffect] {
        if var approval = approvals[approvalID], case .sending = approval.answer {
            approval.answer = .none
            approvals[approvalID] = approval
        }
        showFlash("Approval \(TextFormat.shortID(approvalID)) not answered: \(reason)", isError: true)
        return approvalsRequest()
    }

    /// Asks the router for every pending approval (on connecting, and with each list refresh).
    mutating func approvalsRequest() -> [DashboardEffect] {
        guard connection.isConnected, !ledger.isWaiting(for: .approvals, now: now) else { return [] }
        return [.send(.approvals, requestID: ledger.open(.approvals, at: now))]
    }

    /// `A`: opens the inbox on the oldest approval.
    mutating func showApprovals() {
        approvals.selection = 0
        mode = .approvals
    }

    /// `a`, `s`, `p`, `d`, `c` in the inbox: answers the selected approval.
    mutating func decideSelected(_ decision: ApprovalDecision) -> [DashboardEffect] {
        guard let approval = approvals.selected else { return [] }
        return send(decision, to: [approval])
    }

    /// `*` in the inbox: accepts every open approval asking to run the selected one's command.
    mutating func acceptSameCommand() -> [DashboardEffect] {
        guard let command = approvals.selected?.request.command else { return [] }
        return send(.accept, to: approvals.open(withCommand: command))
    }

    /// Sends `decision` for each approval; each is marked as sent until the router confirms it.
    mutating func send(_ decision: ApprovalDecision, to targets: [PendingApproval]) -> [DashboardEffect] {
        var effects: [DashboardEffect] = []
        for approval in targets where approval.isOpen && approval.offers(decision) {
            let requestID = ledger.open(.decide(approval.id, decision: decision.rawValue), at: now)
            approvals[approval.id]?.answer = .sending(decision.rawValue, requestID: requestID)
            effects.append(
                .send(
                    .decideApproval(approvalID: approval.id, decision: .string(decision.rawValue)),
                    requestID: requestID))
        }
        if effects.count > 1 {
            showFlash("Sent \(decision.label) for \(effects.count) approvals.", isError: false)
        } else if let approval = targets.first, !effects.isEmpty {
            showFlash(
                "Sent \(decision.label) to node \(approval.nodeID) of \(TextFormat.shortID(approval.swarmID.rawValue)).",
                isError: false)
        }
        return effects
    }

    /// Enter in the inbox: closes it on the node that asked, with its response pane focused.
    mutating func jumpToApproval() {
        guard let approval = approvals.selected else { return }
        selectedSwarmID = approval.swarmID
        if !visibleSwarms.contains(where: { $0.id == approval.swarmID }) { swarmFilter.clear() }
        nodeFilter.clear()
        selectedNodes[approval.swarmID] = approval.nodeID
        scroll[approval.node] = .following
        focus = .output
        mode = .browse
    }

    /// Why an inbox key cannot act on the selected approval; nil when it can.
    func approvalDisabledReason(_ action: DashboardAction) -> String? {
        guard let approval = approvals.selected else { return "No approval is waiting." }
        if action == .jumpToApproval { return nil }
        if !connection.isConnected { return "Not connected to the router; wait for the reconnect." }
        switch approval.answer {
        case .none: break
        case .sending(let decision, _): return "Already sent \(decision); waiting for the router."
        case .submitted: return "Already decided; the agent is being answered."
        }
        guard let decision = Self.decision(for: action) else { return nil }
        if !approval.offers(decision) {
            return "The agent does not offer \(decision.label) here; it offers "
                + approval.decisionNames.joined(separator: ", ") + "."
        }
        if action == .acceptSameCommand, approval.request.command == nil {
            return "This approval is not a command; a accepts it alone."
        }
        return nil
    }

    /// The decision an inbox action sends.
    static func decision(for action: DashboardAction) -> ApprovalDecision? {
        switch action {
        case .acceptApproval, .acceptSameCommand: .accept
        case .acceptApprovalForSession: .acceptForSession
        case .acceptApprovalWithRule: .acceptWithExecpolicyAmendment
        case .declineApproval: .decline
        case .cancelApproval: .cancel
        default: nil
        }
    }

    /// The question before accepting several approvals at once (none when only one asks for that command).
    func acceptSameCommandConfirmation() -> ConfirmDialog? {
        guard let approval = approvals.selected, let command = approval.request.command else { return nil }
        let matching = approvals.open(withCommand: command)
        guard matching.count > 1 else { return nil }
        let nodes = matching.map { "\(TextFormat.shortID($0.swarmID.rawValue))/\($0.nodeID)" }
        return ConfirmDialog(
            title: "Accept \(matching.count) approvals?",
            message: "Accept “\(TextFormat.truncate(TextSanitizer.singleLine(command), to: 80))” on "
                + "\(matching.count) nodes (\(nodes.prefix(6).joined(separator: ", "))\(nodes.count > 6 ? ", …" : ""))?",
            confirmLabel: "accept all", pending: .acceptAll(command))
    }

    /// The first key bound to `action` while browsing, as the help writes it.
    func binding(for action: DashboardAction) -> String? {
        keyMap.binding(for: action, in: .nodes)?.hintKeyLabel
    }
}

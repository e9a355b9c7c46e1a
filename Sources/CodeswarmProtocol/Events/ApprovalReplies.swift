/// `interrupt_sent` (extension): the reply to `swarm_interrupt`; `nodes` were asked to interrupt their turn,
/// `idle_nodes` had no turn running (nothing was sent to them).
package struct InterruptSent: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var nodes: [Int]
    package var idleNodes: [Int]

    package init(requestID: JSONValue, swarmID: SwarmID, nodes: [Int], idleNodes: [Int]) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.nodes = nodes
        self.idleNodes = idleNodes
    }

    enum CodingKeys: String, CodingKey {
        case nodes
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case idleNodes = "idle_nodes"
    }
}

/// `approval_submitted` (extension): the reply to `approval_decide`; the decision is on its way to the worker.
package struct ApprovalSubmitted: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var approvalID: String
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeID: Int
    package var decision: JSONValue

    package init(
        requestID: JSONValue, approvalID: String, swarmID: SwarmID, jobID: JobID, nodeID: Int, decision: JSONValue
    ) {
        self.requestID = requestID
        self.approvalID = approvalID
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeID = nodeID
        self.decision = decision
    }

    enum CodingKeys: String, CodingKey {
        case decision
        case requestID = "request_id"
        case approvalID = "approval_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case nodeID = "node_id"
    }
}

/// One approval waiting for a person, with where it comes from (an entry of `approvals_list.pending`).
package struct ApprovalEntry: Sendable, Hashable, Codable {
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeID: Int
    package var injectionID: InjectionID?
    package var turnID: String?
    /// `pending` (waiting for a decision) or `submitted` (decided, the worker has not answered the agent yet).
    package var status: String
    package var request: ApprovalRequest

    package init(
        swarmID: SwarmID, jobID: JobID, nodeID: Int, injectionID: InjectionID?, turnID: String?, status: String,
        request: ApprovalRequest
    ) {
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeID = nodeID
        self.injectionID = injectionID
        self.turnID = turnID
        self.status = status
        self.request = request
    }

    enum CodingKeys: String, CodingKey {
        case status
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case nodeID = "node_id"
        case injectionID = "injection_id"
        case turnID = "turn_id"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(swarmID, forKey: .swarmID)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(nodeID, forKey: .nodeID)
        try container.encode(injectionID, forKey: .injectionID)
        try container.encodeIfPresent(turnID, forKey: .turnID)
        try container.encode(status, forKey: .status)
        try request.encode(to: encoder)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        swarmID = try container.decode(SwarmID.self, forKey: .swarmID)
        jobID = try container.decode(JobID.self, forKey: .jobID)
        nodeID = try container.decode(Int.self, forKey: .nodeID)
        injectionID = try container.decodeIfPresent(InjectionID.self, forKey: .injectionID)
        turnID = try container.decodeIfPresent(String.self, forKey: .turnID)
        status = try container.decode(String.self, forKey: .status)
        request = try ApprovalRequest(from: decoder)
    }
}

/// One approval in the original protocol's `approvals_list` shape.
package struct ExecApprovalEntry: Sendable, Hashable, Codable {
    package var jobID: JobID
    package var approvalID: String
    /// `pending` or `submitted`.
    package var approvalStatus: String
    package var callID: String
    package var injectionID: InjectionID?
    package var turnID: String?
    package var command: String?
    package var reason: String?
    package var cwd: String?
    package var proposedExecpolicyAmendment: JSONValue?
    package var availableDecisions: [JSONValue]
    package var createdAtMs: Int
    package var updatedAtMs: Int

    package init(
        jobID: JobID, approvalID: String, approvalStatus: String, callID: String, injectionID: InjectionID?,
        turnID: String?, command: String?, reason: String?, cwd: String?, proposedExecpolicyAmendment: JSONValue?,
        availableDecisions: [JSONValue], createdAtMs: Int, updatedAtMs: Int
    ) {
        self.jobID = jobID
        self.approvalID = approvalID
        self.approvalStatus = approvalStatus
        self.callID = callID
        self.injectionID = injectionID
        self.turnID = turnID
        self.command = command
        self.reason = reason
        self.cwd = cwd
        self.proposedExecpolicyAmendment = proposedExecpolicyAmendment
        self.availableDecisions = availableDecisions
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case command, reason, cwd
        case jobID = "job_id"
        case approvalID = "approval_id"
        case approvalStatus = "approval_status"
        case callID = "call_id"
        case injectionID = "injection_id"
        case turnID = "turn_id"
        case proposedExecpolicyAmendment = "proposed_execpolicy_amendment"
        case availableDecisions = "available_decisions"
        case createdAtMs = "created_at_ms"
        case updatedAtMs = "updated_at_ms"
    }

    package func encode(to encoder: any Encoder) throws {
        // The original writes every key, null when unknown; its web backend reads them that way.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(approvalID, forKey: .approvalID)
        try container.encode(approvalStatus, forKey: .approvalStatus)
        try container.encode(callID, forKey: .callID)
        try container.encode(injectionID, forKey: .injectionID)
        try container.encode(turnID, forKey: .turnID)
        try container.encode(command, forKey: .command)
        try container.encode(reason, forKey: .reason)
        try container.encode(cwd, forKey: .cwd)
        try container.encode(proposedExecpolicyAmendment ?? .null, forKey: .proposedExecpolicyAmendment)
        try container.encode(availableDecisions, forKey: .availableDecisions)
        try container.encode(createdAtMs, forKey: .createdAtMs)
        try container.encode(updatedAtMs, forKey: .updatedAtMs)
    }
}

/// `approvals_list`: the original protocol's nested `approvals` (swarm → node → entries) and `approvals_version`,
/// plus `pending` (extension): the same approvals as one list, oldest first, with everything a person needs.
package struct ApprovalsListReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    /// Changes whenever an approval appears or is answered.
    package var approvalsVersion: Int
    package var approvals: [String: [String: [ExecApprovalEntry]]]
    package var pending: [ApprovalEntry]

    package init(
        requestID: JSONValue, approvalsVersion: Int, approvals: [String: [String: [ExecApprovalEntry]]],
        pending: [ApprovalEntry]
    ) {
        self.requestID = requestID
        self.approvalsVersion = approvalsVersion
        self.approvals = approvals
        self.pending = pending
    }

    enum CodingKeys: String, CodingKey {
        case approvals, pending
        case requestID = "request_id"
        case approvalsVersion = "approvals_version"
    }
}

/// The original protocol's approval events: `exec_approval_required` (broadcast when an approval appears),
/// `exec_approval_submitted` (the reply to `approve_execution`) and `exec_approval_resolved` (broadcast once the
/// worker answered the agent).
package struct ExecApprovalEvent: Sendable, Hashable, Codable {
    /// Which of the three events.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case required = "exec_approval_required"
        case submitted = "exec_approval_submitted"
        case resolved = "exec_approval_resolved"
    }

    package var requestID: JSONValue?
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeID: Int
    package var approvalID: String
    package var callID: String
    package var injectionID: InjectionID?
    package var turnID: String?
    package var command: String?
    package var reason: String?
    package var cwd: String?
    package var availableDecisions: [JSONValue]?
    package var proposedExecpolicyAmendment: JSONValue?
    package var approvalsVersion: Int
    /// `submitted`, `resolved`: whether the decision lets the action run.
    package var approved: Bool?
    package var decision: JSONValue?
    /// `resolved`: who decided (`person`, `rule`, `timeout`, `policy`).
    package var source: String?

    package init(
        requestID: JSONValue? = nil, swarmID: SwarmID, jobID: JobID, nodeID: Int, approvalID: String, callID: String,
        injectionID: InjectionID?, turnID: String?, command: String?, reason: String?, cwd: String?,
        availableDecisions: [JSONValue]? = nil, proposedExecpolicyAmendment: JSONValue? = nil, approvalsVersion: Int,
        approved: Bool? = nil, decision: JSONValue? = nil, source: String? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeID = nodeID
        self.approvalID = approvalID
        self.callID = callID
        self.injectionID = injectionID
        self.turnID = turnID
        self.command = command
        self.reason = reason
        self.cwd = cwd
        self.availableDecisions = availableDecisions
        self.proposedExecpolicyAmendment = proposedExecpolicyAmendment
        self.approvalsVersion = approvalsVersion
        self.approved = approved
        self.decision = decision
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case command, reason, cwd, approved, decision, source
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case nodeID = "node_id"
        case approvalID = "approval_id"
        case callID = "call_id"
        case injectionID = "injection_id"
        case turnID = "turn_id"
        case availableDecisions = "available_decisions"
        case proposedExecpolicyAmendment = "proposed_execpolicy_amendment"
        case approvalsVersion = "approvals_version"
    }
}

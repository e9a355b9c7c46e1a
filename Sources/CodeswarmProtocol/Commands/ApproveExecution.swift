/// The original protocol's `approve_execution` payload: an approval named by its job and call (item) id.
///
/// Its clients send `approved` and usually a `decision` in either vocabulary (`accept`/`decline`/… or the legacy
/// `approved`/`denied`/`abort`); `decisionValue` maps them onto the app-server decision Codeswarm sends.
package struct ApproveExecution: Sendable, Hashable {
    package var jobID: JobID
    package var callID: String
    package var nodeID: Int?
    package var injectionID: InjectionID?
    package var approved: Bool?
    package var decision: JSONValue?

    package init(
        jobID: JobID, callID: String, nodeID: Int? = nil, injectionID: InjectionID? = nil, approved: Bool? = nil,
        decision: JSONValue? = nil
    ) {
        self.jobID = jobID
        self.callID = callID
        self.nodeID = nodeID
        self.injectionID = injectionID
        self.approved = approved
        self.decision = decision
    }

    init(reader: PayloadReader) throws {
        guard let job = try reader.string("job_id"), !job.isEmpty else {
            throw PayloadReader.Problem(reason: "payload.job_id is required: the job of the approval (approvals_list)")
        }
        guard let call = try reader.string("call_id"), !call.isEmpty else {
            throw PayloadReader.Problem(reason: "payload.call_id is required: the approval's call_id (approvals_list)")
        }
        let node = reader.members["node_id"].flatMap { $0.isNull ? nil : $0 }
        if let node, node.intValue == nil {
            throw PayloadReader.Problem(reason: "payload.node_id must be an integer, got \(node.typeDescription)")
        }
        let approved = try reader.bool("approved")
        let decision = reader.members["decision"].flatMap { $0.isNull ? nil : $0 }
        guard approved != nil || decision != nil else {
            throw PayloadReader.Problem(reason: "payload.approved (true or false) or payload.decision is required")
        }
        self.init(
            jobID: JobID(job), callID: call, nodeID: node?.intValue,
            injectionID: try reader.string("injection_id").map(InjectionID.init(rawValue:)), approved: approved,
            decision: try decision.map { _ in try reader.decision("decision") })
    }

    /// The app-server decision to send: the given decision translated from the legacy vocabulary, else
    /// `accept`/`decline` from `approved`.
    package var decisionValue: JSONValue {
        if let decision {
            switch decision.stringValue {
            case "approved": return "accept"
            case "approved_for_session": return "acceptForSession"
            case "denied": return "decline"
            case "abort": return "cancel"
            default: return decision
            }
        }
        return approved == true ? "accept" : "decline"
    }

    var payload: JSONValue {
        var members: [String: JSONValue] = ["job_id": .string(jobID.rawValue), "call_id": .string(callID)]
        if let nodeID { members["node_id"] = .number(Double(nodeID)) }
        if let injectionID { members["injection_id"] = .string(injectionID.rawValue) }
        if let approved { members["approved"] = .bool(approved) }
        if let decision { members["decision"] = decision }
        return .object(members)
    }
}

import CodeswarmProtocol

/// Approvals that wait for a person (`approval_decision: ask`): the request is held open, the router shows it, and
/// the person's answer arrives as an `approval` inbox line, which the worker sends to the agent exactly once.
extension AgentSession {
    /// True when requests of `method` wait for a person under this configuration.
    func holds(method: String) -> Bool {
        guard configuration.holdsApprovals, let known = AppServer.ServerRequestMethod(rawValue: method) else {
            return false
        }
        switch known {
        case .commandExecutionApproval, .fileChangeApproval, .permissionsApproval: return true
        default: return false
        }
    }

    /// Holds a server request for a person's answer; false when the policy answers it at once.
    mutating func hold(id: JSONValue, method: String, params: JSONValue, injection: InjectionID?) -> Bool {
        guard holds(method: method) else { return false }
        let message: JSONValue = ["id": id, "method": .string(method), "params": params]
        heldRequests[id] = HeldRequest(
            method: method, params: params, message: message, injectionID: injection,
            turnID: params["turnId"]?.stringValue)
        return true
    }

    /// An `approval` inbox line: answer the held request it names, once; anything else is reported.
    mutating func approvalAnswered(_ line: InboxLine) {
        let name = line.approvalID.map { "approval \($0)" } ?? "an approval"
        guard let rpcID = line.rpcID, let decision = line.decision else {
            return reportError(.inboxCorruptLine, "\(name) needs both rpc_id and decision; skipped")
        }
        guard let held = heldRequests.removeValue(forKey: rpcID) else {
            return reportError(
                .approvalNotPending,
                "\(name) arrived, but the agent no longer waits for request \(Self.describe(rpcID)) (it was answered "
                    + "or its turn ended); nothing was sent")
        }
        let reply = ServerRequestPolicy.answer(id: rpcID, method: held.method, params: held.params, decision: decision)
        if let injection = held.injectionID { answeredRequests[rpcID] = injection }
        emit(.writeToAgent(AgentRequests.line(reply)))
        emit(.appendOutbox(record(.codexRPC, injection: held.injectionID, payload: reply, direction: "to_agent")))
    }

    /// A `resync` inbox line: the router lost track of what waits; write every held request again.
    mutating func resyncHeldRequests() {
        for key in heldRequests.keys.sorted(by: { Self.describe($0) < Self.describe($1) }) {
            guard let held = heldRequests[key] else { continue }
            emit(.appendOutbox(record(.codexRPC, injection: held.injectionID, payload: held.message, held: true)))
        }
    }

    static func describe(_ id: JSONValue) -> String {
        id.stringValue ?? id.intValue.map(String.init) ?? "\(id)"
    }
}

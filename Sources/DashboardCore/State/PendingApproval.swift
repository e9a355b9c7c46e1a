import CodeswarmProtocol
import Foundation

/// One approval the agent asked for and a person has not answered yet, with where it comes from.
package struct PendingApproval: Sendable, Hashable {
    /// Where the dashboard's answer stands.
    package enum Answer: Sendable, Hashable {
        /// Nobody answered yet.
        case none
        /// This dashboard sent `decision` (request `requestID`); the router has not confirmed it.
        case sending(String, requestID: String)
        /// The router took a decision; the worker has not answered the agent yet.
        case submitted(String)
    }

    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeID: Int
    package var injectionID: InjectionID?
    package var request: ApprovalRequest
    /// When the router saw the request; the age counts from here (the dashboard's clock when it has no timestamp).
    package var askedAt: Date
    package var answer: Answer = .none

    package init(
        swarmID: SwarmID, jobID: JobID, nodeID: Int, injectionID: InjectionID?, request: ApprovalRequest,
        askedAt: Date, answer: Answer = .none
    ) {
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeID = nodeID
        self.injectionID = injectionID
        self.request = request
        self.askedAt = askedAt
        self.answer = answer
    }

    package var id: String { request.approvalID }
    package var node: NodeKey { NodeKey(swarmID, nodeID) }

    /// True until someone decided it.
    package var isOpen: Bool { answer == .none }

    /// What the agent wants to do, on one line: the command, the files, or the permissions it asks for.
    package var subject: String {
        if let command = request.command, !command.isEmpty { return TextSanitizer.singleLine(command) }
        if let changes = request.changes, !changes.isEmpty {
            return "change " + changes.map { "\($0.kind) \($0.path)" }.joined(separator: ", ")
        }
        if ApprovalKind(wire: request.kind) == .permissions {
            return "grant " + (request.permissionsSummary.map(TextSanitizer.singleLine) ?? "permissions")
        }
        return request.method
    }

    /// The names of the decisions the agent offers, in its order (an empty list offers accept and decline).
    package var decisionNames: [String] {
        let names = request.availableDecisions.compactMap { decision -> String? in
            if let name = decision.stringValue { return name }
            return decision.objectValue?.keys.sorted().first
        }
        return names.isEmpty ? ["accept", "acceptForSession", "decline", "cancel"] : names
    }

    /// The exec-policy rule the agent proposes to remember, on one line (`touch`, `git status`), if any.
    package var proposedRule: String? {
        guard let amendment = request.proposedExecpolicyAmendment, !amendment.isNull else { return nil }
        // Codex sends the command prefix as an array of words; an object form keeps them under `command`.
        let words = amendment.arrayValue ?? amendment.objectValue?["command"]?.arrayValue
        if let words {
            let text = words.compactMap(\.stringValue).joined(separator: " ")
            return text.isEmpty ? nil : TextSanitizer.singleLine(text)
        }
        return TextSanitizer.singleLine(amendment.stringValue ?? "\(amendment)")
    }

    /// True when `decision` may be sent: declining and cancelling always, accepting only when offered.
    package func offers(_ decision: ApprovalDecision) -> Bool {
        switch decision {
        case .decline, .cancel: true
        case .accept, .acceptForSession, .acceptWithExecpolicyAmendment: decisionNames.contains(decision.rawValue)
        }
    }
}

/// The decisions a person gives from the dashboard, by their wire names (`approval_decide.decision`).
package enum ApprovalDecision: String, Sendable, Hashable, CaseIterable {
    case accept
    case acceptForSession
    /// Accept, and have the agent remember the exec-policy rule it proposed, so matching commands stop asking.
    case acceptWithExecpolicyAmendment
    case decline
    case cancel

    /// How a message names it: `accept for the session`.
    package var label: String {
        switch self {
        case .accept: "accept"
        case .acceptForSession: "accept for the session"
        case .acceptWithExecpolicyAmendment: "accept and remember the rule"
        case .decline: "decline"
        case .cancel: "cancel the turn"
        }
    }
}

import CodeswarmProtocol
import Foundation

/// One approval the agent asked for and the router keeps until it is answered or closed; persisted with its node.
package struct ApprovalRecord: Sendable, Hashable, Codable {
    /// Where the approval is in its life.
    package enum Status: String, Sendable, Hashable, Codable {
        /// Waiting for a decision.
        case pending
        /// Decided; the `approval` line is on its way to the worker.
        case submitted
        /// The worker answered the agent with the decision.
        case answered
        /// Ended without an answer reaching the agent (turn ended, request withdrawn, node ended).
        case closed
    }

    package var request: ApprovalRequest
    /// The JSON-RPC id of the agent's request, as sent, and its key (`AgentTraffic.requestKey`).
    package var rpcID: JSONValue
    package var rpcKey: String
    package var injectionID: InjectionID?
    package var turnID: String?
    package var status: Status
    package var decision: JSONValue?
    /// `person`, `rule`, `timeout`.
    package var decidedBy: String?
    /// The rule's prefix, when a rule decided.
    package var rule: String?
    /// Why it closed, when it did.
    package var closedReason: String?
    package var createdAt: Date
    package var updatedAt: Date

    /// True while the approval still counts as waiting (listed by `approvals_list`).
    var isOpen: Bool { status == .pending || status == .submitted }

    /// Why a second answer is refused, in words a person understands.
    func refusal(at now: Date) -> String {
        let id = request.approvalID
        switch status {
        case .pending:
            return "approval \(id) is still pending"
        case .submitted, .answered:
            let what = decision.flatMap(AppServer.ApprovalDecision.name(of:)) ?? "a decision"
            let who = decidedBy == "rule" ? "rule \"\(rule ?? "")\"" : (decidedBy ?? "someone")
            return "approval \(id) was already answered: \(what) by \(who) at "
                + "\(WireTimestamp.string(from: updatedAt)); each approval is answered once"
        case .closed:
            return "approval \(id) is closed (\(closedReason ?? "the agent no longer waits for it")); nothing was sent"
        }
    }
}

extension NodeRecord {
    /// The node's approvals (open ones and the last few finished).
    var approvals: [ApprovalRecord] {
        get { approvalRecords ?? [] }
        set { approvalRecords = newValue.isEmpty ? nil : newValue }
    }

    /// Keeps the open approvals and the newest finished ones, so refusals can name what happened.
    mutating func trimApprovals(keepingFinished limit: Int = 16) {
        var finished = 0
        let kept = approvals.reversed().filter { record in
            if record.isOpen { return true }
            finished += 1
            return finished <= limit
        }
        approvals = kept.reversed()
    }
}

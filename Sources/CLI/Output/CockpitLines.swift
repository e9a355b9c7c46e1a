import CodeswarmProtocol

/// Readable lines for the cockpit's stream events (routing, command output, reasoning, file changes, diffs, plans,
/// approvals), shared by `attach` and `inject`. Streamed pieces (command output, reasoning) are printed
/// as they come, each piece's lines prefixed; a trailing newline adds no empty line.
enum CockpitLines {
    /// The lines for `body` on node `nodeID`, or nil when it is not one of the cockpit's events.
    static func lines(_ body: StreamEvent.Body, nodeID: Int, turnID: String?) -> [String]? {
        let label = "[node \(nodeID)]"
        switch body {
        case .injectionRouted(let how, let reason):
            let turn = turnID.map { " \($0)" } ?? ""
            let why = reason.map { ": \($0)" } ?? ""
            switch how {
            case "steered": return ["\(label) -- steered into the running turn\(turn)"]
            case "new_turn": return ["\(label) -- new turn\(turn)\(why)"]
            default: return ["\(label) -- queued for the next turn\(why)"]
            }
        case .commandOutput(_, let content):
            return pieces(content, prefix: "\(label) | ")
        case .reasoningDelta(_, let content):
            return pieces(content, prefix: "\(label) ~ ")
        case .reasoning:
            return []  // Its deltas were printed as they came.
        case .fileChange(_, let status, let changes):
            let what = changes.map { "\($0.kind) \($0.path)" }.joined(separator: ", ")
            return ["\(label) -- file change \(status ?? "")\(what.isEmpty ? "" : ": \(what)")"]
        case .turnDiff(let diff):
            return ["\(label) -- diff of this turn:"] + pieces(diff, prefix: "\(label)   ")
        case .planUpdated(let explanation, let plan):
            let head = "\(label) -- plan" + (explanation.map { ": \($0)" } ?? "")
            return [head]
                + plan.map { step in
                    let mark = step.status == "completed" ? "x" : (step.status == "inProgress" ? ">" : " ")
                    return "\(label)    [\(mark)] \(step.step)"
                }
        case .approvalRequested(let request):
            var subject =
                request.command ?? request.changes?.map(\.path).joined(separator: ", ") ?? request.permissionsSummary
                ?? request.kind
            if let cwd = request.cwd { subject += " (in \(cwd))" }
            let id = String(request.approvalID.prefix(8))
            return [
                "\(label) ?? approval \(id) wanted for \(request.kind): \(subject)"
                    + (request.reason.map { " — \($0)" } ?? ""),
                "\(label)    answer with `codeswarm approve \(id)` or `codeswarm decline \(id)`",
            ]
        case .approvalDecided(let approvalID, let decision, let by, let rule):
            let name = AppServer.ApprovalDecision.name(of: decision) ?? "answered"
            let who = by == "rule" ? "rule \"\(rule ?? "")\"" : by
            return ["\(label) -- approval \(approvalID.prefix(8)): \(name) (by \(who))"]
        case .approvalClosed(let approvalID, let reason):
            return ["\(label) -- approval \(approvalID.prefix(8)) closed: \(reason)"]
        default:
            return nil
        }
    }

    /// `text` split into lines, each with `prefix`; a final newline does not make an empty line.
    static func pieces(_ text: String, prefix: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts.map { prefix + $0 }
    }
}

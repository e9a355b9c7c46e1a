/// One file a `fileChange` item adds, deletes or updates, with its unified diff (`FileUpdateChange`).
package struct FileChange: Sendable, Hashable, Codable {
    package var path: String
    /// `add`, `delete` or `update`.
    package var kind: String
    /// Where an update moves the file, if it does.
    package var movePath: String?
    package var diff: String

    package init(path: String, kind: String, movePath: String? = nil, diff: String) {
        self.path = path
        self.kind = kind
        self.movePath = movePath
        self.diff = diff
    }

    /// The changes of a `fileChange` item's `changes` array (entries without a path are skipped).
    package static func list(from json: JSONValue?) -> [FileChange] {
        (json?.arrayValue ?? []).compactMap { change in
            guard let path = change["path"]?.stringValue else { return nil }
            let kind = change["kind"]
            return FileChange(
                path: path, kind: kind?["type"]?.stringValue ?? kind?.stringValue ?? "update",
                movePath: kind?["move_path"]?.stringValue, diff: change["diff"]?.stringValue ?? "")
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, kind, diff
        case movePath = "move_path"
    }
}

/// One step of the agent's plan (`turn/plan/updated`): `status` is `pending`, `inProgress` or `completed`.
package struct PlanStep: Sendable, Hashable, Codable {
    package var step: String
    package var status: String

    package init(step: String, status: String) {
        self.step = step
        self.status = status
    }
}

/// What a person needs to decide one approval the agent asked for (`approval_requested`, `approvals_list`).
package struct ApprovalRequest: Sendable, Hashable, Codable {
    /// The router's id for this approval (answer it with `approval_decide`).
    package var approvalID: String
    /// `command`, `file_change` or `permissions`.
    package var kind: String
    /// The app-server method that asked (`item/commandExecution/requestApproval`, …).
    package var method: String
    /// The item the request is about (the original protocol's `call_id`).
    package var itemID: String?
    package var command: String?
    package var cwd: String?
    package var reason: String?
    /// `file_change`: the files and diffs of the item, when the agent announced them.
    package var changes: [FileChange]?
    /// `permissions`: what the agent asks to be granted (codex's `permissions` object).
    package var permissions: JSONValue?
    /// The decisions the agent offers (`"accept"`, `{"acceptWithExecpolicyAmendment": …}`, `"cancel"`, …).
    package var availableDecisions: [JSONValue]
    /// `command`: the exec-policy rule the agent proposes to remember with `acceptWithExecpolicyAmendment`.
    package var proposedExecpolicyAmendment: JSONValue?
    /// When the agent asked (Unix ms, the agent's clock).
    package var startedAtMs: Int?
    /// When the router saw the request (wire timestamp): the age shown to people counts from here.
    package var createdAt: String

    package init(
        approvalID: String, kind: String, method: String, itemID: String? = nil, command: String? = nil,
        cwd: String? = nil, reason: String? = nil, changes: [FileChange]? = nil, permissions: JSONValue? = nil,
        availableDecisions: [JSONValue] = [], proposedExecpolicyAmendment: JSONValue? = nil, startedAtMs: Int? = nil,
        createdAt: String
    ) {
        self.approvalID = approvalID
        self.kind = kind
        self.method = method
        self.itemID = itemID
        self.command = command
        self.cwd = cwd
        self.reason = reason
        self.changes = changes
        self.permissions = permissions
        self.availableDecisions = availableDecisions
        self.proposedExecpolicyAmendment = proposedExecpolicyAmendment
        self.startedAtMs = startedAtMs
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case kind, method, command, cwd, reason, changes, permissions
        case approvalID = "approval_id"
        case itemID = "item_id"
        case availableDecisions = "available_decisions"
        case proposedExecpolicyAmendment = "proposed_execpolicy_amendment"
        case startedAtMs = "started_at_ms"
        case createdAt = "created_at"
    }
}

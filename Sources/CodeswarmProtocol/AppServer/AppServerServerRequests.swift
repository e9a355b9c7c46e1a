extension AppServer {
    /// `item/commandExecution/requestApproval` params: codex wants to run `command` and waits for a decision.
    package struct CommandApprovalRequest: Sendable, Hashable {
        package var threadID: String
        package var turnID: String
        package var itemID: String
        /// Unix ms when the approval was asked.
        package var startedAtMs: Int
        package var environmentID: String?
        package var command: String?
        package var cwd: String?
        package var reason: String?
        package var commandActions: [JSONValue]
        /// The decisions codex offers for this request (`accept`, `{acceptWithExecpolicyAmendment: …}`, `cancel`).
        package var availableDecisions: [JSONValue]

        package init(
            threadID: String, turnID: String, itemID: String, startedAtMs: Int, environmentID: String? = "local",
            command: String?, cwd: String?, reason: String? = nil, commandActions: [JSONValue] = [],
            availableDecisions: [JSONValue] = ["accept", "cancel"]
        ) {
            self.threadID = threadID
            self.turnID = turnID
            self.itemID = itemID
            self.startedAtMs = startedAtMs
            self.environmentID = environmentID
            self.command = command
            self.cwd = cwd
            self.reason = reason
            self.commandActions = commandActions
            self.availableDecisions = availableDecisions
        }

        package init?(_ json: JSONValue) {
            guard let threadID = json["threadId"]?.stringValue, let turnID = json["turnId"]?.stringValue,
                let itemID = json["itemId"]?.stringValue
            else { return nil }
            self.init(
                threadID: threadID, turnID: turnID, itemID: itemID, startedAtMs: json["startedAtMs"]?.intValue ?? 0,
                environmentID: json["environmentId"]?.stringValue,
                command: json["command"].flatMap(CommandExecution.commandText), cwd: json["cwd"]?.stringValue,
                reason: json["reason"]?.stringValue, commandActions: json["commandActions"]?.arrayValue ?? [],
                availableDecisions: json["availableDecisions"]?.arrayValue ?? [])
        }

        package var json: JSONValue {
            var members: [String: JSONValue] = [
                "kind": "command", "threadId": .string(threadID), "turnId": .string(turnID),
                "itemId": .string(itemID), "startedAtMs": .int(startedAtMs),
                "environmentId": .string(orNull: environmentID), "command": .string(orNull: command),
                "cwd": .string(orNull: cwd), "commandActions": .array(commandActions),
                "availableDecisions": .array(availableDecisions),
            ]
            if let reason { members["reason"] = .string(reason) }
            return .object(members)
        }
    }

    /// The decision strings of `CommandExecutionApprovalDecision` / `FileChangeApprovalDecision` Codeswarm sends:
    /// `decline` denies and lets the turn go on, `cancel` denies and interrupts the turn.
    package enum ApprovalDecision: String, Sendable, Hashable, CaseIterable {
        case accept
        case acceptForSession
        case decline
        case cancel

        /// The legacy v1 `ReviewDecision` (snake_case) for this decision; a denial carries its reason.
        package var legacyReviewDecision: JSONValue {
            switch self {
            case .accept: "approved"
            case .acceptForSession: "approved_for_session"
            case .decline: ["denied": ["rejection": "declined by the Codeswarm worker's approval policy"]]
            case .cancel: "abort"
            }
        }

        /// The decision's name in an answer: the string, or the single key of an object decision.
        package static func name(of decision: JSONValue) -> String? {
            decision.stringValue ?? decision.objectValue?.keys.sorted().first
        }
    }

    /// The answer to an approval request: `{decision}`.
    package struct ApprovalResponse: Sendable, Hashable {
        package var decision: JSONValue

        package init(decision: JSONValue) { self.decision = decision }

        package init(_ decision: ApprovalDecision) { self.decision = .string(decision.rawValue) }

        package var json: JSONValue { ["decision": decision] }
    }

    /// The answer to `item/permissions/requestApproval`: the permissions granted and for how long.
    package struct PermissionsResponse: Sendable, Hashable {
        package var permissions: JSONValue
        /// `turn` or `session`.
        package var scope: String

        package init(permissions: JSONValue, scope: String) {
            self.permissions = permissions
            self.scope = scope
        }

        package var json: JSONValue { ["permissions": permissions, "scope": .string(scope)] }
    }
}

import CodeswarmProtocol

/// The worker's answer to every server request the agent can send, so no turn waits on a person forever.
enum ServerRequestPolicy {
    /// JSON-RPC "method not found".
    static let methodNotFound = -32601

    /// The complete JSON-RPC response (`result` or `error`) to the request `method` with `id`, for `decision`.
    ///
    /// `id` is echoed unchanged, so a string id stays a string and a number stays a number.
    static func answer(id: JSONValue, method: String, params: JSONValue, decision: String) -> JSONValue {
        switch method {
        case "item/commandExecution/requestApproval", "item/fileChange/requestApproval":
            return ["id": id, "result": ["decision": .string(decision)]]
        case "execCommandApproval", "applyPatchApproval":
            return ["id": id, "result": ["decision": .string(reviewDecision(for: decision))]]
        case "item/permissions/requestApproval":
            return ["id": id, "result": permissions(requested: params["permissions"], decision: decision)]
        default:
            return [
                "id": id,
                "error": [
                    "code": .number(Double(methodNotFound)),
                    "message": .string("\(method) is not supported by codeswarm worker"),
                ],
            ]
        }
    }

    /// The legacy v1 `ReviewDecision` (snake_case) for a v2 decision.
    static func reviewDecision(for decision: String) -> String {
        switch decision {
        case "accept": "approved"
        case "acceptForSession": "approved_for_session"
        case "cancel": "abort"
        default: "denied"
        }
    }

    /// Grants what was asked only when the policy accepts; otherwise grants nothing for this turn.
    private static func permissions(requested: JSONValue?, decision: String) -> JSONValue {
        switch decision {
        case "accept": ["permissions": requested ?? [:], "scope": "turn"]
        case "acceptForSession": ["permissions": requested ?? [:], "scope": "session"]
        default: ["permissions": [:], "scope": "turn"]
        }
    }
}

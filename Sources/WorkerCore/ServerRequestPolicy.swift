import CodeswarmProtocol

/// The worker's answer to every server request the agent can send, so no turn waits on a person forever.
enum ServerRequestPolicy {
    /// The complete JSON-RPC response (`result` or `error`) to the request `method` with `id`, for `decision`.
    ///
    /// `id` is echoed unchanged, so a string id stays a string and a number stays a number.
    static func answer(id: JSONValue, method: String, params: JSONValue, decision: AppServer.ApprovalDecision)
        -> JSONValue
    {
        let result: JSONValue
        switch AppServer.ServerRequestMethod(rawValue: method) {
        case .commandExecutionApproval, .fileChangeApproval:
            result = AppServer.ApprovalResponse(decision).json
        case .legacyExecCommandApproval, .legacyApplyPatchApproval:
            result = AppServer.ApprovalResponse(decision: decision.legacyReviewDecision).json
        case .permissionsApproval:
            result = permissions(requested: params["permissions"], decision: decision).json
        case .mcpElicitation:
            // Nobody can fill in an MCP server's form on a compute node: decline it so the tool call ends properly.
            result = ["action": "decline", "content": nil]
        case .toolRequestUserInput, .toolCall, .chatgptAuthTokensRefresh, .attestationGenerate, nil:
            return AppServer.Message.error(
                id: id, code: AppServer.ErrorCode.methodNotFound,
                message: "\(method) is not supported by codeswarm worker"
            ).json
        }
        return AppServer.Message.response(id: id, result: result).json
    }

    /// The response for a person's decision, a name or a decision object: command approvals get it as is (an
    /// `{acceptWithExecpolicyAmendment: …}` object included); other methods get the decision its name stands for.
    static func answer(id: JSONValue, method: String, params: JSONValue, decision: JSONValue) -> JSONValue {
        let name = AppServer.ApprovalDecision.name(of: decision) ?? "decline"
        let simple =
            AppServer.ApprovalDecision(rawValue: name) ?? (name.hasPrefix("accept") ? .accept : .decline)
        if AppServer.ServerRequestMethod(rawValue: method) == .commandExecutionApproval {
            return AppServer.Message.response(id: id, result: AppServer.ApprovalResponse(decision: decision).json).json
        }
        return answer(id: id, method: method, params: params, decision: simple)
    }

    /// Grants what was asked only when the policy accepts; otherwise grants nothing for this turn.
    private static func permissions(requested: JSONValue?, decision: AppServer.ApprovalDecision)
        -> AppServer.PermissionsResponse
    {
        switch decision {
        case .accept: AppServer.PermissionsResponse(permissions: requested ?? [:], scope: "turn")
        case .acceptForSession: AppServer.PermissionsResponse(permissions: requested ?? [:], scope: "session")
        case .decline, .cancel: AppServer.PermissionsResponse(permissions: [:], scope: "turn")
        }
    }
}

import CodeswarmProtocol

/// Translates one app-server JSON-RPC message (from a `codex_rpc` outbox line) into stream event bodies.
///
/// Current app-server notifications come first; the seed's `codex/event/*` forms are a fallback for old
/// agents. Missing or oddly typed fields never crash: the message is simply not translated.
enum AgentTraffic {
    /// What one message means for the node.
    struct Translation: Equatable {
        var bodies: [StreamEvent.Body] = []
        /// The turn id the message names, if any.
        var turnID: String?
        /// The node's new agent state, if the message changes it.
        var agentState: AgentState?
        /// A server request to remember until answered (approvals).
        var serverRequest: (id: String, request: PendingServerRequest)?

        static func == (lhs: Translation, rhs: Translation) -> Bool {
            lhs.bodies == rhs.bodies && lhs.turnID == rhs.turnID && lhs.agentState == rhs.agentState
                && lhs.serverRequest?.id == rhs.serverRequest?.id
                && lhs.serverRequest?.request == rhs.serverRequest?.request
        }
    }

    static func translate(_ payload: JSONValue) -> Translation {
        var result = Translation()
        guard let method = payload["method"]?.stringValue else { return result }
        let params = payload["params"] ?? .null
        result.turnID = params["turnId"]?.stringValue ?? params["turn"]?["id"]?.stringValue
        if let id = payload["id"], !id.isNull {
            // A server request: the agent waits for the worker's answer.
            let command = params["command"].flatMap(commandText)
            result.serverRequest = (requestKey(id), PendingServerRequest(method: method, command: command))
            if method.hasSuffix("requestApproval") || method == "execCommandApproval" || method == "applyPatchApproval"
            {
                result.agentState = .waitingForApproval
            }
            return result
        }
        switch method {
        case "turn/started":
            result.bodies = [.turnStarted]
            result.agentState = .working
        case "turn/completed":
            let turn = params["turn"] ?? .null
            let error = turn["error"]?["message"]?.stringValue
            result.bodies = [.turnComplete(status: turn["status"]?.stringValue, error: error)]
            result.agentState = .idle
        case "item/agentMessage/delta":
            if let delta = params["delta"]?.stringValue { result.bodies = [.assistantDelta(content: delta)] }
        case "item/started":
            let item = params["item"] ?? .null
            if item["type"]?.stringValue == "commandExecution" {
                result.bodies = [
                    .commandStarted(command: commandText(item["command"] ?? .null) ?? "", cwd: item["cwd"]?.stringValue)
                ]
            }
        case "item/completed":
            let item = params["item"] ?? .null
            switch item["type"]?.stringValue {
            case "agentMessage":
                if let text = item["text"]?.stringValue { result.bodies = [.assistant(content: text)] }
            case "commandExecution":
                result.bodies = [
                    .commandCompleted(
                        command: commandText(item["command"] ?? .null) ?? "", exitCode: item["exitCode"]?.intValue,
                        output: item["aggregatedOutput"]?.stringValue)
                ]
            default:
                break
            }
        case "thread/tokenUsage/updated":
            if let usage = tokenUsage(params["tokenUsage"]) { result.bodies = [.usage(usage)] }
        case "thread/status/changed":
            let status = params["status"] ?? .null
            let type = status["type"]?.stringValue ?? "unknown"
            let flags = status["activeFlags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            result.bodies = [.agentStatus(status: type, flags: flags)]
            switch type {
            case "idle": result.agentState = .idle
            case "active": result.agentState = flags.contains("waitingOnApproval") ? .waitingForApproval : .working
            case "systemError": result.agentState = .error
            default: break
            }
        case "error":
            let error = params["error"] ?? .null
            let message = error["message"]?.stringValue ?? "agent error"
            result.bodies = [
                .agentError(
                    message: message, code: error["codexErrorInfo"].flatMap(errorCode),
                    willRetry: params["willRetry"]?.boolValue)
            ]
        case "codex/event/agent_message_content_delta", "codex/event/agent_message_delta":
            if let delta = params["msg"]?["delta"]?.stringValue { result.bodies = [.assistantDelta(content: delta)] }
        case "codex/event/agent_message":
            if let message = params["msg"]?["message"]?.stringValue { result.bodies = [.assistant(content: message)] }
        case "codex/event/token_count":
            let total = params["msg"]?["info"]?["total_token_usage"]
            if let tokens = total?["total_tokens"]?.intValue {
                result.bodies = [
                    .usage(
                        TokenUsage(
                            totalTokens: tokens, inputTokens: total?["input_tokens"]?.intValue,
                            cachedInputTokens: total?["cached_input_tokens"]?.intValue,
                            outputTokens: total?["output_tokens"]?.intValue,
                            reasoningOutputTokens: total?["reasoning_output_tokens"]?.intValue))
                ]
            }
        case "codex/event/error":
            if let message = params["msg"]?["message"]?.stringValue {
                result.bodies = [.agentError(message: message, code: nil, willRetry: nil)]
            }
        default:
            break
        }
        return result
    }

    /// The worker's answer to a server request (`direction: to_agent`): the decision text, if any.
    static func answerDecision(_ payload: JSONValue) -> String? {
        if let error = payload["error"], !error.isNull {
            return "error: \(error["message"]?.stringValue ?? "rejected")"
        }
        let result = payload["result"] ?? .null
        if let decision = result["decision"]?.stringValue { return decision }
        if let decision = result["decision"]?.objectValue?.keys.first { return decision }
        if result["permissions"] != nil { return "permissions" }
        return nil
    }

    /// The key under which a JSON-RPC id is remembered (ids may be strings or numbers).
    static func requestKey(_ id: JSONValue) -> String {
        switch id {
        case .string(let text): "s:\(text)"
        case .number: "n:\(id.intValue.map(String.init) ?? "\(id)")"
        default: "v:\(id)"
        }
    }

    private static func tokenUsage(_ value: JSONValue?) -> TokenUsage? {
        guard let value, let total = value["total"], let tokens = total["totalTokens"]?.intValue else { return nil }
        return TokenUsage(
            totalTokens: tokens, inputTokens: total["inputTokens"]?.intValue,
            cachedInputTokens: total["cachedInputTokens"]?.intValue, outputTokens: total["outputTokens"]?.intValue,
            reasoningOutputTokens: total["reasoningOutputTokens"]?.intValue,
            modelContextWindow: value["modelContextWindow"]?.intValue)
    }

    private static func commandText(_ value: JSONValue) -> String? {
        if let text = value.stringValue { return text }
        if let parts = value.arrayValue?.compactMap(\.stringValue), !parts.isEmpty {
            return parts.joined(separator: " ")
        }
        return nil
    }

    private static func errorCode(_ value: JSONValue) -> String? {
        if let text = value.stringValue { return text }
        return value.objectValue?.keys.sorted().first
    }
}

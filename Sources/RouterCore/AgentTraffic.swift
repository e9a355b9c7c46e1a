import CodeswarmProtocol

/// Translates one app-server JSON-RPC message (from a `codex_rpc` outbox line) into stream event bodies.
///
/// The typed protocol (`AppServer`) reads current notifications; the seed's `codex/event/*` forms are a fallback for
/// old agents. Missing or oddly typed fields never crash: the message is simply not translated.
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
        /// The agent's version, from its `initialize` answer.
        var agentVersion: String?
        /// The key of a server request the agent reports resolved (`serverRequest/resolved`).
        var resolvedRequest: String?

        static func == (lhs: Translation, rhs: Translation) -> Bool {
            lhs.bodies == rhs.bodies && lhs.turnID == rhs.turnID && lhs.agentState == rhs.agentState
                && lhs.serverRequest?.id == rhs.serverRequest?.id
                && lhs.serverRequest?.request == rhs.serverRequest?.request && lhs.agentVersion == rhs.agentVersion
                && lhs.resolvedRequest == rhs.resolvedRequest
        }
    }

    static func translate(_ payload: JSONValue) -> Translation {
        var result = Translation()
        let message = AppServer.Message(payload)
        result.turnID = message.turnID
        switch message {
        case .response(_, let answer):
            // Only the initialize answer has a `userAgent`; it tells the node's agent version.
            result.agentVersion = AppServer.InitializeResponse(answer)?.agentVersion
            return result
        case .request(let id, let method, let params):
            // A server request: the agent waits for the worker's answer.
            let command = params["command"].flatMap(AppServer.CommandExecution.commandText)
            result.serverRequest = (requestKey(id), PendingServerRequest(method: method, command: command))
            if AppServer.ServerRequestMethod(rawValue: method)?.isApproval == true {
                result.agentState = .waitingForApproval
            }
            return result
        case .notification(let method, let params):
            if let known = AppServer.NotificationMethod(rawValue: method) {
                translate(known, params, into: &result)
            } else if let legacy = AppServer.LegacyEventMethod(rawValue: method) {
                result.bodies = translate(legacy, params)
            }
            return result
        case .errorResponse, .unrecognised:
            return result
        }
    }

    private static func translate(
        _ method: AppServer.NotificationMethod, _ params: JSONValue, into result: inout Translation
    ) {
        switch method {
        case .turnStarted:
            result.bodies = [.turnStarted]
            result.agentState = .working
        case .turnCompleted:
            // Read tolerantly: a status this version does not know is passed on as it came.
            let turn = params["turn"] ?? .null
            result.bodies = [
                .turnComplete(
                    status: turn["status"]?.stringValue, error: turn["error"].flatMap(AppServer.TurnError.init)?.message
                )
            ]
            result.agentState = .idle
        case .agentMessageDelta:
            if let delta = AppServer.ItemDelta(params) { result.bodies = [.assistantDelta(content: delta.delta)] }
        case .itemStarted:
            switch AppServer.ItemNotification(params)?.item {
            case .commandExecution(let command):
                result.bodies = [
                    .commandStarted(command: command.command, cwd: command.cwd.isEmpty ? nil : command.cwd)
                ]
            case .other(let item) where item["type"]?.stringValue == "fileChange":
                result.bodies = [fileChange(item, status: "inProgress")]
            default:
                break
            }
        case .itemCompleted:
            switch AppServer.ItemNotification(params)?.item {
            case .agentMessage(_, let text):
                result.bodies = [.assistant(content: text)]
            case .commandExecution(let command):
                result.bodies = [
                    .commandCompleted(
                        command: command.command, exitCode: command.exitCode, output: command.aggregatedOutput)
                ]
            case .reasoning(let id, let summary, _) where !summary.isEmpty:
                result.bodies = [.reasoning(itemID: id, content: summary.joined(separator: "\n\n"))]
            case .other(let item) where item["type"]?.stringValue == "fileChange":
                result.bodies = [fileChange(item, status: item["status"]?.stringValue)]
            default:
                break
            }
        case .commandExecutionOutputDelta:
            if let delta = params["delta"]?.stringValue, !delta.isEmpty {
                result.bodies = [.commandOutput(itemID: params["itemId"]?.stringValue, content: delta)]
            }
        case .reasoningSummaryTextDelta:
            if let delta = params["delta"]?.stringValue, !delta.isEmpty {
                result.bodies = [.reasoningDelta(itemID: params["itemId"]?.stringValue, content: delta)]
            }
        case .turnDiffUpdated:
            if let diff = params["diff"]?.stringValue { result.bodies = [.turnDiff(diff: diff)] }
        case .turnPlanUpdated:
            let plan = (params["plan"]?.arrayValue ?? []).compactMap { step -> PlanStep? in
                guard let text = step["step"]?.stringValue else { return nil }
                return PlanStep(step: text, status: step["status"]?.stringValue ?? "pending")
            }
            result.bodies = [.planUpdated(explanation: params["explanation"]?.stringValue, plan: plan)]
        case .serverRequestResolved:
            if let resolved = AppServer.ServerRequestResolved(params) {
                result.resolvedRequest = requestKey(resolved.requestID)
            }
        case .tokenUsageUpdated:
            if let usage = AppServer.TokenUsageUpdated(params) {
                result.bodies = [
                    .usage(
                        TokenUsage(
                            totalTokens: usage.total.totalTokens, inputTokens: usage.total.inputTokens,
                            cachedInputTokens: usage.total.cachedInputTokens, outputTokens: usage.total.outputTokens,
                            reasoningOutputTokens: usage.total.reasoningOutputTokens,
                            modelContextWindow: usage.modelContextWindow))
                ]
            }
        case .threadStatusChanged:
            let status = AppServer.ThreadStatusChanged(params)?.status ?? .other("unknown")
            result.bodies = [.agentStatus(status: status.type, flags: status.flags)]
            switch status {
            case .idle: result.agentState = .idle
            case .active(let flags):
                result.agentState =
                    flags.contains(AppServer.ThreadStatus.waitingOnApproval) ? .waitingForApproval : .working
            case .systemError: result.agentState = .error
            case .notLoaded, .other: break
            }
        case .error:
            if let error = AppServer.ErrorNotification(params) {
                result.bodies = [
                    .agentError(
                        message: error.error.message, code: error.error.code,
                        willRetry: params["willRetry"]?.boolValue)
                ]
            }
        case .warning, .configWarning, .deprecationNotice:
            if let warning = AppServer.Warning(method: method, params: params) {
                result.bodies = [.agentWarning(message: warning.text, kind: method.rawValue)]
            }
        case .threadStarted, .reasoningSummaryPartAdded, .rateLimitsUpdated:
            break
        }
    }

    private static func translate(_ method: AppServer.LegacyEventMethod, _ params: JSONValue) -> [StreamEvent.Body] {
        let event = params["msg"] ?? .null
        switch method {
        case .agentMessageContentDelta, .agentMessageDelta:
            return event["delta"]?.stringValue.map { [.assistantDelta(content: $0)] } ?? []
        case .agentMessage:
            return event["message"]?.stringValue.map { [.assistant(content: $0)] } ?? []
        case .tokenCount:
            let total = event["info"]?["total_token_usage"]
            guard let tokens = total?["total_tokens"]?.intValue else { return [] }
            return [
                .usage(
                    TokenUsage(
                        totalTokens: tokens, inputTokens: total?["input_tokens"]?.intValue,
                        cachedInputTokens: total?["cached_input_tokens"]?.intValue,
                        outputTokens: total?["output_tokens"]?.intValue,
                        reasoningOutputTokens: total?["reasoning_output_tokens"]?.intValue))
            ]
        case .error:
            return event["message"]?.stringValue.map { [.agentError(message: $0, code: nil, willRetry: nil)] } ?? []
        }
    }

    private static func fileChange(_ item: JSONValue, status: String?) -> StreamEvent.Body {
        .fileChange(itemID: item["id"]?.stringValue, status: status, changes: FileChange.list(from: item["changes"]))
    }

    /// The worker's answer to a server request (`direction: to_agent`): the decision text, if any.
    static func answerDecision(_ payload: JSONValue) -> String? {
        switch AppServer.Message(payload) {
        case .errorResponse(_, let error):
            return "error: \(error["message"]?.stringValue ?? "rejected")"
        case .response(_, let result):
            if let decision = result["decision"].flatMap(AppServer.ApprovalDecision.name(of:)) { return decision }
            return result["permissions"] != nil ? "permissions" : nil
        default:
            return nil
        }
    }

    /// A `worker_error` that is a warning for people rather than a failure, as its stream event.
    static func workerWarning(code: String?, message: String) -> StreamEvent.Body? {
        code == "agent_version_untested" ? .agentWarning(message: message, kind: "agent_version_untested") : nil
    }

    /// The key under which a JSON-RPC id is remembered (ids may be strings or numbers).
    static func requestKey(_ id: JSONValue) -> String {
        switch id {
        case .string(let text): "s:\(text)"
        case .number: "n:\(id.intValue.map(String.init) ?? "\(id)")"
        default: "v:\(id)"
        }
    }
}

/// An event streamed from a node's agent, labelled with the swarm, job, node and injection it belongs to.
package struct StreamEvent: Sendable, Hashable {
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeID: Int
    /// The injection whose turn produced this event; null before the first injection (as in the seed).
    package var injectionID: InjectionID?
    /// The agent's turn id (extension).
    package var turnID: String?
    /// The router's stream sequence number (extension): strictly increasing, never reused; resume point.
    package var seq: Int?
    package var body: Body

    package init(
        swarmID: SwarmID, jobID: JobID, nodeID: Int, injectionID: InjectionID?, turnID: String? = nil,
        seq: Int? = nil, body: Body
    ) {
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeID = nodeID
        self.injectionID = injectionID
        self.turnID = turnID
        self.seq = seq
        self.body = body
    }

    /// What happened.
    package enum Body: Sendable, Hashable {
        case turnStarted
        case assistantDelta(content: String)
        case assistant(content: String)
        /// `status` is the agent's turn status (`completed`, `interrupted`, `failed`).
        case turnComplete(status: String?, error: String?)
        case usage(TokenUsage)
        /// Extension: the agent's thread status (`idle`, `active`, `systemError`) and flags (`waitingOnApproval`).
        case agentStatus(status: String, flags: [String])
        /// Extension: the agent started running a command.
        case commandStarted(command: String, cwd: String?)
        /// Extension: a command finished.
        case commandCompleted(command: String, exitCode: Int?, output: String?)
        /// Extension: an approval request the worker answered by policy.
        case approvalAnswered(kind: String, decision: String, command: String?)
        /// Extension: an error from the agent or the worker (stall, crash, restart, bad inbox line).
        case agentError(message: String, code: String?, willRetry: Bool?)
        /// Extension: a warning for people, not a failure: codex's own `warning`, `configWarning` or
        /// `deprecationNotice` (`kind` names which), or the worker's `agent_version_untested`.
        case agentWarning(message: String, kind: String)
        /// Extension: the node's worker wrote `start`.
        case nodeStarted(hostname: String?)
        /// Extension: the node's worker wrote `complete` or vanished.
        case nodeEnded(reason: String)
        /// Extension: how the worker routed the injection: `steered` into the running turn `turn_id`, `new_turn`
        /// (`turn_id` started for it) or `queued` for the next turn; `reason` says why when it was not steered.
        case injectionRouted(how: String, reason: String?)
        /// Extension: output a running command printed (`item/commandExecution/outputDelta`).
        case commandOutput(itemID: String?, content: String)
        /// Extension: a piece of the model's reasoning summary (`item/reasoning/summaryTextDelta`).
        case reasoningDelta(itemID: String?, content: String)
        /// Extension: the whole reasoning summary of one item, once it is complete.
        case reasoning(itemID: String?, content: String)
        /// Extension: a `fileChange` item started (`inProgress`) or ended (`completed`, `failed`, `declined`).
        case fileChange(itemID: String?, status: String?, changes: [FileChange])
        /// Extension: the turn's whole unified diff so far (`turn/diff/updated`); each event replaces the last.
        case turnDiff(diff: String)
        /// Extension: the agent's plan for the turn (`turn/plan/updated`).
        case planUpdated(explanation: String?, plan: [PlanStep])
        /// Extension: the agent waits for a person to approve something (the worker holds the request).
        case approvalRequested(ApprovalRequest)
        /// Extension: an approval got its decision (`by`: `person`, `rule` (with `rule`), `timeout`); the worker
        /// then answers the agent (`approval_answered`).
        case approvalDecided(approvalID: String, decision: JSONValue, by: String, rule: String?)
        /// Extension: an approval ended without a decision (its turn ended, the agent withdrew it, the node ended).
        case approvalClosed(approvalID: String, reason: String)
        /// Extension: the node's agent opened its thread: a new one, or (`resumed`) the one it had before; `reason`
        /// says why a resume fell back to a new thread.
        case agentThread(threadID: String, rolloutPath: String?, resumed: Bool, reason: String?)

        /// The wire event name.
        package var name: String {
            switch self {
            case .turnStarted: "turn_started"
            case .assistantDelta: "assistant_delta"
            case .assistant: "assistant"
            case .turnComplete: "turn_complete"
            case .usage: "usage"
            case .agentStatus: "agent_status"
            case .commandStarted: "command_started"
            case .commandCompleted: "command_completed"
            case .approvalAnswered: "approval_answered"
            case .agentError: "agent_error"
            case .agentWarning: "agent_warning"
            case .nodeStarted: "node_started"
            case .nodeEnded: "node_ended"
            case .injectionRouted: "injection_routed"
            case .commandOutput: "command_output"
            case .reasoningDelta: "reasoning_delta"
            case .reasoning: "reasoning"
            case .fileChange: "file_change"
            case .turnDiff: "turn_diff"
            case .planUpdated: "plan_updated"
            case .approvalRequested: "approval_requested"
            case .approvalDecided: "approval_decided"
            case .approvalClosed: "approval_closed"
            case .agentThread: "agent_thread"
            }
        }

        /// Every stream event name.
        package static let names: Set<String> = [
            "turn_started", "assistant_delta", "assistant", "turn_complete", "usage", "agent_status",
            "command_started", "command_completed", "approval_answered", "agent_error", "node_started", "node_ended",
            "injection_routed", "command_output", "reasoning_delta", "reasoning", "file_change", "turn_diff",
            "plan_updated", "agent_warning", "approval_requested", "approval_decided", "approval_closed",
            "agent_thread",
        ]
    }
}

/// Token counts from `thread/tokenUsage/updated` (or the legacy `token_count`).
package struct TokenUsage: Sendable, Hashable, Codable {
    package var totalTokens: Int
    package var inputTokens: Int?
    package var cachedInputTokens: Int?
    package var outputTokens: Int?
    package var reasoningOutputTokens: Int?
    package var modelContextWindow: Int?
    /// Extension: what this turn used so far (the thread's totals above count every turn of the node's thread).
    package var turnTotalTokens: Int?
    package var turnInputTokens: Int?
    package var turnOutputTokens: Int?

    package init(
        totalTokens: Int, inputTokens: Int? = nil, cachedInputTokens: Int? = nil, outputTokens: Int? = nil,
        reasoningOutputTokens: Int? = nil, modelContextWindow: Int? = nil, turnTotalTokens: Int? = nil,
        turnInputTokens: Int? = nil, turnOutputTokens: Int? = nil
    ) {
        self.totalTokens = totalTokens
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.outputTokens = outputTokens
        self.reasoningOutputTokens = reasoningOutputTokens
        self.modelContextWindow = modelContextWindow
        self.turnTotalTokens = turnTotalTokens
        self.turnInputTokens = turnInputTokens
        self.turnOutputTokens = turnOutputTokens
    }

    enum CodingKeys: String, CodingKey {
        case totalTokens = "total_tokens"
        case inputTokens = "input_tokens"
        case cachedInputTokens = "cached_input_tokens"
        case outputTokens = "output_tokens"
        case reasoningOutputTokens = "reasoning_output_tokens"
        case modelContextWindow = "model_context_window"
        case turnTotalTokens = "turn_total_tokens"
        case turnInputTokens = "turn_input_tokens"
        case turnOutputTokens = "turn_output_tokens"
    }
}

extension StreamEvent {
    /// Encodes the flat `data` object: the origin fields plus the body's fields.
    func encodeData(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DataKey.self)
        try container.encode(swarmID, forKey: "swarm_id")
        try container.encode(jobID, forKey: "job_id")
        try container.encode(nodeID, forKey: "node_id")
        try container.encode(injectionID, forKey: "injection_id")
        try container.encodeIfPresent(turnID, forKey: "turn_id")
        try container.encodeIfPresent(seq, forKey: "seq")
        switch body {
        case .turnStarted:
            break
        case .assistantDelta(let content), .assistant(let content):
            try container.encode(content, forKey: "content")
        case .turnComplete(let status, let error):
            try container.encodeIfPresent(status, forKey: "status")
            try container.encodeIfPresent(error, forKey: "error")
        case .usage(let usage):
            try usage.encode(to: encoder)
        case .agentStatus(let status, let flags):
            try container.encode(status, forKey: "status")
            try container.encode(flags, forKey: "flags")
        case .commandStarted(let command, let cwd):
            try container.encode(command, forKey: "command")
            try container.encodeIfPresent(cwd, forKey: "cwd")
        case .commandCompleted(let command, let exitCode, let output):
            try container.encode(command, forKey: "command")
            try container.encodeIfPresent(exitCode, forKey: "exit_code")
            try container.encodeIfPresent(output, forKey: "output")
        case .approvalAnswered(let kind, let decision, let command):
            try container.encode(kind, forKey: "kind")
            try container.encode(decision, forKey: "decision")
            try container.encodeIfPresent(command, forKey: "command")
        case .agentError(let message, let code, let willRetry):
            try container.encode(message, forKey: "message")
            try container.encodeIfPresent(code, forKey: "code")
            try container.encodeIfPresent(willRetry, forKey: "will_retry")
        case .agentWarning(let message, let kind):
            try container.encode(message, forKey: "message")
            try container.encode(kind, forKey: "kind")
        case .nodeStarted(let hostname):
            try container.encodeIfPresent(hostname, forKey: "hostname")
        case .nodeEnded(let reason):
            try container.encode(reason, forKey: "reason")
        case .injectionRouted(let how, let reason):
            try container.encode(how, forKey: "how")
            try container.encodeIfPresent(reason, forKey: "reason")
        case .commandOutput(let itemID, let content), .reasoningDelta(let itemID, let content),
            .reasoning(let itemID, let content):
            try container.encodeIfPresent(itemID, forKey: "item_id")
            try container.encode(content, forKey: "content")
        case .fileChange(let itemID, let status, let changes):
            try container.encodeIfPresent(itemID, forKey: "item_id")
            try container.encodeIfPresent(status, forKey: "status")
            try container.encode(changes, forKey: "changes")
        case .turnDiff(let diff):
            try container.encode(diff, forKey: "diff")
        case .planUpdated(let explanation, let plan):
            try container.encodeIfPresent(explanation, forKey: "explanation")
            try container.encode(plan, forKey: "plan")
        case .approvalRequested(let request):
            try request.encode(to: encoder)
        case .approvalDecided(let approvalID, let decision, let by, let rule):
            try container.encode(approvalID, forKey: "approval_id")
            try container.encode(decision, forKey: "decision")
            try container.encode(by, forKey: "by")
            try container.encodeIfPresent(rule, forKey: "rule")
        case .approvalClosed(let approvalID, let reason):
            try container.encode(approvalID, forKey: "approval_id")
            try container.encode(reason, forKey: "reason")
        case .agentThread(let threadID, let rolloutPath, let resumed, let reason):
            try container.encode(threadID, forKey: "thread_id")
            try container.encodeIfPresent(rolloutPath, forKey: "rollout_path")
            try container.encode(resumed, forKey: "resumed")
            try container.encodeIfPresent(reason, forKey: "reason")
        }
    }

    /// Decodes the flat `data` object of the stream event called `name`.
    init(name: String, from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DataKey.self)
        func text(_ key: DataKey) throws -> String { try container.decode(String.self, forKey: key) }
        func optionalText(_ key: DataKey) throws -> String? { try container.decodeIfPresent(String.self, forKey: key) }
        let body: Body
        switch name {
        case "turn_started": body = .turnStarted
        case "assistant_delta": body = .assistantDelta(content: try text("content"))
        case "assistant": body = .assistant(content: try text("content"))
        case "turn_complete": body = .turnComplete(status: try optionalText("status"), error: try optionalText("error"))
        case "usage": body = .usage(try TokenUsage(from: decoder))
        case "agent_status":
            body = .agentStatus(
                status: try text("status"), flags: try container.decodeIfPresent([String].self, forKey: "flags") ?? [])
        case "command_started": body = .commandStarted(command: try text("command"), cwd: try optionalText("cwd"))
        case "command_completed":
            body = .commandCompleted(
                command: try text("command"), exitCode: try container.decodeIfPresent(Int.self, forKey: "exit_code"),
                output: try optionalText("output"))
        case "approval_answered":
            body = .approvalAnswered(
                kind: try text("kind"), decision: try text("decision"), command: try optionalText("command"))
        case "agent_error":
            body = .agentError(
                message: try text("message"), code: try optionalText("code"),
                willRetry: try container.decodeIfPresent(Bool.self, forKey: "will_retry"))
        case "agent_warning": body = .agentWarning(message: try text("message"), kind: try text("kind"))
        case "node_started": body = .nodeStarted(hostname: try optionalText("hostname"))
        case "node_ended": body = .nodeEnded(reason: try text("reason"))
        case "injection_routed": body = .injectionRouted(how: try text("how"), reason: try optionalText("reason"))
        case "command_output": body = .commandOutput(itemID: try optionalText("item_id"), content: try text("content"))
        case "reasoning_delta":
            body = .reasoningDelta(itemID: try optionalText("item_id"), content: try text("content"))
        case "reasoning": body = .reasoning(itemID: try optionalText("item_id"), content: try text("content"))
        case "file_change":
            body = .fileChange(
                itemID: try optionalText("item_id"), status: try optionalText("status"),
                changes: try container.decodeIfPresent([FileChange].self, forKey: "changes") ?? [])
        case "turn_diff": body = .turnDiff(diff: try text("diff"))
        case "plan_updated":
            body = .planUpdated(
                explanation: try optionalText("explanation"),
                plan: try container.decodeIfPresent([PlanStep].self, forKey: "plan") ?? [])
        case "approval_requested": body = .approvalRequested(try ApprovalRequest(from: decoder))
        case "approval_decided":
            body = .approvalDecided(
                approvalID: try text("approval_id"), decision: try container.decode(JSONValue.self, forKey: "decision"),
                by: try text("by"), rule: try optionalText("rule"))
        case "approval_closed": body = .approvalClosed(approvalID: try text("approval_id"), reason: try text("reason"))
        case "agent_thread":
            body = .agentThread(
                threadID: try text("thread_id"), rolloutPath: try optionalText("rollout_path"),
                resumed: try container.decodeIfPresent(Bool.self, forKey: "resumed") ?? false,
                reason: try optionalText("reason"))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a stream event: \(name)"))
        }
        self.init(
            swarmID: try container.decode(SwarmID.self, forKey: "swarm_id"),
            jobID: try container.decode(JobID.self, forKey: "job_id"),
            nodeID: try container.decode(Int.self, forKey: "node_id"),
            injectionID: try container.decodeIfPresent(InjectionID.self, forKey: "injection_id"),
            turnID: try optionalText("turn_id"),
            seq: try container.decodeIfPresent(Int.self, forKey: "seq"),
            body: body
        )
    }
}

/// A coding key made from any string, for flat objects whose keys depend on a discriminator.
struct DataKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { self.stringValue = value }
}

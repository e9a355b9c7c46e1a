/// The app-server protocol of `codex app-server` (v2, newline-delimited JSON-RPC without the `jsonrpc` member) as
/// far as Codeswarm uses it: method names here, message shapes in the sibling files. The authority is the JSON
/// Schema the pinned codex generates (`Tests/TestSupport/CodexFixtures/`); these types follow it.
package enum AppServer {}

extension AppServer {
    /// Requests a client (the worker) sends to codex.
    package enum ClientMethod: String, Sendable, Hashable, CaseIterable {
        case initialize
        case threadStart = "thread/start"
        case threadResume = "thread/resume"
        case turnStart = "turn/start"
        case turnSteer = "turn/steer"
        case turnInterrupt = "turn/interrupt"
    }

    /// Notifications a client sends to codex.
    package enum ClientNotificationMethod: String, Sendable, Hashable, CaseIterable {
        /// Ends the handshake, after the `initialize` response.
        case initialized
    }

    /// Notifications codex sends (the ones Codeswarm reads or the demo agent plays; others are ignored).
    package enum NotificationMethod: String, Sendable, Hashable, CaseIterable {
        case threadStarted = "thread/started"
        case threadStatusChanged = "thread/status/changed"
        case turnStarted = "turn/started"
        case turnCompleted = "turn/completed"
        case itemStarted = "item/started"
        case itemCompleted = "item/completed"
        case agentMessageDelta = "item/agentMessage/delta"
        case reasoningSummaryTextDelta = "item/reasoning/summaryTextDelta"
        case reasoningSummaryPartAdded = "item/reasoning/summaryPartAdded"
        case commandExecutionOutputDelta = "item/commandExecution/outputDelta"
        /// The turn's aggregated unified diff so far.
        case turnDiffUpdated = "turn/diff/updated"
        /// The agent's plan for the turn: `{explanation?, plan: [{step, status}]}`.
        case turnPlanUpdated = "turn/plan/updated"
        case tokenUsageUpdated = "thread/tokenUsage/updated"
        case serverRequestResolved = "serverRequest/resolved"
        case rateLimitsUpdated = "account/rateLimits/updated"
        /// A turn-level error (`willRetry` says whether codex tries again).
        case error
        /// Codex's own warnings, shown to people: per thread, about the config, about deprecated use.
        case warning
        case configWarning
        case deprecationNotice
    }

    /// Requests codex sends and a client must answer.
    package enum ServerRequestMethod: String, Sendable, Hashable, CaseIterable {
        case commandExecutionApproval = "item/commandExecution/requestApproval"
        case fileChangeApproval = "item/fileChange/requestApproval"
        case permissionsApproval = "item/permissions/requestApproval"
        case toolRequestUserInput = "item/tool/requestUserInput"
        case toolCall = "item/tool/call"
        case mcpElicitation = "mcpServer/elicitation/request"
        case chatgptAuthTokensRefresh = "account/chatgptAuthTokens/refresh"
        case attestationGenerate = "attestation/generate"
        /// Legacy v1 approvals: only for turns started through removed v1 methods, answered defensively.
        case legacyExecCommandApproval = "execCommandApproval"
        case legacyApplyPatchApproval = "applyPatchApproval"

        /// True for the requests that ask to approve an action (the node then waits for approval).
        package var isApproval: Bool {
            switch self {
            case .commandExecutionApproval, .fileChangeApproval, .permissionsApproval, .legacyExecCommandApproval,
                .legacyApplyPatchApproval:
                true
            case .toolRequestUserInput, .toolCall, .mcpElicitation, .chatgptAuthTokensRefresh, .attestationGenerate:
                false
            }
        }
    }

    /// The seed's v1 `codex/event/*` notifications, still translated for old agents.
    package enum LegacyEventMethod: String, Sendable, Hashable, CaseIterable {
        case agentMessageContentDelta = "codex/event/agent_message_content_delta"
        case agentMessageDelta = "codex/event/agent_message_delta"
        case agentMessage = "codex/event/agent_message"
        case tokenCount = "codex/event/token_count"
        case error = "codex/event/error"
    }

    /// JSON-RPC error codes codex uses.
    package enum ErrorCode {
        /// The message is not JSON.
        package static let parseError = -32700
        /// A bad request: unknown thread, no active turn, not initialized, a value codex does not accept.
        package static let invalidRequest = -32600
        /// An unknown method.
        package static let methodNotFound = -32601
        /// Ingress is saturated; retry with backoff.
        package static let overloaded = -32001
    }
}

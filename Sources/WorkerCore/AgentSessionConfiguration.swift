import CodeswarmProtocol

/// What one node's `AgentSession` needs to know: identity, the `thread/start` settings and its time limits.
package struct AgentSessionConfiguration: Sendable, Hashable {
    /// Why a configuration was refused.
    package struct InvalidSetting: Error, Hashable, CustomStringConvertible {
        package var description: String
    }

    /// The version the worker reports in `initialize.clientInfo`.
    package static let clientVersion = "0.1.0"

    package var jobID: JobID
    package var nodeID: Int
    /// The agent's working directory, sent as `thread/start.cwd`.
    package var workingDirectory: String
    package var sandbox: String
    package var approvalPolicy: String
    /// The answer to every approval request: `accept`, `acceptForSession`, `decline` or `cancel` (under `ask`,
    /// the answer to requests no person can be asked about).
    package var approvalDecision: AppServer.ApprovalDecision
    /// True under `approval_decision: ask`: approvals are held until a person's answer arrives in the inbox.
    package var holdsApprovals: Bool
    package var model: String?
    /// Agent silence during a turn after which the turn is reported stalled.
    package var stallTimeout: Duration
    /// Consecutive agent exits tolerated (each followed by a restart) before the worker gives up.
    package var restartLimit: Int
    /// How long shutdown waits for an interrupted turn to complete.
    package var drainTimeout: Duration
    /// How long the agent gets to exit after its stdin is closed, and again after SIGTERM.
    package var stopGrace: Duration
    /// Outbox silence after which the worker writes a `heartbeat` line (the router's sign that it lives).
    package var heartbeatInterval: Duration
    /// The thread this node's agent had in an earlier job of its swarm (`thread.json` in the node's swarm
    /// folder): opened with `thread/resume`; nil starts a new thread.
    package var resumeThreadID: String?
    /// Why a node of a resumed swarm has no thread to resume (reported with its new thread).
    package var missingThreadReason: String?

    /// Builds the configuration from the router's `worker.json`; throws for a setting the session cannot use.
    package init(
        settings: WorkerSettings, jobID: JobID, nodeID: Int, workingDirectory: String, stopGrace: Duration = .seconds(5)
    ) throws(InvalidSetting) {
        let asks = settings.approvalDecision == "ask"
        guard let decision = asks ? .decline : AppServer.ApprovalDecision(rawValue: settings.approvalDecision) else {
            throw InvalidSetting(
                description: "approval_decision \"\(settings.approvalDecision)\" is not one of "
                    + (AppServer.ApprovalDecision.allCases.map(\.rawValue) + ["ask"]).sorted().joined(separator: ", "))
        }
        if let heartbeat = settings.heartbeatSeconds, !(0.1...3600).contains(heartbeat) {
            throw InvalidSetting(description: "heartbeat_seconds must be between 0.1 and 3600, got \(heartbeat)")
        }
        guard settings.stallTimeoutSeconds > 0, settings.drainSeconds >= 0, settings.restartLimit >= 0 else {
            throw InvalidSetting(
                description: "stall_timeout_seconds must be positive, drain_seconds and restart_limit not negative")
        }
        self.jobID = jobID
        self.nodeID = nodeID
        self.workingDirectory = workingDirectory
        self.sandbox = settings.sandbox
        self.approvalPolicy = settings.approvalPolicy
        self.approvalDecision = decision
        self.holdsApprovals = asks
        self.model = settings.model
        self.stallTimeout = .seconds(settings.stallTimeoutSeconds)
        self.restartLimit = settings.restartLimit
        self.drainTimeout = .seconds(settings.drainSeconds)
        self.stopGrace = stopGrace
        self.heartbeatInterval = .milliseconds(Int64((settings.heartbeatSeconds ?? 10) * 1000))
    }
}

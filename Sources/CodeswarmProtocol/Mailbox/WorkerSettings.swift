/// What a worker needs to run one node: written by the router to `<base>/runs/<job>/worker.json` at launch.
package struct WorkerSettings: Sendable, Hashable, Codable {
    /// `<base>` on the shared filesystem (holds `mailbox/` and `runs/`).
    package var base: String
    /// The agent's argv. A first element `codeswarm` means this same binary (so `codeswarm demo-agent` works anywhere).
    package var agentCommand: [String]
    /// Extra environment for the agent.
    package var agentEnvironment: [String: String]
    /// `thread/start` sandbox: `read-only`, `workspace-write`, `danger-full-access`.
    package var sandbox: String
    /// `thread/start` approval policy: `untrusted`, `on-request`, `never`.
    package var approvalPolicy: String
    /// The answer to approval requests: `accept`, `acceptForSession`, `decline`, `cancel`.
    package var approvalDecision: String
    package var model: String?
    /// Seconds without agent output during a turn before the worker reports the turn stalled.
    package var stallTimeoutSeconds: Double
    /// Agent restarts allowed before the worker gives up and completes.
    package var restartLimit: Int
    /// Milliseconds between inbox polls while a turn runs (and right after one).
    package var inboxPollMilliseconds: Int
    /// The longest pause between inbox polls when idle; nil means the built-in default (300 ms).
    package var inboxIdlePollMilliseconds: Int?
    /// Whether to watch the inbox with inotify as well as polling; nil means yes.
    package var inotify: Bool?
    /// Seconds the worker waits on SIGTERM for the running turn to finish before stopping the agent.
    package var drainSeconds: Double
    /// Extension: seconds of outbox silence after which the worker writes a `heartbeat` line (default 10).
    package var heartbeatSeconds: Double?
    /// Extension: the swarm this launch belongs to; names the swarm's folder `<base>/swarms/<swarm>/`, which
    /// outlives its jobs (each node's thread record and, by default, its `CODEX_HOME`).
    package var swarmID: String?
    /// Extension: where each node's agent keeps its history (`CODEX_HOME`): `per_node` (the default:
    /// `<base>/swarms/<swarm>/node_<NN>/codex-home`, linked to the login's config and credentials), `inherit`
    /// (leave `CODEX_HOME` as the agent's environment sets it: one shared home), or an absolute path shared by
    /// every node.
    package var codexHome: String?
    /// Extension: the job whose agent folders (`runs/<job>/agent_<NN>`) are the nodes' working directories: the
    /// swarm's first job, so a resumed swarm works on the same files; nil means this job's own folders.
    package var workspaceJobID: String?
    /// Extension, for a resume: the last job whose workers ran. Before anything else, each worker appends the
    /// lines of that job's inbox which its worker never started (after its saved offset) to its own inbox, so
    /// prompts delivered to the old job run in the new one, in order.
    package var carryInboxFromJobID: String?

    package init(
        base: String, agentCommand: [String], agentEnvironment: [String: String] = [:],
        sandbox: String = "workspace-write", approvalPolicy: String = "never", approvalDecision: String = "decline",
        model: String? = nil, stallTimeoutSeconds: Double = 300, restartLimit: Int = 5, inboxPollMilliseconds: Int = 50,
        drainSeconds: Double = 20, inboxIdlePollMilliseconds: Int? = nil, inotify: Bool? = nil
    ) {
        self.base = base
        self.agentCommand = agentCommand
        self.agentEnvironment = agentEnvironment
        self.sandbox = sandbox
        self.approvalPolicy = approvalPolicy
        self.approvalDecision = approvalDecision
        self.model = model
        self.stallTimeoutSeconds = stallTimeoutSeconds
        self.restartLimit = restartLimit
        self.inboxPollMilliseconds = inboxPollMilliseconds
        self.drainSeconds = drainSeconds
        self.inboxIdlePollMilliseconds = inboxIdlePollMilliseconds
        self.inotify = inotify
    }

    enum CodingKeys: String, CodingKey {
        case base, sandbox, model, inotify
        case agentCommand = "agent_command"
        case agentEnvironment = "agent_environment"
        case approvalPolicy = "approval_policy"
        case approvalDecision = "approval_decision"
        case stallTimeoutSeconds = "stall_timeout_seconds"
        case restartLimit = "restart_limit"
        case inboxPollMilliseconds = "inbox_poll_milliseconds"
        case inboxIdlePollMilliseconds = "inbox_idle_poll_milliseconds"
        case drainSeconds = "drain_seconds"
        case heartbeatSeconds = "heartbeat_seconds"
        case swarmID = "swarm_id"
        case codexHome = "codex_home"
        case workspaceJobID = "workspace_job_id"
        case carryInboxFromJobID = "carry_inbox_from_job_id"
    }
}

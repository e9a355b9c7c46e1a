/// The router's configuration file (JSON): the seed's keys plus the provider, agent and local sections.
///
/// Every key is optional; `Configuration()` is the embedded default (local provider, agent chosen at run time).
public struct Configuration: Sendable, Hashable {
    /// `local` runs workers as processes on this machine; `slurm` submits a job per swarm.
    public var provider: String = "local"
    public var ssh = SSH()
    public var cluster = Cluster()
    public var slurm = Slurm()
    public var router = Router()
    public var agent = Agent()
    public var local = Local()

    public init() {}

    /// `ssh`: how to reach the cluster's login node.
    public struct SSH: Sendable, Hashable {
        /// An SSH host (an alias from an ssh config); nil or `local` means the router runs on the login node.
        public var loginAlias: String?
        /// An ssh config file passed as `ssh -F`.
        public var configFile: String?
        public var port: Int?
        public var identityFile: String?
        public var user: String?
        /// Seconds the control master stays up after its last use.
        public var controlPersistSeconds: Int = 600
        public var connectTimeoutSeconds: Int = 15
        public init() {}

        /// True when commands run over SSH (a login alias other than `local` is set).
        public var isRemote: Bool { loginAlias != nil && loginAlias != "local" }
    }

    /// `cluster`: the shared filesystem; `<base>` is `workspace_root/cluster_subdir`.
    public struct Cluster: Sendable, Hashable {
        public var workspaceRoot: String?
        public var clusterSubdir: String = "codeswarm"
        /// The static `codeswarm` executable deployed to `<base>/bin/`; nil uses `$CODESWARM_WORKER_BINARY`, then
        /// the running executable (which must then be static).
        public var workerBinary: String?
        public init() {}

        /// `<base>`, when a workspace root is configured.
        public var base: String? { workspaceRoot.map { "\($0)/\(clusterSubdir)" } }
    }

    /// `slurm`: defaults for `sbatch` and the scheduler polling etiquette.
    public struct Slurm: Sendable, Hashable {
        public var defaultPartition: String?
        public var defaultTime: String = "01:00:00"
        public var defaultAccount: String?
        public var defaultQos: String?
        /// Seconds between batched `squeue` calls.
        public var pollIntervalSeconds: Double = 5
        /// The floor under any poll interval, whatever else asks.
        public var minimumPollIntervalSeconds: Double = 2
        /// Extra environment for `sbatch`/`squeue`/`scancel` (for example `SLURM_CONF`).
        public var environment: [String: String] = [:]
        public init() {}
    }

    /// `router`: the daemon.
    public struct Router: Sendable, Hashable {
        public var host: String = "127.0.0.1"
        public var port: Int = ProtocolName.defaultPort
        /// Seconds a terminate waits for workers' `complete` before killing them.
        public var gracefulTerminateSeconds: Double = 20
        /// Bytes queued for one client before it is disconnected as too slow.
        public var clientQueueLimitBytes: Int = 16 * 1024 * 1024
        /// Stream events kept per node for late-attaching clients.
        public var transcriptEventsPerNode: Int = 4000
        /// Seconds a launch may take before its workers all start; then it fails and the job is cancelled.
        public var launchTimeoutSeconds: Double = 600
        /// Seconds a finished swarm stays in `swarm_list`.
        public var endedRetentionSeconds: Double = 3600
        public init() {}
    }

    /// `agent`: what each worker runs and how it answers the agent.
    public struct Agent: Sendable, Hashable {
        /// The agent's argv; nil picks `codex app-server --listen stdio://` when codex is on PATH, else the demo agent.
        public var command: [String]?
        /// `read-only`, `workspace-write` or `danger-full-access`.
        public var sandbox: String = "workspace-write"
        /// `untrusted`, `on-failure`, `on-request` or `never`.
        public var approvalPolicy: String = "never"
        /// How the worker answers approval requests: `accept`, `acceptForSession`, `decline` or `cancel`.
        public var approvalDecision: String = "decline"
        public var model: String?
        /// Seconds without agent output during a turn before the worker reports it stalled.
        public var stallTimeoutSeconds: Double = 300
        /// Agent restarts allowed before the worker gives up.
        public var restartLimit: Int = 5
        /// Extra environment for the agent.
        public var environment: [String: String] = [:]
        public init() {}
    }

    /// `local`: the local provider.
    public struct Local: Sendable, Hashable {
        /// `<base>` for local swarms; nil uses `<state dir>/local`.
        public var baseDirectory: String?
        public init() {}
    }
}

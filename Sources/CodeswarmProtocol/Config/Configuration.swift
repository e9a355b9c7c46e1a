/// The router's configuration file (JSON): the seed's keys plus the provider, agent and local sections.
///
/// Every key is optional; `Configuration()` is the embedded default (local provider, agent chosen at run time).
package struct Configuration: Sendable, Hashable {
    /// `local` runs workers as processes on this machine; `slurm` submits a job per swarm.
    package var provider: String = "local"
    package var ssh = SSH()
    package var cluster = Cluster()
    package var slurm = Slurm()
    package var router = Router()
    package var agent = Agent()
    package var local = Local()
    package var mailbox = Mailbox()

    package init() {}

    /// `ssh`: how to reach the cluster's login node.
    package struct SSH: Sendable, Hashable {
        /// An SSH host (an alias from an ssh config); nil or `local` means the router runs on the login node.
        package var loginAlias: String?
        /// An ssh config file passed as `ssh -F`.
        package var configFile: String?
        package var port: Int?
        package var identityFile: String?
        package var user: String?
        /// Seconds the control master stays up after its last use.
        package var controlPersistSeconds: Int = 600
        package var connectTimeoutSeconds: Int = 15
        package init() {}

        /// True when commands run over SSH (a login alias other than `local` is set).
        package var isRemote: Bool { loginAlias != nil && loginAlias != "local" }
    }

    /// `cluster`: the shared filesystem; `<base>` is `workspace_root/cluster_subdir`.
    package struct Cluster: Sendable, Hashable {
        package var workspaceRoot: String?
        package var clusterSubdir: String = "codeswarm"
        /// The static `codeswarm` executable deployed to `<base>/bin/`; nil uses `$CODESWARM_WORKER_BINARY`, then
        /// the running executable (which must then be static).
        package var workerBinary: String?
        package init() {}

        /// `<base>`, when a workspace root is configured.
        package var base: String? { workspaceRoot.map { "\($0)/\(clusterSubdir)" } }
    }

    /// `slurm`: defaults for `sbatch` and the scheduler polling etiquette.
    package struct Slurm: Sendable, Hashable {
        package var defaultPartition: String?
        package var defaultTime: String = "01:00:00"
        package var defaultAccount: String?
        package var defaultQos: String?
        /// Seconds between batched `squeue` calls.
        package var pollIntervalSeconds: Double = 5
        /// The floor under any poll interval, whatever else asks.
        package var minimumPollIntervalSeconds: Double = 2
        /// Extra environment for `sbatch`/`squeue`/`scancel` (for example `SLURM_CONF`).
        package var environment: [String: String] = [:]
        /// Further `sbatch` options, `--flag=value` or `--flag`, each written as its own `#SBATCH` line (checked
        /// when the router starts: a known flag or `--[a-z-]+`, a value from a safe character set).
        package var extraSbatch: [String] = []
        /// Shell lines the batch script runs before it starts the workers (`module load cuda/12`): the user's own
        /// code, run as them on the job's first node; what they export reaches every worker through srun. Read
        /// only from the config file, never from a client.
        package var setup: [String] = []
        /// Minutes of time left under which `status` and the dashboard mark a swarm and the router warns once.
        package var timeLeftWarningMinutes: Int = 10
        /// Automatic resumes after a time limit, preemption or node failure, for launches that do not say
        /// (`auto_resume`); 0 never resumes on its own.
        package var autoResume: Int = 0
        package init() {}
    }

    /// `router`: the daemon.
    package struct Router: Sendable, Hashable {
        package var host: String = "127.0.0.1"
        package var port: Int = ProtocolName.defaultPort
        /// Seconds a terminate waits for workers' `complete` before killing them.
        package var gracefulTerminateSeconds: Double = 20
        /// Bytes queued for one client before it is disconnected as too slow.
        package var clientQueueLimitBytes: Int = 16 * 1024 * 1024
        /// Stream events kept per node for late-attaching clients.
        package var transcriptEventsPerNode: Int = 4000
        /// Seconds a launch may take before its workers all start; then it fails and the job is cancelled.
        package var launchTimeoutSeconds: Double = 600
        /// Seconds a finished swarm stays in `swarm_list`.
        package var endedRetentionSeconds: Double = 3600
        /// Seconds of outbox silence after which a worker writes a heartbeat line.
        package var workerHeartbeatSeconds: Double = 10
        /// Seconds of silence (no line, no heartbeat) after which a started worker is presumed dead and its node
        /// ended; at least three heartbeats.
        package var heartbeatTimeoutSeconds: Double = 35
        /// Serve only clients that present the token from `<state dir>/router.token` (`hello` or the envelope's
        /// `token`); off by default so seed-era clients keep working.
        package var requireToken = false
        package init() {}
    }

    /// `agent`: what each worker runs and how it answers the agent.
    package struct Agent: Sendable, Hashable {
        /// The agent's argv; nil picks `codex app-server --listen stdio://` when codex is on PATH, else the demo agent.
        package var command: [String]?
        /// `read-only`, `workspace-write` or `danger-full-access`.
        package var sandbox: String = "workspace-write"
        /// `untrusted`, `on-request` or `never` (codex 0.163 refuses `on-failure`).
        package var approvalPolicy: String = "never"
        /// How the worker answers approval requests: `accept`, `acceptForSession`, `decline` or `cancel`, or `ask`
        /// (hold it and ask a person; the default when `approval_policy` is not `never`).
        package var approvalDecision: String = "decline"
        /// Rules the router applies to approvals before asking a person (first match wins).
        package var approvalRules: [ApprovalRule] = []
        /// Seconds an approval waits for a person before `approvalTimeoutDecision` answers it; nil waits forever.
        package var approvalTimeoutSeconds: Double?
        /// The answer given when an approval times out (`decline` by default: the turn goes on without it).
        package var approvalTimeoutDecision: String = "decline"
        package var model: String?
        /// Seconds without agent output during a turn before the worker reports it stalled.
        package var stallTimeoutSeconds: Double = 300
        /// Agent restarts allowed before the worker gives up.
        package var restartLimit: Int = 5
        /// Extra environment for the agent.
        package var environment: [String: String] = [:]
        /// Where each node's agent keeps its history: `per_node` (under the swarm's folder, linked to the login's
        /// config and credentials), `inherit` (the `CODEX_HOME` the agent gets anyway: one shared home), or an
        /// absolute path shared by every node.
        package var codexHome: String = "per_node"
        package init() {}
    }

    /// `mailbox`: how the workers and the relay look for changes in mailbox files (see docs/PERFORMANCE.md).
    package struct Mailbox: Sendable, Hashable {
        /// Milliseconds between looks at a file while its node streams or an answer is due.
        package var pollActiveMilliseconds: Int = 50
        /// The longest pause between looks at an idle node's file: each look is one `open` on the shared filesystem.
        package var pollIdleMilliseconds: Int = 300
        /// Also watch the mailbox folders with inotify (instant on local filesystems; writes from other hosts of
        /// NFS, Lustre or GPFS raise no event there, so the poll stays on).
        package var inotify: Bool = true
        package init() {}

        /// The `codeswarm relay` options that carry these settings.
        package var relayArguments: [String] {
            ["--poll-active-ms", String(pollActiveMilliseconds), "--poll-idle-ms", String(pollIdleMilliseconds)]
                + (inotify ? [] : ["--no-inotify"])
        }
    }

    /// `local`: the local provider.
    package struct Local: Sendable, Hashable {
        /// `<base>` for local swarms; nil uses `<state dir>/local`.
        package var baseDirectory: String?
        package init() {}
    }
}

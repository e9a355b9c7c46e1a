import CodeswarmProtocol

/// The parts of the configuration the core's decisions depend on.
package struct RouterCoreSettings: Sendable, Hashable {
    /// The provider used when a launch names none.
    package var defaultProvider: String
    /// Providers this router can use.
    package var availableProviders: Set<String>
    package var defaultPartition: String?
    package var defaultTime: String?
    package var defaultAccount: String?
    package var defaultQos: String?
    package var gracefulTerminateSeconds: Double
    package var launchTimeoutSeconds: Double
    package var endedRetentionSeconds: Double
    /// Journaled events kept per node for late clients.
    package var transcriptEventsPerNode: Int
    /// Seconds to wait after a job is seen finished for its last outbox lines.
    package var drainSeconds: Double
    /// Seconds to wait, once every Slurm worker has ended, for the scheduler's final state of the job.
    package var finalStateWaitSeconds: Double = 15
    /// A description of the agent command, reported in `swarm_launched`.
    package var agentDescription: String?
    /// Seconds between observation polls, per provider (`local`: process checks; `slurm`: one batched `squeue`).
    package var pollIntervalSeconds: [String: Double] = ["local": 0.5, "slurm": 5]
    /// How often a worker writes a heartbeat line when it has nothing else to say (it is in `worker.json`).
    package var workerHeartbeatSeconds: Double = 10
    /// Silence after which a started worker is presumed dead and its node ended (a few missed heartbeats).
    package var workerSilenceSeconds: Double = 35
    /// How long after a worker process is seen gone its last outbox lines may still arrive.
    package var nodeGoneGraceSeconds: Double = 2
    /// Rules that answer approvals by command prefix before a person is asked (`agent.approval_rules`).
    package var approvalRules: [ApprovalRule] = []
    /// Seconds an approval waits for a person before `approvalTimeoutDecision` answers it; nil waits forever.
    package var approvalTimeoutSeconds: Double?
    package var approvalTimeoutDecision = "decline"
    /// Seconds of time left at or under which a swarm is marked short of time and the router warns once
    /// (`slurm.time_left_warning_minutes`); 0 turns it off.
    package var timeLeftWarningSeconds = 600
    /// Automatic resumes for a launch that does not say (`slurm.auto_resume`).
    package var autoResume = 0

    package init(
        defaultProvider: String = "local", availableProviders: Set<String> = ["local"], defaultPartition: String? = nil,
        defaultTime: String? = nil, defaultAccount: String? = nil, defaultQos: String? = nil,
        gracefulTerminateSeconds: Double = 20, launchTimeoutSeconds: Double = 600, endedRetentionSeconds: Double = 3600,
        transcriptEventsPerNode: Int = 4000, drainSeconds: Double = 2, agentDescription: String? = nil
    ) {
        self.defaultProvider = defaultProvider
        self.availableProviders = availableProviders
        self.defaultPartition = defaultPartition
        self.defaultTime = defaultTime
        self.defaultAccount = defaultAccount
        self.defaultQos = defaultQos
        self.gracefulTerminateSeconds = gracefulTerminateSeconds
        self.launchTimeoutSeconds = launchTimeoutSeconds
        self.endedRetentionSeconds = endedRetentionSeconds
        self.transcriptEventsPerNode = transcriptEventsPerNode
        self.drainSeconds = drainSeconds
        self.agentDescription = agentDescription
    }
}

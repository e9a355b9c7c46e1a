/// The parts of the configuration the core's decisions depend on.
public struct RouterCoreSettings: Sendable, Hashable {
    /// The provider used when a launch names none.
    public var defaultProvider: String
    /// Providers this router can use.
    public var availableProviders: Set<String>
    public var defaultPartition: String?
    public var defaultTime: String?
    public var defaultAccount: String?
    public var defaultQos: String?
    public var gracefulTerminateSeconds: Double
    public var launchTimeoutSeconds: Double
    public var endedRetentionSeconds: Double
    /// Journaled events kept per node for late clients.
    public var transcriptEventsPerNode: Int
    /// Seconds to wait after a job is seen finished for its last outbox lines.
    public var drainSeconds: Double
    /// Seconds to wait, once every Slurm worker has ended, for the scheduler's final state of the job.
    public var finalStateWaitSeconds: Double = 15
    /// A description of the agent command, reported in `swarm_launched`.
    public var agentDescription: String?

    public init(
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

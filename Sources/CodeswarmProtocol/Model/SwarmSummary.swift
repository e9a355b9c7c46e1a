/// One swarm as listed by `swarm_list` (the seed's registry record plus additive fields).
package struct SwarmSummary: Sendable, Hashable, Codable {
    package var jobID: JobID
    package var nodeCount: Int
    package var systemPrompt: String
    package var partition: String?
    package var time: String?
    package var account: String?
    package var qos: String?
    package var status: SwarmState
    package var provider: ProviderName
    /// Slurm's state for the job (`PENDING`, `RUNNING`, …) or the local provider's equivalent.
    package var slurmState: String?
    /// Why the swarm ended, once it has.
    package var endedReason: String?
    /// When the launch was accepted (wire timestamp).
    package var createdAt: String?
    /// Tokens used so far, summed over nodes.
    package var totalTokens: Int?
    /// Seconds until the time limit, when one is known.
    package var timeLeftSeconds: Int?
    /// Extension: true while the time left is at most the router's `slurm.time_left_warning_minutes`; absent
    /// otherwise.
    package var timeLeftWarning: Bool?
    /// Extension: the launch's own sbatch options (`LaunchRequest.sbatch`, as a resume last changed them).
    package var sbatch: [String]?
    /// Extension: the swarm's jobs, oldest first, each with why it ended; the last is the current (or last) one.
    package var jobs: [JobSummary]?
    /// Extension: a resume under way or scheduled.
    package var resume: ResumeSummary?

    package init(
        jobID: JobID, nodeCount: Int, systemPrompt: String, partition: String? = nil, time: String? = nil,
        account: String? = nil, qos: String? = nil, status: SwarmState, provider: ProviderName,
        slurmState: String? = nil,
        endedReason: String? = nil, createdAt: String? = nil, totalTokens: Int? = nil, timeLeftSeconds: Int? = nil,
        jobs: [JobSummary]? = nil, resume: ResumeSummary? = nil
    ) {
        self.jobID = jobID
        self.nodeCount = nodeCount
        self.systemPrompt = systemPrompt
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
        self.status = status
        self.provider = provider
        self.slurmState = slurmState
        self.endedReason = endedReason
        self.createdAt = createdAt
        self.totalTokens = totalTokens
        self.timeLeftSeconds = timeLeftSeconds
        self.jobs = jobs
        self.resume = resume
    }

    /// The same summary with the extension fields the router adds set.
    package func with(timeLeftWarning: Bool?, sbatch: [String]? = nil) -> SwarmSummary {
        var copy = self
        copy.timeLeftWarning = timeLeftWarning
        copy.sbatch = sbatch
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case partition, time, account, qos, status, provider, jobs, resume, sbatch
        case jobID = "job_id"
        case nodeCount = "node_count"
        case systemPrompt = "system_prompt"
        case slurmState = "slurm_state"
        case endedReason = "ended_reason"
        case createdAt = "created_at"
        case totalTokens = "total_tokens"
        case timeLeftSeconds = "time_left_seconds"
        case timeLeftWarning = "time_left_warning"
    }
}

/// One node of a swarm as reported by `swarm_status` (extension).
package struct NodeSummary: Sendable, Hashable, Codable {
    package var nodeID: Int
    /// The Slurm node name (or host name) the worker reported in `start`.
    package var hostname: String?
    package var state: AgentState
    /// The injection the node is working on, if any.
    package var injectionID: InjectionID?
    /// When the current turn started (wire timestamp).
    package var turnStartedAt: String?
    /// When the node last produced anything (wire timestamp).
    package var lastActivityAt: String?
    package var totalTokens: Int
    /// The last error the node reported.
    package var lastError: String?
    /// The agent's version from its `initialize` answer (`0.163.0`; the demo agent says `0.163.0-demo`).
    package var agentVersion: String?
    /// Extension: the node's agent thread (durable across jobs), and whether its last opening resumed it.
    package var threadID: String?
    package var threadResumed: Bool?
    /// Extension: the injection whose turn the last job's end interrupted (continue it with an inject).
    package var interruptedInjectionID: InjectionID?

    package init(
        nodeID: Int, hostname: String? = nil, state: AgentState, injectionID: InjectionID? = nil,
        turnStartedAt: String? = nil, lastActivityAt: String? = nil, totalTokens: Int = 0, lastError: String? = nil,
        agentVersion: String? = nil, threadID: String? = nil, threadResumed: Bool? = nil,
        interruptedInjectionID: InjectionID? = nil
    ) {
        self.nodeID = nodeID
        self.hostname = hostname
        self.state = state
        self.injectionID = injectionID
        self.turnStartedAt = turnStartedAt
        self.lastActivityAt = lastActivityAt
        self.totalTokens = totalTokens
        self.lastError = lastError
        self.agentVersion = agentVersion
        self.threadID = threadID
        self.threadResumed = threadResumed
        self.interruptedInjectionID = interruptedInjectionID
    }

    enum CodingKeys: String, CodingKey {
        case hostname, state
        case nodeID = "node_id"
        case agentVersion = "agent_version"
        case injectionID = "injection_id"
        case turnStartedAt = "turn_started_at"
        case lastActivityAt = "last_activity_at"
        case totalTokens = "total_tokens"
        case lastError = "last_error"
        case threadID = "thread_id"
        case threadResumed = "thread_resumed"
        case interruptedInjectionID = "interrupted_injection_id"
    }
}

/// `swarm_launched`: the swarm exists and its workers have started.
package struct SwarmLaunched: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeCount: Int
    package var partition: String?
    package var time: String?
    package var account: String?
    package var qos: String?
    package var provider: ProviderName?
    /// A description of the agent command the workers run (extension).
    package var agent: String?

    package init(
        requestID: JSONValue, swarmID: SwarmID, jobID: JobID, nodeCount: Int, partition: String? = nil,
        time: String? = nil, account: String? = nil, qos: String? = nil, provider: ProviderName? = nil,
        agent: String? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeCount = nodeCount
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
        self.provider = provider
        self.agent = agent
    }

    enum CodingKeys: String, CodingKey {
        case partition, time, account, qos, provider, agent
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case nodeCount = "node_count"
    }
}

/// `swarm_launch_progress` (extension): a launch moved a step (submitted, pending with a reason, running, …).
///
/// It names the launch in `launch_request_id`, not `request_id`: a seed client takes the first event carrying its
/// request id as the launch's answer, and that must be `swarm_launched` or `command_rejected`.
package struct SwarmLaunchProgress: Sendable, Hashable, Codable {
    /// The launch's request id (`launch_request_id` on the wire; `request_id` from routers before that change).
    package var requestID: JSONValue
    package var swarmID: SwarmID?
    package var jobID: JobID?
    /// `accepted`, `submitted`, `pending`, `running`, `workers_starting`.
    package var stage: LaunchStage
    package var message: String
    package var slurmState: String?
    package var reason: String?
    package var nodesStarted: Int?
    package var nodeCount: Int?

    package init(
        requestID: JSONValue, swarmID: SwarmID? = nil, jobID: JobID? = nil, stage: LaunchStage, message: String,
        slurmState: String? = nil, reason: String? = nil, nodesStarted: Int? = nil, nodeCount: Int? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.stage = stage
        self.message = message
        self.slurmState = slurmState
        self.reason = reason
        self.nodesStarted = nodesStarted
        self.nodeCount = nodeCount
    }

    enum CodingKeys: String, CodingKey {
        case stage, message, reason
        case requestID = "launch_request_id"
        case legacyRequestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case slurmState = "slurm_state"
        case nodesStarted = "nodes_started"
        case nodeCount = "node_count"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestID =
            try container.decodeIfPresent(JSONValue.self, forKey: .requestID)
            ?? container.decodeIfPresent(JSONValue.self, forKey: .legacyRequestID) ?? .null
        swarmID = try container.decodeIfPresent(SwarmID.self, forKey: .swarmID)
        jobID = try container.decodeIfPresent(JobID.self, forKey: .jobID)
        stage = try container.decode(LaunchStage.self, forKey: .stage)
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        slurmState = try container.decodeIfPresent(String.self, forKey: .slurmState)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        nodesStarted = try container.decodeIfPresent(Int.self, forKey: .nodesStarted)
        nodeCount = try container.decodeIfPresent(Int.self, forKey: .nodeCount)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestID, forKey: .requestID)
        try container.encodeIfPresent(swarmID, forKey: .swarmID)
        try container.encodeIfPresent(jobID, forKey: .jobID)
        try container.encode(stage, forKey: .stage)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(slurmState, forKey: .slurmState)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(nodesStarted, forKey: .nodesStarted)
        try container.encodeIfPresent(nodeCount, forKey: .nodeCount)
    }
}

/// `swarm_terminated`: the swarm has ended (by request, by Slurm, by its time limit, or found gone).
package struct SwarmTerminated: Sendable, Hashable, Codable {
    /// The terminate command's id, or null when the swarm ended on its own.
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var jobID: JobID?
    package var reason: String?
    package var slurmState: String?

    package init(
        requestID: JSONValue, swarmID: SwarmID, jobID: JobID? = nil, reason: String? = nil, slurmState: String? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.reason = reason
        self.slurmState = slurmState
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case slurmState = "slurm_state"
    }
}

/// `swarm_terminate_progress` (extension): a step of a terminate (signalled, waiting, killed, archived).
package struct SwarmTerminateProgress: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var stage: String
    package var message: String

    package init(requestID: JSONValue, swarmID: SwarmID, stage: String, message: String) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.stage = stage
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case stage, message
        case requestID = "request_id"
        case swarmID = "swarm_id"
    }
}

/// `command_rejected`: the command cannot be carried out; `reason` says what to fix.
package struct CommandRejected: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var reason: String

    package init(requestID: JSONValue, reason: String) {
        self.requestID = requestID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case requestID = "request_id"
    }
}

/// `replay_complete` (extension): every journaled event after `since_seq` has been sent.
package struct ReplayComplete: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    /// The highest stream sequence number sent or known; resume from here.
    package var lastSeq: Int

    package init(requestID: JSONValue, lastSeq: Int) {
        self.requestID = requestID
        self.lastSeq = lastSeq
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case lastSeq = "last_seq"
    }
}

/// `swarm_list`: every swarm the router knows, keyed by swarm id.
package struct SwarmListReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarms: [String: SwarmSummary]

    package init(requestID: JSONValue, swarms: [String: SwarmSummary]) {
        self.requestID = requestID
        self.swarms = swarms
    }

    enum CodingKeys: String, CodingKey {
        case swarms
        case requestID = "request_id"
    }
}

/// `swarm_status`: one swarm's state, Slurm state and (extension, when asked with `include_nodes`) its nodes.
package struct SwarmStatusReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var jobID: JobID
    package var nodeCount: Int
    package var status: SwarmState
    package var slurmState: String
    package var provider: ProviderName?
    package var nodes: [NodeSummary]?
    package var endedReason: String?
    package var timeLeftSeconds: Int?
    /// Extension: true while the time left is under the warning margin (see `SwarmSummary.timeLeftWarning`).
    package var timeLeftWarning: Bool?
    /// Extension: the launch's own sbatch options (see `SwarmSummary.sbatch`).
    package var sbatch: [String]?
    /// Extension: the swarm's jobs, oldest first (see `SwarmSummary.jobs`).
    package var jobs: [JobSummary]?
    /// Extension: a resume under way or scheduled.
    package var resume: ResumeSummary?

    package init(
        requestID: JSONValue, swarmID: SwarmID, jobID: JobID, nodeCount: Int, status: SwarmState, slurmState: String,
        provider: ProviderName? = nil, nodes: [NodeSummary]? = nil, endedReason: String? = nil,
        timeLeftSeconds: Int? = nil, jobs: [JobSummary]? = nil, resume: ResumeSummary? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.nodeCount = nodeCount
        self.status = status
        self.slurmState = slurmState
        self.provider = provider
        self.nodes = nodes
        self.endedReason = endedReason
        self.timeLeftSeconds = timeLeftSeconds
        self.jobs = jobs
        self.resume = resume
    }

    /// The same reply with the extension fields the router adds set.
    package func with(timeLeftWarning: Bool?, sbatch: [String]? = nil) -> SwarmStatusReply {
        var copy = self
        copy.timeLeftWarning = timeLeftWarning
        copy.sbatch = sbatch
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case status, provider, nodes, jobs, resume, sbatch
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case nodeCount = "node_count"
        case slurmState = "slurm_state"
        case endedReason = "ended_reason"
        case timeLeftSeconds = "time_left_seconds"
        case timeLeftWarning = "time_left_warning"
    }
}

/// `providers_list` (from the latest original protocol): the providers this router can launch on.
package struct ProvidersListReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    /// The default provider first.
    package var providers: [ProviderDescription]

    package init(requestID: JSONValue, providers: [ProviderDescription]) {
        self.requestID = requestID
        self.providers = providers
    }

    enum CodingKeys: String, CodingKey {
        case providers
        case requestID = "request_id"
    }
}

/// `queue_list` (from the latest original protocol): its inter-swarm queue, always empty here.
package struct QueueListReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var items: [JSONValue]

    package init(requestID: JSONValue, items: [JSONValue] = []) {
        self.requestID = requestID
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case items
        case requestID = "request_id"
    }
}

/// `project_list` (from the latest original protocol): its orchestrated projects keyed by id, always empty here.
package struct ProjectListReply: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var projects: [String: JSONValue]

    package init(requestID: JSONValue, projects: [String: JSONValue] = [:]) {
        self.requestID = requestID
        self.projects = projects
    }

    enum CodingKeys: String, CodingKey {
        case projects
        case requestID = "request_id"
    }
}

/// `inject_ack`, `inject_delivered`, `inject_failed`: one prompt's delivery to one node.
package struct InjectionEvent: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    package var swarmID: SwarmID
    package var injectionID: InjectionID
    package var nodeID: Int
    /// The prompt text, on `inject_ack` only (extension, as HEAD does).
    package var prompt: String?
    /// Why delivery failed, on `inject_failed` only.
    package var error: String?
    /// The router's stream sequence number (extension), shared with stream events; resume point.
    package var seq: Int?

    package init(
        requestID: JSONValue, swarmID: SwarmID, injectionID: InjectionID, nodeID: Int, prompt: String? = nil,
        error: String? = nil, seq: Int? = nil
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.injectionID = injectionID
        self.nodeID = nodeID
        self.prompt = prompt
        self.error = error
        self.seq = seq
    }

    enum CodingKeys: String, CodingKey {
        case prompt, error, seq
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case injectionID = "injection_id"
        case nodeID = "node_id"
    }
}

/// `router_notice` (extension): something clients should know that belongs to no request, such as the SSH
/// connection to a cluster dropping and coming back.
package struct RouterNotice: Sendable, Hashable, Codable {
    /// `info`, `warning` or `error`.
    package var level: String
    package var message: String
    /// The provider or cluster the notice is about (`local`, `slurm`), if any.
    package var site: String?
    /// The swarm the notice is about, if one (the walltime warning).
    package var swarmID: SwarmID?

    package init(level: String, message: String, site: String? = nil, swarmID: SwarmID? = nil) {
        self.level = level
        self.message = message
        self.site = site
        self.swarmID = swarmID
    }

    enum CodingKeys: String, CodingKey {
        case level, message, site
        case swarmID = "swarm_id"
    }
}

/// `swarm_resumed` (extension): an ended (or requeued) swarm is back on a job and every node has reopened its
/// thread or started a new one; the answer to `swarm_resume`, and news for everyone after an automatic resume.
package struct SwarmResumed: Sendable, Hashable, Codable {
    /// The `swarm_resume` command's id; null when the router resumed on its own (auto-resume, Slurm requeue).
    package var requestID: JSONValue
    package var swarmID: SwarmID
    /// The job the swarm runs on now (for a requeue: the same id).
    package var jobID: JobID
    package var previousJobID: JobID?
    package var nodeCount: Int
    package var provider: ProviderName?
    /// `manual` (`swarm_resume`), `automatic` (auto-resume) or `requeue` (Slurm requeued the job).
    package var cause: String
    /// Per node: whether its thread was resumed, or why it started a new one.
    package var nodes: [NodeResumeOutcome]
    /// Injections held while the swarm was down that now go to the nodes, oldest first.
    package var deliveredHeld: Int
    /// The turns the previous job's drain interrupted (continue them with an inject).
    package var interrupted: [InterruptedTurn]

    package init(
        requestID: JSONValue, swarmID: SwarmID, jobID: JobID, previousJobID: JobID?, nodeCount: Int,
        provider: ProviderName?, cause: String, nodes: [NodeResumeOutcome], deliveredHeld: Int = 0,
        interrupted: [InterruptedTurn] = []
    ) {
        self.requestID = requestID
        self.swarmID = swarmID
        self.jobID = jobID
        self.previousJobID = previousJobID
        self.nodeCount = nodeCount
        self.provider = provider
        self.cause = cause
        self.nodes = nodes
        self.deliveredHeld = deliveredHeld
        self.interrupted = interrupted
    }

    enum CodingKeys: String, CodingKey {
        case provider, cause, nodes, interrupted
        case requestID = "request_id"
        case swarmID = "swarm_id"
        case jobID = "job_id"
        case previousJobID = "previous_job_id"
        case nodeCount = "node_count"
        case deliveredHeld = "delivered_held"
    }
}

/// How one node came back in a resume.
package struct NodeResumeOutcome: Sendable, Hashable, Codable {
    package var nodeID: Int
    /// The thread the node runs now.
    package var threadID: String?
    /// True when the node reopened its earlier thread; false when it started a new one.
    package var resumed: Bool
    /// Why the node started a new thread (the agent's refusal, or that it had none), when it did.
    package var reason: String?

    package init(nodeID: Int, threadID: String?, resumed: Bool, reason: String? = nil) {
        self.nodeID = nodeID
        self.threadID = threadID
        self.resumed = resumed
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case resumed, reason
        case nodeID = "node_id"
        case threadID = "thread_id"
    }
}

/// A turn a job's end interrupted: the node and the injection whose turn it was.
package struct InterruptedTurn: Sendable, Hashable, Codable {
    package var nodeID: Int
    package var injectionID: InjectionID

    package init(nodeID: Int, injectionID: InjectionID) {
        self.nodeID = nodeID
        self.injectionID = injectionID
    }

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id"
        case injectionID = "injection_id"
    }
}

/// One job in a swarm's chain (`jobs` in `swarm_list` and `swarm_status`), oldest first; the last is the current.
package struct JobSummary: Sendable, Hashable, Codable {
    package var jobID: JobID
    /// The scheduler's state: final for ended jobs (`TIMEOUT`, `PREEMPTED`, …), live for the current one.
    package var state: String?
    /// Why the job ended, in words; nil while it runs.
    package var endedReason: String?
    /// Why, as a word: `time_limit`, `preempted`, `node_failure`, `requeued`, `cancelled`, `terminated`,
    /// `launch_failed`, `workers_ended`.
    package var cause: String?
    package var startedAt: String?
    package var endedAt: String?
    /// The turns its end interrupted.
    package var interrupted: [InterruptedTurn]?

    package init(
        jobID: JobID, state: String? = nil, endedReason: String? = nil, cause: String? = nil,
        startedAt: String? = nil, endedAt: String? = nil, interrupted: [InterruptedTurn]? = nil
    ) {
        self.jobID = jobID
        self.state = state
        self.endedReason = endedReason
        self.cause = cause
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.interrupted = interrupted
    }

    enum CodingKeys: String, CodingKey {
        case state, cause, interrupted
        case jobID = "job_id"
        case endedReason = "ended_reason"
        case startedAt = "started_at"
        case endedAt = "ended_at"
    }
}

/// A resume under way or scheduled (`resume` in `swarm_list` and `swarm_status`): what a client shows as
/// "resuming (job N+1 pending)".
package struct ResumeSummary: Sendable, Hashable, Codable {
    /// `scheduled` (an automatic resume waits out its backoff), `submitting`, `pending` (the new job waits in the
    /// queue), `starting` (its workers start and reopen their threads).
    package var state: String
    /// `manual`, `automatic` or `requeue`.
    package var cause: String
    /// The new job, once submitted.
    package var jobID: JobID?
    package var previousJobID: JobID?
    /// For `scheduled`: when the automatic resume is due (wire timestamp).
    package var at: String?
    /// Automatic resumes used so far, counting this one, and the limit (`auto_resume`).
    package var attempt: Int?
    package var limit: Int?

    package init(
        state: String, cause: String, jobID: JobID? = nil, previousJobID: JobID? = nil, at: String? = nil,
        attempt: Int? = nil, limit: Int? = nil
    ) {
        self.state = state
        self.cause = cause
        self.jobID = jobID
        self.previousJobID = previousJobID
        self.at = at
        self.attempt = attempt
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case state, cause, at, attempt, limit
        case jobID = "job_id"
        case previousJobID = "previous_job_id"
    }
}

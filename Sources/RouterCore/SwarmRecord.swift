import CodeswarmProtocol
import Foundation

/// Everything the router knows about one swarm; persisted in the snapshot.
package struct SwarmRecord: Sendable, Hashable, Codable {
    package var id: SwarmID
    package var jobID: JobID?
    /// The job id chosen before the provider started anything (local provider), so a restart mid-launch finds it.
    package var plannedJobID: JobID?
    /// The launch request with defaults applied (provider, partition, time, … resolved).
    package var request: LaunchRequest
    package var provider: String
    /// The launch's request id: carried by `swarm_launched` and the system prompt's injection events.
    package var launchRequestID: JSONValue
    package var status: SwarmState
    package var createdAt: Date
    package var endedAt: Date?
    package var endedReason: String?
    package var slurmState: String?
    package var timeLeftSeconds: Int?
    /// True while the job's time left is at or under `RouterCoreSettings.timeLeftWarningSeconds` (the router warned
    /// once when it got there); optional so state files written before it decode.
    package var isShortOfTime: Bool?
    /// The terminate command's request id, while a terminate runs.
    package var terminateRequestID: JSONValue?
    /// True once the launch request has its answer: `swarm_launched`, or `command_rejected` (failed or cancelled).
    package var isAnnounced: Bool
    /// True once the job was seen finished; the swarm closes at the drain deadline.
    package var isDraining: Bool
    /// Why the workers stopped, once all of them have (kept while waiting for Slurm's final state).
    package var workersEndedReason: String?
    package var nodes: [NodeRecord]
    // Resume (optional, so state files written before it decode): the jobs this swarm has ended, oldest first;
    // the resume under way or scheduled; how many resumes were started (names each new job's launch); when the
    // current job was submitted.
    package var jobHistory: [JobRecord]?
    package var resume: ResumeState?
    package var resumeCount: Int?
    /// Automatic resumes started so far (`auto_resume`; manual resumes do not count).
    package var autoResumeCount: Int?
    package var jobSubmittedAt: Date?
    /// The last job whose workers started: a resumed node's new worker carries its unstarted inbox lines over.
    package var lastWorkersJobID: JobID?

    init(id: SwarmID, request: LaunchRequest, provider: String, launchRequestID: JSONValue, createdAt: Date) {
        self.id = id
        self.request = request
        self.provider = provider
        self.launchRequestID = launchRequestID
        self.status = .starting
        self.createdAt = createdAt
        self.isAnnounced = false
        self.isDraining = false
        self.nodes = (0..<request.nodes).map(NodeRecord.init(id:))
    }

    /// True while the swarm can still change (not terminated).
    package var isLive: Bool { status != .terminated }

    /// Tokens used so far over all nodes.
    var totalTokens: Int { nodes.reduce(0) { $0 + $1.totalTokens } }

    /// The wire summary for `swarm_list`.
    func summary() -> SwarmSummary {
        SwarmSummary(
            jobID: jobID ?? JobID(""), nodeCount: request.nodes, systemPrompt: request.systemPrompt,
            partition: request.partition, time: request.time, account: request.account, qos: request.qos,
            status: status, provider: ProviderName(rawValue: provider), slurmState: slurmState,
            endedReason: endedReason, createdAt: WireTimestamp.string(from: createdAt), totalTokens: totalTokens,
            timeLeftSeconds: timeLeftSeconds, jobs: jobChain(), resume: resumeSummary()
        ).with(timeLeftWarning: timeLeftWarning, sbatch: request.sbatch)
    }

    /// `true` for the wire while the swarm runs short of time, else nil (the field is left out).
    var timeLeftWarning: Bool? { isLive && isShortOfTime == true && timeLeftSeconds != nil ? true : nil }
}

/// One node of a swarm: its worker's progress, its agent's state and its injection queue.
package struct NodeRecord: Sendable, Hashable, Codable {
    package var id: Int
    package var hostname: String?
    package var isStarted = false
    package var isEnded = false
    package var agentState: AgentState = .starting
    package var currentInjection: InjectionID?
    package var turnID: String?
    package var turnStartedAt: Date?
    package var lastActivityAt: Date?
    package var totalTokens = 0
    package var lastError: String?
    /// The agent's version from its `initialize` answer, once seen.
    package var agentVersion: String?
    /// The highest worker `seq` processed; lower or equal ones are duplicates.
    package var lastWorkerSeq = 0
    /// Last `total_tokens` reported per injection, to drop repeated usage notifications.
    package var usageByInjection: [String: Int] = [:]
    /// The thread's last reported usage, and what it was when the current turn started (per-turn usage).
    package var lastUsage: TokenUsage?
    package var turnBaseUsage: TokenUsage?
    /// Injections delivered whose turn has not completed; closed as failed if the agent or node dies.
    package var openInjections: [InjectionID] = []
    /// Server requests (approvals) seen and not yet answered, by JSON-RPC id text.
    package var pendingServerRequests: [String: PendingServerRequest] = [:]
    /// Inbox appends waiting for the one in flight (appends to one node are serialised to keep their order).
    package var appendQueue: [PendingAppend] = []
    package var appendInFlight: PendingAppend?
    /// Injections steered into the running turn (`injection_routed` `steered`); each gets its own end with the turn.
    /// Optional so snapshots written before steering existed still load.
    package var steered: [InjectionID]?
    /// Approvals waiting for a person, and the last ones answered or closed (for "already answered" replies).
    package var approvalRecords: [ApprovalRecord]?
    /// The changes of this node's latest `fileChange` items, by item id, so a file-change approval shows its diff.
    package var fileChanges: [String: [FileChange]]?
    // Resume (optional, so state files written before it decode): the agent's thread; the injection whose turn
    // the last job's end interrupted; prompts delivered to the inbox whose turn has not started (a new job's
    // worker carries their lines over from the old inbox, so only their ids are kept); and true while a resumed
    // node has not reported its thread (its prompts wait).
    package var thread: NodeThread?
    package var interruptedInjection: InjectionID?
    package var unstartedInjections: [HeldInjection]?
    package var awaitingThread: Bool?
    /// True while the node is down with its job and holds its prompts for the next worker (injects are held too).
    package var holdsForResume: Bool?

    init(id: Int) { self.id = id }

    /// The wire summary for `swarm_status`.
    func summary() -> NodeSummary {
        NodeSummary(
            nodeID: id, hostname: hostname, state: agentState, injectionID: currentInjection,
            turnStartedAt: turnStartedAt.map(WireTimestamp.string(from:)),
            lastActivityAt: lastActivityAt.map(WireTimestamp.string(from:)), totalTokens: totalTokens,
            lastError: lastError, agentVersion: agentVersion, threadID: thread?.id, threadResumed: thread?.resumed,
            interruptedInjectionID: interruptedInjection)
    }
}

/// An approval or other request from the agent, remembered until the worker's answer is seen.
package struct PendingServerRequest: Sendable, Hashable, Codable {
    package var method: String
    package var command: String?
}

/// A prompt in a node's inbox whose turn has not started: what the router tells clients about it while it waits.
package struct HeldInjection: Sendable, Hashable, Codable {
    package var injectionID: InjectionID
    package var requestID: JSONValue
    /// Orders it among the node's prompts (the append's id).
    package var appendID: Int
}

/// An inbox line waiting to be appended, or appended and waiting for the relay's acknowledgement.
package struct PendingAppend: Sendable, Hashable, Codable {
    package var appendID: Int
    /// The injection the line carries; for a control line, the injection it concerns (or an empty id).
    package var injectionID: InjectionID
    package var requestID: JSONValue
    /// The encoded inbox line (without newline).
    package var line: String
    /// Set for control lines (`interrupt`, `approval`, `resync`): their delivery is no injection's lifecycle.
    package var control: String?
    /// For an `approval` line: the approval it answers.
    package var approvalID: String?
}

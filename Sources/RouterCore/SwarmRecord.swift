import CodeswarmProtocol
import Foundation

/// Everything the router knows about one swarm; persisted in the snapshot.
public struct SwarmRecord: Sendable, Hashable, Codable {
    public var id: SwarmID
    public var jobID: JobID?
    /// The launch request with defaults applied (provider, partition, time, … resolved).
    public var request: LaunchRequest
    public var provider: String
    /// The launch's request id: carried by `swarm_launched` and the system prompt's injection events.
    public var launchRequestID: JSONValue
    public var status: SwarmState
    public var createdAt: Date
    public var endedAt: Date?
    public var endedReason: String?
    public var slurmState: String?
    public var timeLeftSeconds: Int?
    /// The terminate command's request id, while a terminate runs.
    public var terminateRequestID: JSONValue?
    /// True once the launch request has its answer: `swarm_launched`, or `command_rejected` (failed or cancelled).
    public var isAnnounced: Bool
    /// True once the job was seen finished; the swarm closes at the drain deadline.
    public var isDraining: Bool
    /// Why the workers stopped, once all of them have (kept while waiting for Slurm's final state).
    public var workersEndedReason: String?
    public var nodes: [NodeRecord]

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
    public var isLive: Bool { status != .terminated }

    /// Tokens used so far over all nodes.
    var totalTokens: Int { nodes.reduce(0) { $0 + $1.totalTokens } }

    /// The public summary for `swarm_list`.
    func summary() -> SwarmSummary {
        SwarmSummary(
            jobID: jobID ?? JobID(""), nodeCount: request.nodes, systemPrompt: request.systemPrompt,
            partition: request.partition, time: request.time, account: request.account, qos: request.qos,
            status: status, provider: provider, slurmState: slurmState, endedReason: endedReason,
            createdAt: WireTimestamp.string(from: createdAt), totalTokens: totalTokens, timeLeftSeconds: timeLeftSeconds
        )
    }
}

/// One node of a swarm: its worker's progress, its agent's state and its injection queue.
public struct NodeRecord: Sendable, Hashable, Codable {
    public var id: Int
    public var hostname: String?
    public var isStarted = false
    public var isEnded = false
    public var agentState: AgentState = .starting
    public var currentInjection: InjectionID?
    public var turnID: String?
    public var turnStartedAt: Date?
    public var lastActivityAt: Date?
    public var totalTokens = 0
    public var lastError: String?
    /// The highest worker `seq` processed; lower or equal ones are duplicates.
    public var lastWorkerSeq = 0
    /// Last `total_tokens` reported per injection, to drop repeated usage notifications.
    public var usageByInjection: [String: Int] = [:]
    /// Injections delivered whose turn has not completed; closed as failed if the agent or node dies.
    public var openInjections: [InjectionID] = []
    /// Server requests (approvals) seen and not yet answered, by JSON-RPC id text.
    public var pendingServerRequests: [String: PendingServerRequest] = [:]
    /// Inbox appends waiting for the one in flight (appends to one node are serialised to keep their order).
    public var appendQueue: [PendingAppend] = []
    public var appendInFlight: PendingAppend?

    init(id: Int) { self.id = id }

    /// The public summary for `swarm_status`.
    func summary() -> NodeSummary {
        NodeSummary(
            nodeID: id, hostname: hostname, state: agentState, injectionID: currentInjection,
            turnStartedAt: turnStartedAt.map(WireTimestamp.string(from:)),
            lastActivityAt: lastActivityAt.map(WireTimestamp.string(from:)), totalTokens: totalTokens,
            lastError: lastError)
    }
}

/// An approval or other request from the agent, remembered until the worker's answer is seen.
public struct PendingServerRequest: Sendable, Hashable, Codable {
    public var method: String
    public var command: String?
}

/// An inbox line waiting to be appended, or appended and waiting for the relay's acknowledgement.
public struct PendingAppend: Sendable, Hashable, Codable {
    public var appendID: Int
    public var injectionID: InjectionID
    public var requestID: JSONValue
    /// The encoded inbox line (without newline).
    public var line: String
}

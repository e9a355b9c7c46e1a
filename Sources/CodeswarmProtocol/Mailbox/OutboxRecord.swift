/// One line of a node's outbox file, written by the worker (the seed's types plus additive fields).
///
/// The seed's lines are flat objects discriminated by `type`; this struct mirrors that so a line written by
/// the original worker decodes unchanged, and a line we write is readable by the original router.
package struct OutboxRecord: Sendable, Hashable, Codable {
    /// The line types.
    package enum Kind: String, Sendable, Hashable, Codable {
        case start
        case codexRPC = "codex_rpc"
        case codexStderr = "codex_stderr"
        case workerError = "worker_error"
        case complete
        /// Extension: written by an idle worker every `heartbeat_seconds`, so the router notices a worker that died
        /// without `complete` (kill -9, a lost node) even when no process check can see it.
        case heartbeat
        /// Extension: how the worker routed an injection (`how`: `steered` into turn `turn_id`, `new_turn`, or
        /// `queued` for the next turn; `reason` says why when it was not what the router asked).
        case injectionRouted = "injection_routed"
        /// Extension: the agent opened its thread (`thread/start` or `thread/resume` answered): `thread_id`,
        /// `rollout_path` when codex names one, `resumed`, and in `error` why a resume fell back to a new thread.
        case thread
    }

    package var type: Kind
    package var jobID: JobID?
    package var nodeID: Int?
    /// The injection whose turn this line belongs to (`codex_rpc`, some `worker_error`).
    package var injectionID: InjectionID?
    /// The app-server JSON-RPC message, unchanged (`codex_rpc`).
    package var payload: JSONValue?
    /// `start`: the host (the Slurm node name when known).
    package var hostname: String?
    /// `start`, `complete`: wire timestamp.
    package var timestamp: String?
    /// `codex_stderr`: one line the agent wrote to stderr.
    package var line: String?
    /// `worker_error`: what went wrong.
    package var error: String?
    /// `worker_error` (extension): a machine-readable code: `turn_stalled`, `agent_exited`, `agent_restarted`,
    /// `agent_restart_limit`, `inbox_corrupt_line`, `agent_error`.
    package var code: String?
    /// `complete` (extension): why the worker stopped (`sigterm`, `agent_restart_limit`, …).
    package var reason: String?
    /// Extension: the worker's per-node line number, starting at 1; duplicates are detectable end to end.
    package var seq: Int?
    /// Extension: the worker's process id (`start`).
    package var pid: Int?
    /// Extension, `codex_rpc` only: `to_agent` for a message the worker sent (an answer to a server request);
    /// absent for messages the agent sent.
    package var direction: String?
    /// Extension, `codex_rpc` only: true for a server request the worker holds for a person's answer
    /// (`approval_decision: ask`); it answers when an `approval` inbox line arrives.
    package var held: Bool?
    /// Extension, `injection_routed`: `steered`, `new_turn` or `queued`.
    package var how: String?
    /// Extension, `injection_routed`: the turn the injection steered or started.
    package var turnID: String?
    /// Extension, `thread`: the agent's thread id (durable: it outlives the job).
    package var threadID: String?
    /// Extension, `thread`: where the agent keeps the thread's history (codex's rollout file), when it says.
    package var rolloutPath: String?
    /// Extension, `thread`: true when an earlier thread was reopened (`thread/resume`), false for a new one.
    package var resumed: Bool?
    /// Extension, `complete`: the injection whose turn the SIGTERM drain interrupted, if one ran.
    package var interruptedInjectionID: InjectionID?
    /// Extension, `complete` after a signal: seconds from the signal to `complete` (the drain's length).
    package var drainSeconds: Double?
    /// Extension, `start`: how often Slurm requeued the job before this worker started (`SLURM_RESTART_COUNT`).
    package var restartCount: Int?

    package init(
        type: Kind, jobID: JobID?, nodeID: Int?, injectionID: InjectionID? = nil, payload: JSONValue? = nil,
        hostname: String? = nil, timestamp: String? = nil, line: String? = nil, error: String? = nil,
        code: String? = nil, reason: String? = nil, seq: Int? = nil, pid: Int? = nil, direction: String? = nil,
        held: Bool? = nil, how: String? = nil, turnID: String? = nil,
        threadID: String? = nil, rolloutPath: String? = nil, resumed: Bool? = nil,
        interruptedInjectionID: InjectionID? = nil, drainSeconds: Double? = nil, restartCount: Int? = nil
    ) {
        self.type = type
        self.jobID = jobID
        self.nodeID = nodeID
        self.injectionID = injectionID
        self.payload = payload
        self.hostname = hostname
        self.timestamp = timestamp
        self.line = line
        self.error = error
        self.code = code
        self.reason = reason
        self.seq = seq
        self.pid = pid
        self.direction = direction
        self.held = held
        self.how = how
        self.turnID = turnID
        self.threadID = threadID
        self.rolloutPath = rolloutPath
        self.resumed = resumed
        self.interruptedInjectionID = interruptedInjectionID
        self.drainSeconds = drainSeconds
        self.restartCount = restartCount
    }

    enum CodingKeys: String, CodingKey {
        case type, payload, hostname, timestamp, line, error, code, reason, seq, pid, direction, held, how, resumed
        case turnID = "turn_id"
        case jobID = "job_id"
        case nodeID = "node_id"
        case injectionID = "injection_id"
        case threadID = "thread_id"
        case rolloutPath = "rollout_path"
        case interruptedInjectionID = "interrupted_injection_id"
        case drainSeconds = "drain_seconds"
        case restartCount = "restart_count"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(jobID, forKey: .jobID)
        try container.encodeIfPresent(nodeID, forKey: .nodeID)
        // The seed writes `injection_id: null` on every codex_rpc line; keep the key so seed readers find it.
        if type == .codexRPC {
            try container.encode(injectionID, forKey: .injectionID)
        } else {
            try container.encodeIfPresent(injectionID, forKey: .injectionID)
        }
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encodeIfPresent(timestamp, forKey: .timestamp)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(code, forKey: .code)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(seq, forKey: .seq)
        try container.encodeIfPresent(pid, forKey: .pid)
        try container.encodeIfPresent(direction, forKey: .direction)
        try container.encodeIfPresent(held, forKey: .held)
        try container.encodeIfPresent(how, forKey: .how)
        try container.encodeIfPresent(turnID, forKey: .turnID)
        try container.encodeIfPresent(threadID, forKey: .threadID)
        try container.encodeIfPresent(rolloutPath, forKey: .rolloutPath)
        try container.encodeIfPresent(resumed, forKey: .resumed)
        try container.encodeIfPresent(interruptedInjectionID, forKey: .interruptedInjectionID)
        try container.encodeIfPresent(drainSeconds, forKey: .drainSeconds)
        try container.encodeIfPresent(restartCount, forKey: .restartCount)
    }
}

import CodeswarmProtocol

/// One node's worker decisions as a pure state machine: handshake, one turn at a time, turn-id labelling,
/// server-request answers, the stall watchdog, restarts with backoff and the SIGTERM drain.
///
/// The runtime feeds facts in (`AgentSessionInput`, each with `now`) and performs the returned effects in order;
/// the session touches no files, processes or clocks, so every behaviour is tested by scripting inputs.
package struct AgentSession: Sendable {
    package let configuration: AgentSessionConfiguration

    /// Where the agent process is in its life.
    enum AgentPhase: Sendable, Hashable {
        case notStarted
        /// `startAgent` was emitted; `agentStarted` or `agentStartFailed` comes next.
        case starting
        case initializing
        case openingThread
        case ready
        /// Waiting for the backoff timer before starting it again.
        case restartPending
        case stopped
    }

    /// What one of our outstanding JSON-RPC requests was for.
    enum PendingRequest: Sendable, Hashable {
        case initialize
        case openThread(isResume: Bool)
        case turnStart(InjectionID)
        case turnInterrupt(InjectionID)
        /// `turn/steer` of this injection into the running turn `turnID`.
        case turnSteer(InjectionID, turnID: String)
    }

    /// The one turn in flight: started by `turnStart` and ended by its `turn/completed` or an error response.
    struct RunningTurn: Sendable, Hashable {
        var injectionID: InjectionID
        var requestID: Int
        /// Nil until the response to `turn/start` (or a notification naming an unknown turn) tells us.
        var turnID: String?
        var lastOutput: Duration
        var isStallReported = false
        /// Shutdown wants this turn interrupted as soon as its turn id is known.
        var isInterruptWanted = false
        var isInterruptSent = false
        /// The injection new items of this turn are labelled with: the starter, then the last one steered in.
        var label: InjectionID
        /// The label of each item seen in this turn, so an item started before a steer keeps its injection.
        var itemLabels: [String: InjectionID] = [:]
        /// Why this injection got a turn of its own although it asked to steer (reported with `injection_routed`).
        var routeReason: String?
        /// True once `injection_routed` (`new_turn`) was written for this turn.
        var isRouteReported = false
    }

    /// An inbox prompt waiting for its turn.
    struct QueuedInjection: Sendable, Hashable {
        var injectionID: InjectionID
        var content: String
        /// Why it waits although it asked to steer, for its `injection_routed` record.
        var reason: String?
    }

    /// A server request held for a person's answer (`approval_decision: ask`).
    struct HeldRequest: Sendable, Hashable {
        var method: String
        var params: JSONValue
        /// The request as the agent sent it, written again on `resync`.
        var message: JSONValue
        var injectionID: InjectionID?
        var turnID: String?
    }

    /// How far a shutdown has got.
    enum ShutdownPhase: Sendable, Hashable {
        case running
        /// Waiting for the interrupted turn's `turn/completed`.
        case draining(reason: String)
        /// The agent's stdin is closed; waiting for it to exit after writing its last lines.
        case closing(reason: String)
        /// `complete` is written; every later input is ignored.
        case finished
    }

    var agent: AgentPhase = .notStarted
    var threadID: String?
    /// The last thread, resumed (`thread/resume`) after an agent restart so the conversation survives.
    var resumableThreadID: String?
    var nextRequestID = 0
    var pendingRequests: [Int: PendingRequest] = [:]
    var queue: [QueuedInjection] = []
    var turn: RunningTurn?
    /// Every turn id seen and the injection that started it; late lines of a finished turn keep their label.
    var turnInjections: [String: InjectionID] = [:]
    /// Server requests we answered, by request id, so `serverRequest/resolved` (which names no turn) is labelled.
    var answeredRequests: [JSONValue: InjectionID] = [:]
    /// The agent version last checked against the tested range (each version is reported once).
    var checkedAgentVersion: String?
    /// Server requests waiting for a person's answer from the inbox, by JSON-RPC id.
    var heldRequests: [JSONValue: HeldRequest] = [:]
    /// Prompts sent with `turn/steer` whose answer has not come yet, by injection (a refusal runs them as a turn).
    var pendingSteers: [InjectionID: String] = [:]
    /// Agent exits since the last completed turn; drives the backoff and the restart limit.
    var consecutiveRestarts = 0
    var shutdown: ShutdownPhase = .running
    var armedTimers: [SessionTimer.Kind: Int] = [:]
    var nextTimerGeneration = 0
    /// Effects of the input being handled, returned and cleared by `handle`.
    var output: [AgentSessionEffect] = []
    /// When the session last wrote an outbox line (a heartbeat is due after `heartbeatInterval` of silence).
    var lastOutboxAt: Duration = .zero
    /// Resume bookkeeping (`AgentSession+Resume.swift`): the input's time, why a resume fell back to a new
    /// thread, when the shutdown signal came, the turn the drain is ending, and prompts dropped by the shutdown.
    var inputTime: Duration = .zero
    var resumeFallbackReason: String?
    var shutdownAt: Duration?
    var drainingInjection: InjectionID?
    /// The agent died of a SIGTERM/SIGINT the worker did not send, mid-turn; reported once the restart is due, or
    /// as interrupted when the worker's own signal follows (`AgentSession+JobSignal.swift`).
    var signalledExit: SignalledExit?
    var droppedInjections: [InjectionID] = []

    package init(configuration: AgentSessionConfiguration) {
        self.configuration = configuration
        // A node that ran before reopens its thread (`thread/resume`): its conversation goes on.
        self.resumableThreadID = configuration.resumeThreadID
    }

    /// The injection whose turn is running, if any.
    package var runningInjection: InjectionID? { turn?.injectionID }

    /// Injections received but not started yet, oldest first.
    package var queuedInjections: [InjectionID] { queue.map(\.injectionID) }

    /// True once `complete` has been written.
    package var isFinished: Bool { shutdown == .finished }

    /// Handles one input and returns the effects to perform, in order.
    package mutating func handle(_ input: AgentSessionInput) -> [AgentSessionEffect] {
        guard shutdown != .finished else { return [] }
        inputTime = input.now
        switch input {
        case .workerStarted(let hostname, let pid, _):
            emit(.appendOutbox(record(.start, hostname: hostname, pid: pid)))
            agent = .starting
            arm(.heartbeat, after: configuration.heartbeatInterval)
            emit(.startAgent)
        case .agentStarted(let pid, _):
            agentStarted(pid: pid)
        case .agentStartFailed(let error, let now):
            agentGone(code: .agentStartFailed, detail: "cannot start the agent: \(error)", now: now)
        case .agentStdoutLine(let bytes, let now):
            agentLine(bytes, now: now)
        case .agentStdoutOversized(let byteCount, let now):
            noteOutput(now: now)
            reportError(
                .agentLineOversized, "the agent wrote a line of \(byteCount) bytes, over the limit; it was dropped",
                injection: turn?.injectionID)
        case .agentStderrLine(let line, _):
            emit(.appendOutbox(record(.codexStderr, line: line)))
        case .agentExited(let status, let now):
            agentExited(status, now: now)
        case .inboxLine(let bytes, let now):
            inboxLine(bytes, now: now)
        case .inboxLineOversized(let byteCount, _):
            reportError(.inboxCorruptLine, "an inbox line of \(byteCount) bytes is over the size limit; skipped")
        case .runtimeProblem(let code, let message, _):
            reportError(code, message)
        case .timerFired(let timer, let now):
            timerFired(timer, now: now)
        case .shutdownRequested(let reason, let now):
            shutdownRequested(reason: reason, now: now)
        }
        if output.contains(where: \.isOutboxAppend) { lastOutboxAt = input.now }
        let effects = output
        output = []
        return effects
    }

    // MARK: - Inbox

    private mutating func inboxLine(_ bytes: [UInt8], now: Duration) {
        // The runtime stops reading on shutdown; a line that still arrives is not consumed.
        guard shutdown == .running else { return }
        let line: InboxLine
        do {
            line = try WireCoding.decode(InboxLine.self, from: bytes)
        } catch {
            reportError(
                .inboxCorruptLine,
                "an inbox line (\(bytes.count) bytes) is not a valid inbox record; skipped: \(Self.preview(bytes))")
            return
        }
        switch line.kind {
        case .user:
            break
        case .interrupt:
            return interruptRequested()
        case .approval:
            return approvalAnswered(line)
        case .resync:
            return resyncHeldRequests()
        case nil:
            reportError(
                .inboxUnsupportedType,
                "an inbox line of type \"\(line.type)\" is not supported (user, interrupt, approval, resync); skipped",
                injection: line.injectionID)
            return
        }
        guard let content = line.content, let injectionID = line.injectionID else {
            reportError(
                .inboxCorruptLine, "a user inbox line needs both content and injection_id; skipped",
                injection: line.injectionID)
            return
        }
        if line.mode == .steer, steer(injectionID: injectionID, content: content) { return }
        if turn != nil {
            // It waits for the running turn; tell the router when that is not what was asked.
            let reason = line.mode == .steer ? "the running turn has no id yet; it runs next" : nil
            queue.append(QueuedInjection(injectionID: injectionID, content: content, reason: reason))
            reportRoute(injectionID, how: "queued", turnID: nil, reason: reason)
            return
        }
        queue.append(QueuedInjection(injectionID: injectionID, content: content))
        startNextTurn(now: now)
    }

    /// Sends `turn/start` for the oldest queued injection when the thread is ready and no turn runs.
    mutating func startNextTurn(now: Duration) {
        guard shutdown == .running, agent == .ready, turn == nil, let threadID, !queue.isEmpty else { return }
        let next = queue.removeFirst()
        let requestID = sendRequest(.turnStart(next.injectionID)) { id in
            AgentRequests.turnStart(id: id, threadID: threadID, text: next.content)
        }
        turn = RunningTurn(
            injectionID: next.injectionID, requestID: requestID, lastOutput: now, label: next.injectionID,
            routeReason: next.reason)
        arm(.stallCheck, after: configuration.stallTimeout)
    }

    // MARK: - Helpers

    mutating func emit(_ effect: AgentSessionEffect) {
        output.append(effect)
    }

    /// Writes a request to the agent and remembers what it was for; returns its id.
    @discardableResult
    mutating func sendRequest(_ kind: PendingRequest, _ build: (Int) -> JSONValue) -> Int {
        let id = nextRequestID
        nextRequestID += 1
        pendingRequests[id] = kind
        emit(.writeToAgent(AgentRequests.line(build(id))))
        return id
    }

    mutating func arm(_ kind: SessionTimer.Kind, after delay: Duration) {
        nextTimerGeneration += 1
        armedTimers[kind] = nextTimerGeneration
        emit(.scheduleTimer(SessionTimer(kind: kind, generation: nextTimerGeneration), after: delay))
    }

    mutating func disarm(_ kinds: SessionTimer.Kind...) {
        for kind in kinds { armedTimers[kind] = nil }
    }

    func record(
        _ type: OutboxRecord.Kind, injection: InjectionID? = nil, payload: JSONValue? = nil, hostname: String? = nil,
        line: String? = nil, error: String? = nil, code: WorkerErrorCode? = nil, reason: String? = nil,
        pid: Int? = nil, direction: String? = nil, held: Bool? = nil, how: String? = nil, turnID: String? = nil
    ) -> OutboxRecord {
        OutboxRecord(
            type: type, jobID: configuration.jobID, nodeID: configuration.nodeID, injectionID: injection,
            payload: payload, hostname: hostname, line: line, error: error, code: code?.rawValue, reason: reason,
            pid: pid, direction: direction, held: held, how: how, turnID: turnID)
    }

    mutating func reportError(
        _ code: WorkerErrorCode, _ message: String, injection: InjectionID? = nil, pid: Int? = nil
    ) {
        emit(.appendOutbox(record(.workerError, injection: injection, error: message, code: code, pid: pid)))
    }

    /// The start of a line for an error message: at most 120 bytes, invalid UTF-8 replaced.
    static func preview(_ bytes: [UInt8]) -> String {
        let head = String(decoding: bytes.prefix(120), as: UTF8.self)
        return bytes.count > 120 ? head + "…" : head
    }
}

/// Human-readable durations for worker error messages.
extension Duration {
    /// The duration in seconds for messages: "30 s", "1.5 s".
    var secondsText: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return "\((value * 1000).rounded() / 1000) s"
    }
}

import CodeswarmProtocol

/// Handling of the agent's stdout: labelling by turn id, the handshake, turn bookkeeping, server requests.
extension AgentSession {
    mutating func agentStarted(pid: Int) {
        agent = .initializing
        if consecutiveRestarts > 0 {
            reportError(
                .agentRestarted,
                "the agent was restarted (restart \(consecutiveRestarts) of at most \(configuration.restartLimit))",
                pid: pid)
        }
        if case .running = shutdown {
            sendRequest(.initialize) { AgentRequests.initialize(id: $0) }
        } else {
            // Started while stopping: let it see end of file at once.
            beginClosing()
        }
    }

    mutating func agentLine(_ bytes: [UInt8], now: Duration) {
        noteOutput(now: now)
        guard let value = try? WireCoding.decode(JSONValue.self, from: bytes), value.objectValue != nil else {
            reportError(
                .agentInvalidOutput, "the agent wrote a line that is not a JSON object: \(Self.preview(bytes))",
                injection: turn?.injectionID)
            return
        }
        let message = AppServer.Message(value)
        let injection = label(message)
        var held: Bool?
        if case .request(_, let method, _) = message, holds(method: method) { held = true }
        emit(.appendOutbox(record(.codexRPC, injection: injection, payload: value, held: held)))
        switch message {
        case .response(let id, let result):
            responseArrived(id: id, result: result, now: now)
        case .errorResponse(let id, let error):
            errorArrived(id: id, error: error, now: now)
        case .request(let id, let method, let params):
            answer(id: id, method: method, params: params, injection: injection)
        case .notification(let method, let params):
            notificationArrived(method: method, params: params, now: now)
        case .unrecognised:
            break
        }
        interruptIfWanted()
    }

    /// Any stdout line proves the agent is alive: it restarts the stall clock (and re-arms it after a reported stall).
    mutating func noteOutput(now: Duration) {
        guard var running = turn else { return }
        running.lastOutput = now
        let wasStalled = running.isStallReported
        running.isStallReported = false
        turn = running
        if wasStalled { arm(.stallCheck, after: configuration.stallTimeout) }
    }

    /// The injection a message belongs to, decided by the turn it names, never by which prompt was sent last.
    ///
    /// Responses are labelled by the request they answer. Requests and notifications naming a known turn get that
    /// turn's injection. A `turn/started` naming an unknown turn while ours has no id yet is that turn (and the id is
    /// learnt); any other message naming an unknown turn belongs to no injection: after `thread/resume` codex
    /// repeats the last usage of an earlier turn, which must not be taken for the new one. Messages naming no turn
    /// (thread status, rate limits) belong to the turn running now, or to none; `serverRequest/resolved` follows
    /// the request it resolves.
    mutating func label(_ message: AppServer.Message) -> InjectionID? {
        switch message {
        case .response(let id, _), .errorResponse(let id, _):
            guard let number = id.intValue, let pending = pendingRequests[number] else { return nil }
            switch pending {
            case .turnStart(let injection), .turnInterrupt(let injection), .turnSteer(let injection, _):
                return injection
            case .initialize, .openThread: return nil
            }
        case .request, .notification:
            if let turnID = message.turnID {
                if let running = turn, running.turnID == turnID { return labelInRunningTurn(message) }
                if let known = turnInjections[turnID] { return known }
                guard message.notificationMethod == .turnStarted, var running = turn, running.turnID == nil else {
                    return nil
                }
                running.turnID = turnID
                turn = running
                turnInjections[turnID] = running.injectionID
                reportNewTurn()
                return labelInRunningTurn(message)
            }
            if message.notificationMethod == .serverRequestResolved,
                let requestID = AppServer.ServerRequestResolved(message.params)?.requestID
            {
                return answeredRequests.removeValue(forKey: requestID) ?? turn?.injectionID
            }
            return turn?.injectionID
        case .unrecognised:
            return turn?.injectionID
        }
    }

    private mutating func responseArrived(id: JSONValue, result: JSONValue, now: Duration) {
        guard let number = id.intValue, let pending = pendingRequests.removeValue(forKey: number) else { return }
        switch pending {
        case .initialize:
            checkVersion(AppServer.InitializeResponse(result))
            emit(.writeToAgent(AgentRequests.line(AgentRequests.initialized)))
            openThread()
        case .openThread:
            guard let thread = AppServer.ThreadOpenResponse.threadID(in: result) else {
                reportError(.agentError, "the agent opened a thread without an id; stopping it")
                stopAgent()
                return
            }
            threadID = thread
            resumableThreadID = thread
            agent = .ready
            threadOpened(result: result, resumed: pending == .openThread(isResume: true))
            startNextTurn(now: now)
        case .turnStart(let injection):
            guard let turnID = result["turn"].flatMap(AppServer.Turn.init)?.id else { return }
            turnInjections[turnID] = injection
            if var running = turn, running.requestID == number {
                running.turnID = turnID
                turn = running
                reportNewTurn()
            }
        case .turnInterrupt:
            break
        case .turnSteer(let injection, let turnID):
            steerAccepted(injection, turnID: result["turnId"]?.stringValue ?? turnID)
        }
    }

    private mutating func errorArrived(id: JSONValue, error: JSONValue, now: Duration) {
        guard let number = id.intValue, let pending = pendingRequests.removeValue(forKey: number) else { return }
        let text = AppServer.Message.describe(error: error)
        switch pending {
        case .initialize:
            reportError(.agentError, "the agent refused initialize: \(text); stopping it")
            stopAgent()
        case .openThread(let isResume):
            if isResume {
                // The old thread is gone (for example a different agent); a fresh thread is the best we can do.
                resumeFallbackReason = "the agent could not resume thread \(resumableThreadID ?? "?"): \(text)"
                resumableThreadID = nil
                openThread()
            } else {
                reportError(.agentError, "the agent refused thread/start: \(text); stopping it")
                stopAgent()
            }
        case .turnStart(let injection):
            reportError(.agentError, "the agent refused turn/start: \(text)", injection: injection)
            if turn?.requestID == number { endTurn(now: now) }
        case .turnInterrupt:
            // Usually the turn finished just before the interrupt arrived; its turn/completed ends the drain.
            break
        case .turnSteer(let injection, _):
            steerRefused(injection, reason: text, now: now)
        }
    }

    private mutating func notificationArrived(method: String, params: JSONValue, now: Duration) {
        noteTurnEnd(method: method, params: params)
        guard AppServer.NotificationMethod(rawValue: method) == .turnCompleted,
            let turnID = AppServer.TurnNotification(params)?.turn.id, let running = turn, running.turnID == turnID
        else { return }
        // A completed turn shows the agent works again, so the restart backoff starts over.
        consecutiveRestarts = 0
        endTurn(now: now)
    }

    private mutating func answer(id: JSONValue, method: String, params: JSONValue, injection: InjectionID?) {
        if hold(id: id, method: method, params: params, injection: injection) { return }
        // Under `ask`, requests nobody is asked about (the legacy v1 approvals) get `decline` (the configured default).
        let decision = configuration.approvalDecision
        let reply = ServerRequestPolicy.answer(id: id, method: method, params: params, decision: decision)
        if let injection { answeredRequests[id] = injection }
        emit(.writeToAgent(AgentRequests.line(reply)))
        emit(.appendOutbox(record(.codexRPC, injection: injection, payload: reply, direction: "to_agent")))
    }

    /// Warns once per version when the agent's version (from `initialize`) is outside the tested range.
    private mutating func checkVersion(_ response: AppServer.InitializeResponse?) {
        let text = response?.agentVersion ?? "unknown"
        guard text != checkedAgentVersion else { return }
        checkedAgentVersion = text
        if let version = AppServer.Version(text), AppServer.TestedVersions.contains(version) { return }
        reportError(
            .agentVersionUntested,
            "the agent reports version \(text) (user agent \"\(response?.userAgent ?? "")\"), outside the tested "
                + "range \(AppServer.TestedVersions.text) (CI runs codex \(AppServer.TestedVersions.pinned)); "
                + "events may be missing or misread; see USER_GUIDE \"Running codex on a cluster\"")
    }

    private mutating func openThread() {
        agent = .openingThread
        let resuming = resumableThreadID
        let configuration = self.configuration
        sendRequest(.openThread(isResume: resuming != nil)) { id in
            AgentRequests.openThread(id: id, configuration: configuration, resumingThread: resuming)
        }
    }

    /// Ends the running turn and starts the next one, or continues the shutdown.
    mutating func endTurn(now: Duration) {
        if let ended = turn?.turnID {
            // The agent resolves what it still asked in this turn; a late answer would name nothing.
            heldRequests = heldRequests.filter { $0.value.turnID != ended }
        }
        turn = nil
        disarm(.stallCheck)
        if case .draining = shutdown {
            beginClosing()
        } else {
            startNextTurn(now: now)
        }
    }

    /// Sends `turn/interrupt` once the turn shutdown wants interrupted has a known id.
    mutating func interruptIfWanted() {
        guard var running = turn, running.isInterruptWanted, !running.isInterruptSent, let turnID = running.turnID,
            let threadID
        else { return }
        running.isInterruptSent = true
        turn = running
        let injection = running.injectionID
        var message: JSONValue = .null
        sendRequest(.turnInterrupt(injection)) { id in
            message = AgentRequests.turnInterrupt(id: id, threadID: threadID, turnID: turnID)
            return message
        }
        emit(.appendOutbox(record(.codexRPC, injection: injection, payload: message, direction: "to_agent")))
    }
}

import CodeswarmProtocol

/// One turn the demo agent is playing: what it was asked, which modes apply, and the steps still to run.
struct DemoTurn: Sendable {
    /// One thing the turn does next.
    enum Step: Sendable {
        /// Send the messages built from the time they go out (Unix milliseconds), so timestamps are true.
        case send(@Sendable (_ nowMs: Int) -> [JSONValue])
        case pause(Duration)
        /// Send a server request and wait for its response before going on.
        case ask(Question)
        /// Exit with code 3 right here.
        case crash
    }

    /// The server requests a turn can ask.
    enum Question: Sendable {
        case commandApproval
        /// A real codex request no Codeswarm worker handles (`account/chatgptAuthTokens/refresh`).
        case unsupportedRequest
    }

    /// Which segment of the script comes next; segments after a question depend on its answer.
    enum Phase: Sendable {
        case opening, approval, afterApproval, answering, closing, done
    }

    let number: Int
    let id: String
    let threadID: String
    let prompt: String
    let startedAtMs: Int
    /// Completed turns the thread had before this one (more than zero after a resume).
    let earlierTurns: Int
    var requestsApproval: Bool
    var sendsUnsupportedRequest: Bool
    var failsTurn: Bool
    var crashes: Bool
    var stallSeconds: Double?
    var deltaDelayMilliseconds: Int
    var deltaCount: Int
    var warning: String?
    var reasoning: String?

    var phase = Phase.opening
    var steps: [Step] = []
    /// Texts `turn/steer` added; the answer is about the last of them.
    var steers: [String] = []
    /// Steered texts already shown as user messages in this turn.
    var steersShown = 0
    var approvalRequestID: Int?
    var approvalDecision: String?
    var unsupportedRequestOutcome: String?
    /// The final answer, once its item completed.
    var answer: String?
    /// The server request the turn waits on.
    var awaitedRequest: (id: Int, question: Question)?
    /// The pause the turn waits on; a timer with another token is stale.
    var timerToken: Int?

    init(
        number: Int, threadID: String, prompt: String, startedAtMs: Int, earlierTurns: Int, options: DemoAgentOptions
    ) {
        self.number = number
        self.id = "\(threadID)-turn-\(number)"
        self.threadID = threadID
        self.prompt = prompt
        self.startedAtMs = startedAtMs
        self.earlierTurns = earlierTurns
        let directives = DemoDirectives(parsing: prompt)
        requestsApproval = options.requestsApproval || directives.requestsApproval
        sendsUnsupportedRequest = options.sendsUnknownRequest || directives.sendsUnknownRequest
        failsTurn = options.failsTurn || directives.failsTurn
        crashes = directives.crashes || options.crashAfterTurn == number
        stallSeconds = directives.stallSeconds ?? options.stallSeconds
        deltaDelayMilliseconds = directives.deltaDelayMilliseconds ?? max(options.deltaDelayMilliseconds, 0)
        deltaCount = directives.deltaCount ?? max(options.deltaCount, 1)
        warning = directives.warning
        reasoning = directives.reasoning
    }

    /// True while the answer's deltas are still going out (a steer then restarts the answer).
    var isStreamingAnswer: Bool { phase == .closing && !steps.isEmpty }

    /// The `Turn` object with `status`, as codex shows it while running and when it ends.
    func turnObject(status: AppServer.TurnStatus, nowMs: Int, error: AppServer.TurnError? = nil) -> AppServer.Turn {
        let ended = status != .inProgress
        let items: [AppServer.ThreadItem] =
            ended && status == .completed ? [.agentMessage(id: answerItemID, text: answer ?? "")] : []
        return AppServer.Turn(
            id: id, status: status, items: items, itemsView: items.isEmpty ? "notLoaded" : "summary", error: error,
            startedAt: startedAtMs / 1000, completedAt: ended ? nowMs / 1000 : nil,
            durationMs: ended ? nowMs - startedAtMs : nil)
    }

    /// The id of the answer's `agentMessage` item (a new one after each steer, as codex does).
    var answerItemID: String { "\(id)-msg-\(steers.count)" }

    /// The notices folded into the answer text: approval and request outcomes, steering, resumed history.
    var answerNotes: [String] {
        var notes: [String] = []
        if let approvalDecision { notes.append("approval=\(approvalDecision)") }
        if let unsupportedRequestOutcome { notes.append("unknown_request=\(unsupportedRequestOutcome)") }
        if !steers.isEmpty { notes.append("steered=\(steers.count)") }
        if earlierTurns > 0 { notes.append("history=\(earlierTurns)") }
        return notes
    }
}

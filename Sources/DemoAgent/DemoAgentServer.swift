import CodeswarmProtocol

/// The demo agent's protocol logic as a pure state machine: app-server messages in, messages and timers out.
///
/// It plays codex 0.163's shapes and orderings (checked against codex's JSON Schema and golden transcripts of the
/// real binary): handshake, `thread/start` and `thread/resume` (stored threads only), `turn/start`, `turn/steer`,
/// `turn/interrupt`. Time comes in with every input (Unix ms); ids from the prefix the runtime chose.
struct DemoAgentServer: Sendable {
    /// What the runtime does for the server.
    enum Action: Sendable {
        case send(JSONValue)
        /// Call `timerFired(token:nowMs:)` after the delay.
        case schedule(after: Duration, token: Int)
        /// Write the prompt's bytes to the record folder.
        case recordPrompt(String)
        /// Store the thread (create or replace its record).
        case saveThread(DemoThreadRecord)
        /// Exit the process with this code now.
        case exit(Int32)
    }

    /// What the runtime tells the server about its surroundings.
    struct Environment: Sendable {
        /// Makes thread ids unique across processes sharing a state folder (8 hex digits in practice).
        var idPrefix: String
        /// Reported as `codexHome` in `initialize`.
        var home: String
        /// Where thread records are stored (reported as the thread's `path`), or nil when kept in memory only.
        var threadFolder: String?
        /// Threads stored by earlier processes.
        var storedThreads: [DemoThreadRecord]

        init(
            idPrefix: String = "0000demo", home: String = "", threadFolder: String? = nil,
            storedThreads: [DemoThreadRecord] = []
        ) {
            self.idPrefix = idPrefix
            self.home = home
            self.threadFolder = threadFolder
            self.storedThreads = storedThreads
        }
    }

    /// The codex version whose protocol the demo agent plays, marked as the demo.
    static let version = "\(AppServer.TestedVersions.pinned)-demo"
    static let provider = "codeswarm-demo"
    static let model = "demo"

    let options: DemoAgentOptions
    let environment: Environment
    var isInitialized = false
    var clientName = "codeswarm"
    var threads: [String: DemoThreadRecord] = [:]
    /// The thread this connection started or resumed (turns run only on it).
    var threadID: String?
    var approvalPolicy = "never"
    var sandbox = AppServer.SandboxMode.workspaceWrite
    var threadCount = 0
    var turnCount = 0
    var turn: DemoTurn?
    var nextServerRequestID = 0
    var nextTimerToken = 0
    var totalInputTokens = 0
    var totalOutputTokens = 0
    var actions: [Action] = []
    /// The time of the input being handled (Unix milliseconds).
    var nowMs = 0

    init(options: DemoAgentOptions, environment: Environment = Environment()) {
        self.options = options
        self.environment = environment
        for thread in environment.storedThreads { threads[thread.id] = thread }
    }

    /// Handles one message from the client at `nowMs`.
    mutating func received(_ message: JSONValue, nowMs: Int) -> [Action] {
        self.nowMs = nowMs
        switch AppServer.Message(message) {
        case .request(let id, let method, let params):
            request(id: id, method: method, params: params)
        case .response(let id, _), .errorResponse(let id, _):
            if var current = turn, let awaited = current.awaitedRequest, id.intValue == awaited.id {
                current.awaitedRequest = nil
                record(answer: message, to: awaited.question, in: &current)
                turn = current
                advance()
            }
        case .notification, .unrecognised:
            break  // `initialized` needs nothing.
        }
        return takeActions()
    }

    /// Continues the turn whose pause `token` ended.
    mutating func timerFired(token: Int, nowMs: Int) -> [Action] {
        self.nowMs = nowMs
        if var current = turn, current.timerToken == token {
            current.timerToken = nil
            turn = current
            advance()
        }
        return takeActions()
    }

    private mutating func takeActions() -> [Action] {
        defer { actions = [] }
        return actions
    }

    private mutating func request(id: JSONValue, method: String, params: JSONValue) {
        guard let known = AppServer.ClientMethod(rawValue: method) else {
            return reply(id, error: AppServer.ErrorCode.methodNotFound, "method not found: \(method)")
        }
        if known == .initialize {
            guard !isInitialized else {
                return reply(id, error: AppServer.ErrorCode.invalidRequest, "Already initialized")
            }
            isInitialized = true
            let client = AppServer.InitializeParams(params)
            clientName = client?.clientName ?? "codeswarm"
            let userAgent =
                "\(clientName)/\(Self.version) (Codeswarm demo agent) (\(clientName); \(client?.clientVersion ?? ""))"
            return reply(
                id, result: AppServer.InitializeResponse(userAgent: userAgent, codexHome: environment.home).json)
        }
        guard isInitialized else { return reply(id, error: AppServer.ErrorCode.invalidRequest, "Not initialized") }
        switch known {
        case .initialize: break
        case .threadStart: startThread(id: id, params: AppServer.ThreadOpenParams(params))
        case .threadResume: resumeThread(id: id, params: AppServer.ThreadOpenParams(params), raw: params)
        case .turnStart: startTurn(id: id, params: params)
        case .turnSteer: steer(id: id, params: params)
        case .turnInterrupt: interrupt(id: id, params: params)
        }
    }

    // MARK: - Threads

    private mutating func startThread(id: JSONValue, params: AppServer.ThreadOpenParams) {
        guard applySettings(id: id, params) else { return }
        threadCount += 1
        let now = nowMs / 1000
        let record = DemoThreadRecord(
            id: "\(environment.idPrefix)-\(hex(threadCount, digits: 4))-7000-8000-000000000000",
            cwd: params.cwd ?? environment.home, createdAt: now, updatedAt: now, turns: [])
        threads[record.id] = record
        threadID = record.id
        actions.append(.saveThread(record))
        let thread = record.thread(status: .idle, path: path(of: record.id), includeTurns: false)
        reply(id, result: openResponse(thread: thread, params: params).json)
        notify(.threadStarted, ["thread": thread.json])
    }

    /// Codex resumes only threads it stored: anything else is `-32600 no rollout found`. No `thread/started`.
    private mutating func resumeThread(id: JSONValue, params: AppServer.ThreadOpenParams, raw: JSONValue) {
        guard let requested = params.threadID, let record = threads[requested] else {
            return reply(
                id, error: AppServer.ErrorCode.invalidRequest,
                "no rollout found for thread id \(params.threadID ?? "(none)")")
        }
        guard applySettings(id: id, params) else { return }
        threadID = record.id
        let excludeTurns = raw["excludeTurns"]?.boolValue ?? false
        if !excludeTurns {
            notify(
                .deprecationNotice,
                AppServer.Warning(
                    kind: .deprecationNotice,
                    message: "Full-history hydration is deprecated for paginated threads; use `excludeTurns: true`, "
                        + "then page with `thread/turns/list` and `thread/items/list`."
                ).json)
        }
        notify(.threadStatusChanged, AppServer.ThreadStatusChanged(threadID: record.id, status: .idle).json)
        let thread = record.thread(status: .idle, path: path(of: record.id), includeTurns: !excludeTurns)
        reply(id, result: openResponse(thread: thread, params: params).json)
    }

    /// Takes the approval policy and sandbox; refuses values codex refuses (it names the accepted ones).
    private mutating func applySettings(id: JSONValue, _ params: AppServer.ThreadOpenParams) -> Bool {
        if let policy = params.approvalPolicy {
            guard AppServer.ApprovalPolicy(rawValue: policy) != nil else {
                reply(
                    id, error: AppServer.ErrorCode.invalidRequest,
                    "Invalid request: unknown variant `\(policy)`, expected one of `untrusted`, `on-request`, "
                        + "`granular`, `never`")
                return false
            }
            approvalPolicy = policy
        }
        if let mode = params.sandbox {
            guard let parsed = AppServer.SandboxMode(rawValue: mode) else {
                reply(
                    id, error: AppServer.ErrorCode.invalidRequest,
                    "Invalid request: unknown variant `\(mode)`, expected one of `read-only`, `workspace-write`, "
                        + "`danger-full-access`")
                return false
            }
            sandbox = parsed
        }
        return true
    }

    private func openResponse(thread: AppServer.Thread, params: AppServer.ThreadOpenParams)
        -> AppServer.ThreadOpenResponse
    {
        AppServer.ThreadOpenResponse(
            thread: thread, model: params.model ?? Self.model, modelProvider: Self.provider, cwd: thread.cwd,
            approvalPolicy: approvalPolicy, sandbox: sandbox)
    }

    private func path(of threadID: String) -> String? {
        environment.threadFolder.map { "\($0)/\(threadID).json" }
    }

    // MARK: - Turns

    private mutating func startTurn(id: JSONValue, params: JSONValue) {
        guard let start = AppServer.TurnStartParams(params) else {
            return reply(id, error: AppServer.ErrorCode.invalidRequest, "Invalid request: missing field `threadId`")
        }
        guard let threadID, start.threadID == threadID, let record = threads[threadID] else {
            return reply(id, error: AppServer.ErrorCode.invalidRequest, "thread not found: \(start.threadID)")
        }
        guard turn == nil else {
            return reply(id, error: AppServer.ErrorCode.invalidRequest, "a turn is already running on this thread")
        }
        let prompt = start.input.map(\.text).joined(separator: "\n")
        turnCount += 1
        let next = DemoTurn(
            number: turnCount, threadID: threadID, prompt: prompt, startedAtMs: nowMs,
            earlierTurns: record.turns.count, options: options)
        if options.recordPromptsDirectory != nil { actions.append(.recordPrompt(prompt)) }
        var started = next.turnObject(status: .inProgress, nowMs: nowMs)
        started.startedAt = nil  // Codex's response predates the turn's start.
        reply(id, result: ["turn": started.json])
        turn = next
        advance()
    }

    /// `turn/steer`: codex answers `{turnId}` and folds the text into the running turn; refuses without one.
    private mutating func steer(id: JSONValue, params: JSONValue) {
        guard let steer = AppServer.TurnSteerParams(params) else {
            return reply(
                id, error: AppServer.ErrorCode.invalidRequest, "Invalid request: missing field `expectedTurnId`")
        }
        guard var current = turn, steer.threadID == current.threadID else {
            return reply(id, error: AppServer.ErrorCode.invalidRequest, "no active turn to steer")
        }
        guard steer.expectedTurnID == current.id else {
            return reply(
                id, error: AppServer.ErrorCode.invalidRequest,
                "expected active turn id `\(steer.expectedTurnID)` but found `\(current.id)`")
        }
        current.steers += steer.input.map(\.text)
        reply(id, result: AppServer.TurnSteerResponse(turnID: current.id).json)
        if current.isStreamingAnswer {
            // Codex drops the answer in progress (no `item/completed` for it) and answers again.
            current.steps = []
            current.phase = .answering
            current.timerToken = nil
            turn = current
            advance()
        } else {
            turn = current
        }
    }

    private mutating func interrupt(id: JSONValue, params: JSONValue) {
        guard let current = turn, let request = AppServer.TurnInterruptParams(params), request.turnID == current.id
        else {
            return reply(id, error: AppServer.ErrorCode.invalidRequest, "no running turn with that id")
        }
        reply(id, result: [:])
        turn = nil
        notify(.threadStatusChanged, AppServer.ThreadStatusChanged(threadID: current.threadID, status: .idle).json)
        notify(
            .turnCompleted,
            AppServer.TurnNotification(
                threadID: current.threadID, turn: current.turnObject(status: .interrupted, nowMs: nowMs)
            ).json)
    }

    /// Runs the current turn's steps until it pauses, waits for an answer, ends or crashes.
    mutating func advance() {
        while var current = turn {
            if current.steps.isEmpty {
                guard current.phase != .done else {
                    finish(current)
                    return
                }
                current.steps = nextSegment(of: &current)
                turn = current
                continue
            }
            let step = current.steps.removeFirst()
            switch step {
            case .send(let build):
                turn = current
                for message in build(nowMs) { actions.append(.send(message)) }
            case .pause(let delay):
                nextTimerToken += 1
                current.timerToken = nextTimerToken
                turn = current
                actions.append(.schedule(after: delay, token: nextTimerToken))
                return
            case .ask(let question):
                let requestID = nextServerRequestID
                nextServerRequestID += 1
                current.awaitedRequest = (requestID, question)
                if question == .commandApproval { current.approvalRequestID = requestID }
                turn = current
                actions.append(.send(serverRequest(id: requestID, question: question, turn: current)))
                return
            case .crash:
                turn = nil
                actions.append(.exit(3))
                return
            }
        }
    }

    /// The turn is over: a completed answer joins the thread's stored history.
    private mutating func finish(_ finished: DemoTurn) {
        turn = nil
        guard let answer = finished.answer, var record = threads[finished.threadID] else { return }
        record.turns.append(DemoThreadRecord.Turn(id: finished.id, prompt: finished.prompt, answer: answer))
        record.updatedAt = nowMs / 1000
        threads[record.id] = record
        actions.append(.saveThread(record))
    }

    // MARK: - Helpers

    mutating func reply(_ id: JSONValue, result: JSONValue) {
        actions.append(.send(AppServer.Message.response(id: id, result: result).json))
    }

    mutating func reply(_ id: JSONValue, error code: Int, _ message: String) {
        actions.append(.send(AppServer.Message.error(id: id, code: code, message: message).json))
    }

    mutating func notify(_ method: AppServer.NotificationMethod, _ params: JSONValue) {
        actions.append(.send(AppServer.Message.notification(method, params).json))
    }

    private func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

import CodeswarmProtocol

/// The demo agent's protocol logic as a pure state machine: app-server messages in, messages and timers out.
struct DemoAgentServer: Sendable {
    /// What the runtime does for the server.
    enum Action: Sendable {
        case send(JSONValue)
        /// Call `timerFired(token:)` after the delay.
        case schedule(after: Duration, token: Int)
        /// Write the prompt's bytes to the record folder.
        case recordPrompt(String)
        /// Exit the process with this code now.
        case exit(Int32)
    }

    let options: DemoAgentOptions
    var isInitialized = false
    var threadCount = 0
    var threadID: String?
    var turnCount = 0
    var turn: DemoTurn?
    var nextServerRequestID = 0
    var nextTimerToken = 0
    var totalInputTokens = 0
    var totalOutputTokens = 0
    var actions: [Action] = []

    init(options: DemoAgentOptions) {
        self.options = options
    }

    /// Handles one message from the client.
    mutating func received(_ message: JSONValue) -> [Action] {
        let id = message["id"]
        if let method = message["method"]?.stringValue {
            if let id, !id.isNull {
                request(id: id, method: method, params: message["params"] ?? .null)
            }
            // Notifications (`initialized`) need nothing.
        } else if let id, var current = turn, let awaited = current.awaitedRequest, id.intValue == awaited.id {
            current.awaitedRequest = nil
            record(answer: message, to: awaited.question, in: &current)
            turn = current
            advance()
        }
        return takeActions()
    }

    /// Continues the turn whose pause `token` ended.
    mutating func timerFired(token: Int) -> [Action] {
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
        if method == "initialize" {
            guard !isInitialized else { return reply(id, error: -32600, "Already initialized") }
            isInitialized = true
            return reply(
                id,
                result: [
                    "userAgent": "codeswarm-demo-agent/0.1.0", "codexHome": "", "platformFamily": "unix",
                    "platformOs": "linux",
                ])
        }
        guard isInitialized else { return reply(id, error: -32600, "Not initialized") }
        switch method {
        case "thread/start", "thread/resume":
            openThread(id: id, params: params, resuming: method == "thread/resume")
        case "turn/start":
            startTurn(id: id, params: params)
        case "turn/interrupt":
            interrupt(id: id, params: params)
        default:
            reply(id, error: -32601, "method not found: \(method)")
        }
    }

    private mutating func openThread(id: JSONValue, params: JSONValue, resuming: Bool) {
        let thread: String
        if resuming, let requested = params["threadId"]?.stringValue {
            thread = requested
        } else {
            threadCount += 1
            thread = "thr_demo_\(threadCount)"
        }
        threadID = thread
        let object: JSONValue = [
            "id": .string(thread), "preview": "", "ephemeral": true, "modelProvider": "codeswarm-demo",
            "cwd": params["cwd"] ?? .null, "status": ["type": "idle"], "turns": [],
        ]
        reply(
            id,
            result: [
                "thread": object, "model": params["model"] ?? "demo", "modelProvider": "codeswarm-demo",
                "cwd": params["cwd"] ?? .null, "approvalPolicy": params["approvalPolicy"] ?? "never",
                "sandbox": params["sandbox"] ?? .null,
            ])
        notify("thread/started", ["thread": object])
    }

    private mutating func startTurn(id: JSONValue, params: JSONValue) {
        guard let threadID, params["threadId"]?.stringValue == threadID else {
            return reply(id, error: -32600, "unknown thread; call thread/start first")
        }
        guard turn == nil else { return reply(id, error: -32600, "a turn is already running on this thread") }
        let prompt = (params["input"]?.arrayValue ?? []).compactMap { item -> String? in
            item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil
        }.joined(separator: "\n")
        turnCount += 1
        let next = DemoTurn(number: turnCount, threadID: threadID, prompt: prompt, options: options)
        if options.recordPromptsDirectory != nil { actions.append(.recordPrompt(prompt)) }
        reply(id, result: ["turn": next.turnObject(status: "inProgress")])
        turn = next
        advance()
    }

    private mutating func interrupt(id: JSONValue, params: JSONValue) {
        guard let current = turn, params["turnId"]?.stringValue == current.id else {
            return reply(id, error: -32600, "no running turn with that id")
        }
        reply(id, result: [:])
        turn = nil
        notify(
            "turn/completed",
            ["threadId": .string(current.threadID), "turn": current.turnObject(status: "interrupted")])
        notify("thread/status/changed", ["threadId": .string(current.threadID), "status": ["type": "idle"]])
    }

    /// Runs the current turn's steps until it pauses, waits for an answer, ends or crashes.
    private mutating func advance() {
        while var current = turn {
            if current.steps.isEmpty {
                guard current.phase != .done else {
                    turn = nil
                    return
                }
                current.steps = nextSegment(of: &current)
                turn = current
                continue
            }
            let step = current.steps.removeFirst()
            switch step {
            case .send(let message):
                actions.append(.send(message))
                turn = current
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

    private mutating func reply(_ id: JSONValue, result: JSONValue) {
        actions.append(.send(["id": id, "result": result]))
    }

    private mutating func reply(_ id: JSONValue, error code: Int, _ message: String) {
        actions.append(.send(["id": id, "error": ["code": .number(Double(code)), "message": .string(message)]]))
    }

    private mutating func notify(_ method: String, _ params: JSONValue) {
        actions.append(.send(["method": .string(method), "params": params]))
    }
}

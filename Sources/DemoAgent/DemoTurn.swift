import CodeswarmProtocol

/// One turn the demo agent is playing: what it was asked, which modes apply, and the steps still to run.
struct DemoTurn: Sendable {
    /// One thing the turn does next.
    enum Step: Sendable {
        case send(JSONValue)
        case pause(Duration)
        /// Send a server request and wait for its response before going on.
        case ask(Question)
        /// Exit with code 3 right here.
        case crash
    }

    /// The server requests a turn can ask.
    enum Question: Sendable {
        case commandApproval
        case unknownMethod
    }

    /// Which segment of the script comes next; segments after a question depend on its answer.
    enum Phase: Sendable {
        case opening, approval, unknownRequest, answering, done
    }

    let number: Int
    let id: String
    let threadID: String
    let prompt: String
    var requestsApproval: Bool
    var sendsUnknownRequest: Bool
    var failsTurn: Bool
    var crashes: Bool
    var stallSeconds: Double?
    var deltaDelayMilliseconds: Int
    var deltaCount: Int

    var phase = Phase.opening
    var steps: [Step] = []
    var approvalRequestID: Int?
    var approvalDecision: String?
    var unknownRequestOutcome: String?
    /// The server request the turn waits on.
    var awaitedRequest: (id: Int, question: Question)?
    /// The pause the turn waits on; a timer with another token is stale.
    var timerToken: Int?

    init(number: Int, threadID: String, prompt: String, options: DemoAgentOptions) {
        self.number = number
        self.id = "turn_\(number)"
        self.threadID = threadID
        self.prompt = prompt
        let directives = DemoDirectives(parsing: prompt)
        requestsApproval = options.requestsApproval || directives.requestsApproval
        sendsUnknownRequest = options.sendsUnknownRequest || directives.sendsUnknownRequest
        failsTurn = options.failsTurn || directives.failsTurn
        crashes = directives.crashes || options.crashAfterTurn == number
        stallSeconds = directives.stallSeconds ?? options.stallSeconds
        deltaDelayMilliseconds = directives.deltaDelayMilliseconds ?? max(options.deltaDelayMilliseconds, 0)
        deltaCount = directives.deltaCount ?? max(options.deltaCount, 1)
    }

    /// `{threadId, turnId}` plus `extra`, the shape of most turn notifications.
    func params(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = ["threadId": .string(threadID), "turnId": .string(id)]
        members.merge(extra) { _, new in new }
        return .object(members)
    }

    /// The `Turn` object with `status`.
    func turnObject(status: String, error: JSONValue = .null) -> JSONValue {
        ["id": .string(id), "status": .string(status), "items": [], "error": error]
    }

    /// The notices folded into the answer text: what the approval and unknown requests came back with.
    var answerNotes: [String] {
        var notes: [String] = []
        if let approvalDecision { notes.append("approval=\(approvalDecision)") }
        if let unknownRequestOutcome { notes.append("unknown_request=\(unknownRequestOutcome)") }
        return notes
    }
}

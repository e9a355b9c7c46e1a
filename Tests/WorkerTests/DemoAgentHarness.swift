import CodeswarmProtocol
import TestSupport
import Testing

@testable import DemoAgent

/// Drives `DemoAgentServer` without a process: a clock, the client's messages built with the typed protocol,
/// timers fired on request, and every message in both directions checked against codex's JSON Schema.
struct DemoAgentHarness {
    var server: DemoAgentServer
    var nowMs = 1_796_117_813_000
    var conversation: CodexSchema.Conversation
    /// Schema violations so far, each prefixed with the message's method.
    var violations: [String] = []
    /// Every message the server sent, in order.
    var sent: [JSONValue] = []
    /// Thread records the server asked to store, in order.
    var saved: [DemoThreadRecord] = []
    var timers: [(token: Int, delay: Duration)] = []
    var exitCode: Int32?
    var prompts: [String] = []
    var nextID = 0

    init(
        _ options: DemoAgentOptions = DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3),
        environment: DemoAgentServer.Environment = DemoAgentServer.Environment(
            idPrefix: "0000demo", home: "/codex-home", threadFolder: "/codex-home/threads")
    ) throws {
        server = DemoAgentServer(options: options, environment: environment)
        conversation = CodexSchema.Conversation(schema: try CodexSchema.load())
    }

    /// Sends one client message; returns what the server answered right away.
    @discardableResult
    mutating func send(_ message: JSONValue) -> [JSONValue] {
        violations += conversation.check(message, from: .client).map { "client: \($0)" }
        nowMs += 1
        return absorb(server.received(message, nowMs: nowMs))
    }

    /// Sends the request `method` with `params`; returns the server's immediate messages.
    @discardableResult
    mutating func request(_ method: AppServer.ClientMethod, _ params: JSONValue) -> [JSONValue] {
        defer { nextID += 1 }
        return send(AppServer.Message.request(id: nextID, method, params).json)
    }

    /// Fires pending timers, oldest first, until none is left (or `limit` fired); returns what they caused.
    @discardableResult
    mutating func runTimers(limit: Int = 1000) -> [JSONValue] {
        var output: [JSONValue] = []
        var fired = 0
        while !timers.isEmpty, fired < limit {
            let timer = timers.removeFirst()
            nowMs += Int(timer.delay / .milliseconds(1))
            output += absorb(server.timerFired(token: timer.token, nowMs: nowMs))
            fired += 1
        }
        return output
    }

    /// `initialize`, `initialized` and `thread/start`; returns the new thread's id.
    @discardableResult
    mutating func open(policy: String = "never", cwd: String = "/work") -> String {
        request(
            .initialize,
            AppServer.InitializeParams(clientName: "codeswarm", clientTitle: "Codeswarm", clientVersion: "0.1.0").json)
        send(
            AppServer.Message.notification(
                method: AppServer.ClientNotificationMethod.initialized.rawValue, params: .null
            ).json)
        let opened = request(
            .threadStart,
            AppServer.ThreadOpenParams(cwd: cwd, sandbox: "workspace-write", approvalPolicy: policy).json)
        return opened.first?["result"].flatMap(AppServer.ThreadOpenResponse.threadID(in:)) ?? ""
    }

    /// `turn/start` of `text` on `thread`, then every timer; returns all messages of the turn.
    @discardableResult
    mutating func turn(_ text: String, thread: String) -> [JSONValue] {
        let started = request(.turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: text)]).json)
        return started + runTimers()
    }

    /// The last server request sent (an approval or the unsupported request).
    var lastServerRequest: JSONValue? {
        sent.last { AppServer.Message($0).method != nil && $0["id"] != nil }
    }

    /// Answers the last server request with `result`.
    @discardableResult
    mutating func answer(result: JSONValue) -> [JSONValue] {
        send(["id": lastServerRequest?["id"] ?? .null, "result": result]) + runTimers()
    }

    /// Answers the last server request with a JSON-RPC error.
    @discardableResult
    mutating func answerError(code: Int) -> [JSONValue] {
        send(AppServer.Message.error(id: lastServerRequest?["id"] ?? .null, code: code, message: "not supported").json)
            + runTimers()
    }

    /// The methods of `messages` (responses and errors are left out).
    static func methods(_ messages: [JSONValue]) -> [String] {
        messages.compactMap { $0["method"]?.stringValue }
    }

    private mutating func absorb(_ actions: [DemoAgentServer.Action]) -> [JSONValue] {
        var output: [JSONValue] = []
        for action in actions {
            switch action {
            case .send(let message):
                violations += conversation.check(message, from: .server).map { "server: \($0)" }
                output.append(message)
            case .schedule(let delay, let token):
                timers.append((token, delay))
            case .recordPrompt(let prompt):
                prompts.append(prompt)
            case .saveThread(let record):
                saved.append(record)
            case .exit(let code):
                exitCode = code
            }
        }
        sent += output
        return output
    }
}

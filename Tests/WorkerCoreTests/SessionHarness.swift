import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// Drives an `AgentSession` with scripted inputs at explicit times, playing the agent from JSON strings.
struct SessionHarness {
    var session: AgentSession
    var now: Duration = .zero

    init(
        approvalDecision: String = "decline", stallTimeoutSeconds: Double = 60, restartLimit: Int = 3,
        drainSeconds: Double = 10, model: String? = "demo-model"
    ) throws {
        let settings = WorkerSettings(
            base: "/base", agentCommand: ["codeswarm", "demo-agent"], sandbox: "workspace-write",
            approvalPolicy: "on-request", approvalDecision: approvalDecision, model: model,
            stallTimeoutSeconds: stallTimeoutSeconds, restartLimit: restartLimit, drainSeconds: drainSeconds)
        session = AgentSession(
            configuration: try AgentSessionConfiguration(
                settings: settings, jobID: "job1", nodeID: 2, workingDirectory: "/base/runs/job1/agent_02"))
    }

    mutating func handle(_ make: (Duration) -> AgentSessionInput) -> [AgentSessionEffect] {
        session.handle(make(now))
    }

    mutating func agent(_ json: String) -> [AgentSessionEffect] {
        session.handle(.agentStdoutLine(Array(json.utf8), now: now))
    }

    mutating func inbox(_ content: String, id: String) -> [AgentSessionEffect] {
        let line = InboxLine(userContent: content, injectionID: InjectionID(id))
        let bytes = (try? WireCoding.encode(line)) ?? []
        return session.handle(.inboxLine(bytes, now: now))
    }

    mutating func fire(_ timer: SessionTimer) -> [AgentSessionEffect] {
        session.handle(.timerFired(timer, now: now))
    }

    /// Worker start, agent start, initialize and thread/start answered: the thread `thr_1` is ready.
    mutating func ready() {
        _ = session.handle(.workerStarted(hostname: "node-a", pid: 42, now: now))
        _ = session.handle(.agentStarted(pid: 100, now: now))
        _ = agent(#"{"id":0,"result":{"userAgent":"codeswarm/0.163.0 (Debian 12.0.0; x86_64)"}}"#)
        _ = agent(#"{"id":1,"result":{"thread":{"id":"thr_1"}}}"#)
    }

    /// Sends a prompt and answers its turn/start (request id `requestID`) with turn id `turnID`.
    mutating func runTurn(_ injection: String, requestID: Int, turnID: String) {
        _ = inbox("prompt \(injection)", id: injection)
        _ = agent(#"{"id":\#(requestID),"result":{"turn":{"id":"\#(turnID)","status":"inProgress"}}}"#)
    }
}

/// Queries over a batch of effects.
extension Array where Element == AgentSessionEffect {
    /// The JSON-RPC messages written to the agent, decoded.
    var agentMessages: [JSONValue] {
        compactMap { effect in
            guard case .writeToAgent(let bytes) = effect else { return nil }
            return try? WireCoding.decode(JSONValue.self, from: bytes)
        }
    }

    /// The methods of the messages written to the agent.
    var agentMethods: [String] { agentMessages.compactMap { $0["method"]?.stringValue } }

    /// The outbox records appended.
    var records: [OutboxRecord] {
        compactMap { effect in
            guard case .appendOutbox(let record) = effect else { return nil }
            return record
        }
    }

    /// The `worker_error` records.
    var workerErrors: [OutboxRecord] { records.filter { $0.type == .workerError } }

    /// The error codes reported, in order.
    var errorCodes: [String] { workerErrors.compactMap(\.code) }

    /// The timers scheduled.
    var timers: [(timer: SessionTimer, delay: Duration)] {
        compactMap { effect in
            guard case .scheduleTimer(let timer, let delay) = effect else { return nil }
            return (timer, delay)
        }
    }

    /// The timer of `kind` scheduled, if any.
    func timer(_ kind: SessionTimer.Kind) -> SessionTimer? {
        timers.last { $0.timer.kind == kind }?.timer
    }

    /// The labels of the `codex_rpc` records the agent sent (not our answers).
    var agentRecordLabels: [String?] {
        records.filter { $0.type == .codexRPC && $0.direction == nil }.map { $0.injectionID?.rawValue }
    }
}

import CodeswarmProtocol

/// Follows one inject command's injections (one per target node) and says what to print about them.
///
/// Pure: events in, `InjectOutput` and a final exit code out; `AnswerPrinter` turns the output into text for a
/// terminal or a pipe. So the whole CLI behaviour is testable as data.
struct InjectionTracker {
    /// Where one injection is.
    private struct Injection {
        var nodeID: Int
        var isFinished = false
        var failure: String?
        var sawDelta = false
    }

    let requestID: JSONValue
    /// The whole id of the swarm, from the first acknowledgement (the command may have named a prefix).
    private(set) var swarmID: SwarmID?
    private var injections: [InjectionID: Injection] = [:]
    private var rejected: String?

    init(requestID: JSONValue) {
        self.requestID = requestID
    }

    /// True when the event belongs to this command (its request or one of its injections).
    func isRelevant(_ event: RouterEvent) -> Bool {
        if event.requestID == requestID { return true }
        if case .stream(let stream) = event, let id = stream.injectionID { return injections[id] != nil }
        return false
    }

    /// The nodes whose turn has not finished yet, in node order.
    var unfinishedNodes: [Int] {
        injections.values.filter { !$0.isFinished }.map(\.nodeID).sorted()
    }

    /// Applies an event and returns what to print.
    mutating func apply(_ event: RouterEvent) -> [InjectOutput] {
        switch event {
        case .commandRejected(let rejection) where rejection.requestID == requestID:
            rejected = rejection.reason
            return [.note("error: \(rejection.reason)")]
        case .injectAck(let ack) where ack.requestID == requestID:
            injections[ack.injectionID] = Injection(nodeID: ack.nodeID)
            swarmID = swarmID ?? ack.swarmID
            return []
        case .injectDelivered(let delivered) where delivered.requestID == requestID:
            return [.note("node \(delivered.nodeID): delivered")]
        case .injectFailed(let failed) where failed.requestID == requestID:
            injections[failed.injectionID, default: Injection(nodeID: failed.nodeID)].isFinished = true
            injections[failed.injectionID]?.failure = failed.error ?? "delivery failed"
            return [.note("node \(failed.nodeID): delivery failed: \(failed.error ?? "unknown error")")]
        case .injectDeferred(let deferred) where deferred.requestID == requestID:
            // Accepted, and held until the swarm resumes: this command's part is done; the answer comes then.
            injections[deferred.injectionID, default: Injection(nodeID: deferred.nodeID)].isFinished = true
            return [
                .note(
                    "node \(deferred.nodeID): \(deferred.error ?? "held until the swarm resumes"); "
                        + "follow its answer with `codeswarm attach \(deferred.swarmID)`")
            ]
        case .stream(let stream):
            guard let id = stream.injectionID, var injection = injections[id] else { return [] }
            defer { injections[id] = injection }
            if let lines = CockpitLines.lines(stream.body, nodeID: stream.nodeID, turnID: stream.turnID) {
                return lines.map { .note($0) }
            }
            return render(stream.body, injection: &injection)
        default:
            return []
        }
    }

    /// The exit code once every injection is finished (or the command was rejected); nil while work remains.
    var exitCode: Int32? {
        if rejected != nil { return ExitCodes.failed }
        guard !injections.isEmpty, injections.values.allSatisfy(\.isFinished) else { return nil }
        return injections.values.contains { $0.failure != nil } ? ExitCodes.failed : 0
    }

    private func render(_ body: StreamEvent.Body, injection: inout Injection) -> [InjectOutput] {
        let node = injection.nodeID
        switch body {
        case .assistantDelta(let content):
            injection.sawDelta = true
            return [.text(nodeID: node, content)]
        case .assistant(let content):
            // Without deltas (older agents) the whole message is the answer; with them it was already printed.
            if injection.sawDelta { return [.endOfAnswer(nodeID: node)] }
            return [.text(nodeID: node, content), .endOfAnswer(nodeID: node)]
        case .agentError(let message, let code, _):
            return [.note("node \(node): agent error\(code.map { " (\($0))" } ?? ""): \(message)")]
        case .agentWarning(let message, _):
            return [.note("node \(node): warning: \(message)")]
        case .approvalAnswered(let kind, let decision, let command):
            return [.note("node \(node): \(kind) answered \(decision)\(command.map { ": \($0)" } ?? "")")]
        case .usage(let usage):
            return [.note("node \(node): \(UsageText.describe(usage))")]
        case .turnComplete(let status, let error):
            injection.isFinished = true
            if let status, status != "completed" {
                injection.failure = error ?? status
                return [
                    .endOfAnswer(nodeID: node), .note("node \(node): turn \(status)\(error.map { ": \($0)" } ?? "")"),
                ]
            }
            return [.endOfAnswer(nodeID: node), .note("node \(node): turn complete")]
        default:
            return []
        }
    }
}

/// What `inject` prints, before it is laid out for a terminal or a pipe.
enum InjectOutput: Equatable {
    /// Answer text from one node as it streams: any length, possibly holding newlines.
    case text(nodeID: Int, String)
    /// The node's answer is complete: its last line ends here even without a newline.
    case endOfAnswer(nodeID: Int)
    /// A status line for stderr (delivery, usage, turn end, errors).
    case note(String)
}

/// How token usage reads in the CLI.
enum UsageText {
    /// `1300 tokens this turn (1280 input, 20 output)`; the thread's total when the router sent no turn figures.
    static func describe(_ usage: TokenUsage) -> String {
        guard let turn = usage.turnTotalTokens else { return "\(usage.totalTokens) tokens (thread total)" }
        var parts: [String] = []
        if let input = usage.turnInputTokens { parts.append("\(input) input") }
        if let output = usage.turnOutputTokens { parts.append("\(output) output") }
        return "\(turn) tokens this turn" + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }
}

import CodeswarmProtocol

/// Follows one inject command's injections (one per target node) and renders their answers as labelled lines.
///
/// Pure: events in, output lines and a final exit code out, so the whole CLI behaviour is testable as data.
struct InjectionTracker {
    /// One line of output and where it goes.
    struct OutputLine: Equatable {
        enum Stream: Equatable { case out, err }
        var stream: Stream
        var text: String

        func write() {
            switch stream {
            case .out: Terminal.out(text)
            case .err: Terminal.note(text)
            }
        }
    }

    /// Where one injection is.
    private struct Injection {
        var nodeID: Int
        var isFinished = false
        var failure: String?
        /// Streamed text not yet printed because its line is not complete.
        var pending = ""
        var sawDelta = false
    }

    let requestID: JSONValue
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

    /// Applies an event and returns the lines to print.
    mutating func apply(_ event: RouterEvent) -> [OutputLine] {
        switch event {
        case .commandRejected(let rejection) where rejection.requestID == requestID:
            rejected = rejection.reason
            return [OutputLine(stream: .err, text: "error: \(rejection.reason)")]
        case .injectAck(let ack) where ack.requestID == requestID:
            injections[ack.injectionID] = Injection(nodeID: ack.nodeID)
            return []
        case .injectDelivered(let delivered) where delivered.requestID == requestID:
            return [OutputLine(stream: .err, text: "node \(delivered.nodeID): delivered")]
        case .injectFailed(let failed) where failed.requestID == requestID:
            injections[failed.injectionID, default: Injection(nodeID: failed.nodeID)].isFinished = true
            injections[failed.injectionID]?.failure = failed.error ?? "delivery failed"
            return [
                OutputLine(
                    stream: .err, text: "node \(failed.nodeID): delivery failed: \(failed.error ?? "unknown error")")
            ]
        case .stream(let stream):
            guard let id = stream.injectionID, var injection = injections[id] else { return [] }
            defer { injections[id] = injection }
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

    private func render(_ body: StreamEvent.Body, injection: inout Injection) -> [OutputLine] {
        let label = "[node \(injection.nodeID)]"
        switch body {
        case .assistantDelta(let content):
            injection.sawDelta = true
            injection.pending += content
            var lines: [OutputLine] = []
            while let newline = injection.pending.firstIndex(of: "\n") {
                lines.append(OutputLine(stream: .out, text: "\(label) \(injection.pending[..<newline])"))
                injection.pending = String(injection.pending[injection.pending.index(after: newline)...])
            }
            return lines
        case .assistant(let content):
            // Without deltas (older agents) the whole message is the answer.
            if !injection.sawDelta {
                return content.split(separator: "\n", omittingEmptySubsequences: false).map {
                    OutputLine(stream: .out, text: "\(label) \($0)")
                }
            }
            defer { injection.pending = "" }
            return injection.pending.isEmpty ? [] : [OutputLine(stream: .out, text: "\(label) \(injection.pending)")]
        case .agentError(let message, let code, _):
            return [
                OutputLine(
                    stream: .err,
                    text: "node \(injection.nodeID): agent error\(code.map { " (\($0))" } ?? ""): \(message)")
            ]
        case .approvalAnswered(let kind, let decision, let command):
            return [
                OutputLine(
                    stream: .err,
                    text: "node \(injection.nodeID): \(kind) answered \(decision)\(command.map { ": \($0)" } ?? "")")
            ]
        case .usage(let usage):
            return [OutputLine(stream: .err, text: "node \(injection.nodeID): \(usage.totalTokens) tokens")]
        case .turnComplete(let status, let error):
            injection.isFinished = true
            var lines: [OutputLine] = []
            if !injection.pending.isEmpty {
                lines.append(OutputLine(stream: .out, text: "\(label) \(injection.pending)"))
                injection.pending = ""
            }
            if let status, status != "completed" {
                injection.failure = error ?? status
                lines.append(
                    OutputLine(
                        stream: .err, text: "node \(injection.nodeID): turn \(status)\(error.map { ": \($0)" } ?? "")"))
            } else {
                lines.append(OutputLine(stream: .err, text: "node \(injection.nodeID): turn complete"))
            }
            return lines
        default:
            return []
        }
    }
}

import CodeswarmProtocol

/// Renders a swarm's events as readable lines for `attach` (streamed text is printed per complete line).
struct EventFormatter {
    private var pending: [Int: String] = [:]

    mutating func format(_ event: RouterEvent) -> [String] {
        switch event {
        case .swarmLaunched(let launched):
            return ["== swarm \(launched.swarmID) launched: job \(launched.jobID), \(launched.nodeCount) node(s)"]
        case .swarmTerminated(let terminated):
            return ["== swarm \(terminated.swarmID) terminated\(terminated.reason.map { ": \($0)" } ?? "")"]
        case .swarmTerminateProgress(let progress):
            return ["== terminate: \(progress.message)"]
        case .injectAck(let ack):
            let preview = (ack.prompt ?? "").split(separator: "\n").first.map(String.init) ?? ""
            return ["[node \(ack.nodeID)] >>> \(preview.count > 100 ? String(preview.prefix(100)) + "…" : preview)"]
        case .injectFailed(let failed):
            return ["[node \(failed.nodeID)] !! delivery failed: \(failed.error ?? "unknown")"]
        case .injectDeferred(let deferred):
            return ["[node \(deferred.nodeID)] -- held: \(deferred.error ?? "runs after the swarm resumes")"]
        case .swarmResumed(let resumed):
            let fresh = resumed.nodes.filter { !$0.resumed }.map { String($0.nodeID) }
            return [
                "== swarm \(resumed.swarmID) resumed (\(resumed.cause)): job \(resumed.jobID)"
                    + (fresh.isEmpty ? "" : "; node(s) \(fresh.joined(separator: ",")) started new threads")
            ]
        case .stream(let stream):
            return format(stream)
        default:
            return []
        }
    }

    private mutating func format(_ stream: StreamEvent) -> [String] {
        let label = "[node \(stream.nodeID)]"
        switch stream.body {
        case .assistantDelta(let content):
            var text = pending[stream.nodeID, default: ""] + content
            var lines: [String] = []
            while let newline = text.firstIndex(of: "\n") {
                lines.append("\(label) \(text[..<newline])")
                text = String(text[text.index(after: newline)...])
            }
            pending[stream.nodeID] = text
            return lines
        case .assistant:
            defer { pending[stream.nodeID] = nil }
            return pending[stream.nodeID].map { $0.isEmpty ? [] : ["\(label) \($0)"] } ?? []
        case .turnStarted:
            return ["\(label) -- turn started"]
        case .turnComplete(let status, let error):
            return ["\(label) -- turn \(status ?? "complete")\(error.map { ": \($0)" } ?? "")"]
        case .usage(let usage):
            return ["\(label) -- \(UsageText.describe(usage))"]
        case .commandStarted(let command, _):
            return ["\(label) $ \(command)"]
        case .commandCompleted(let command, let exitCode, _):
            return ["\(label) $ \(command) -> exit \(exitCode.map(String.init) ?? "?")"]
        case .approvalAnswered(let kind, let decision, let command):
            return ["\(label) -- \(kind): \(decision)\(command.map { " (\($0))" } ?? "")"]
        case .agentError(let message, let code, _):
            return ["\(label) !! \(code.map { "\($0): " } ?? "")\(message)"]
        case .agentWarning(let message, let kind):
            return ["\(label) -- warning (\(kind)): \(message)"]
        case .nodeStarted(let hostname):
            return ["\(label) -- worker started on \(hostname ?? "?")"]
        case .nodeEnded(let reason):
            return ["\(label) -- worker ended: \(reason)"]
        case .agentThread(let threadID, _, let resumed, let reason):
            return [
                "\(label) -- \(resumed ? "resumed thread" : "new thread") \(threadID)"
                    + (reason.map { " (could not resume: \($0))" } ?? "")
            ]
        case .agentStatus:
            return []
        case .injectionRouted, .commandOutput, .reasoningDelta, .reasoning, .fileChange, .turnDiff, .planUpdated,
            .approvalRequested, .approvalDecided, .approvalClosed:
            return CockpitLines.lines(stream.body, nodeID: stream.nodeID, turnID: stream.turnID) ?? []
        }
    }
}

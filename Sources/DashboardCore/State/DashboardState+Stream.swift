import CodeswarmProtocol
import Foundation

/// Stream events: each updates its node's state and appends to its transcript.
extension DashboardState {
    /// Applies a stream event once (replays after a reconnect are skipped by sequence number).
    mutating func applyStream(_ event: StreamEvent) -> [DashboardEffect] {
        guard sequences.admit(event.seq) else { return [] }
        var commands: [DashboardEffect] = []
        if swarms[event.swarmID] == nil {
            // A swarm we have not listed yet (launched by another client): show it and ask for the list.
            var record = SwarmRow(id: event.swarmID, nodeCount: event.nodeID + 1, status: .running)
            record.jobID = event.jobID
            record.createdAt = now
            swarms[event.swarmID] = record
            if connection.isConnected, !ledger.isWaiting(for: .list, now: now) {
                commands.append(.send(.list, requestID: ledger.open(.list, at: now)))
            }
            if selectedSwarmID == nil { selectedSwarmID = event.swarmID }
        }
        let isLive = replayRequestID == nil
        let key = NodeKey(event.swarmID, event.nodeID)
        var node = swarms[event.swarmID]?.nodes[event.nodeID] ?? NodeRow(nodeID: event.nodeID)
        // Taken out of the dictionary so appending mutates the only copy instead of copying the scrollback.
        var transcript = transcripts.removeValue(forKey: key) ?? NodeTranscript()
        let turnKey = event.turnID ?? event.injectionID?.rawValue
        let injection = event.injectionID
        if isLive { node.lastActivityAt = now }

        switch event.body {
        case .turnStarted:
            node.state = .working
            node.injectionID = event.injectionID
            node.turnStartedAt = isLive ? now : nil
        case .assistantDelta(let content):
            transcript.appendDelta(content, turnKey: turnKey, injectionID: injection)
            if node.state == .idle || node.state == .starting { node.state = .working }
        case .assistant(let content):
            transcript.finishAssistant(content, turnKey: turnKey, injectionID: injection)
        case .turnComplete(let status, let error):
            let outcome = TurnOutcome(wire: status)
            transcript.closeStreams(turnKey: turnKey)
            var line = "turn \(outcome.label)"
            if let started = node.turnStartedAt, isLive {
                line += " · \(TextFormat.duration(seconds: Int(now.timeIntervalSince(started))))"
            }
            // A turn that failed because of an error already shown (the agent crashed) does not repeat it.
            let isRepeat = error.map(transcript.hasRecentError) ?? false
            transcript.append(.turnEnded, line, turnKey: turnKey, injectionID: injection)
            if let error, !isRepeat { transcript.append(.error, error, turnKey: turnKey, injectionID: injection) }
            if node.state != .ended { node.state = outcome == .failed ? .error : .idle }
            node.injectionID = nil
            node.turnStartedAt = nil
        case .usage(let usage):
            node.totalTokens = usage.totalTokens
        case .agentStatus(let status, let flags):
            if let state = AgentState(threadStatus: status, flags: flags) { node.state = state }
        case .commandStarted(let command, _):
            transcript.append(.command, command, turnKey: turnKey, injectionID: injection)
        case .commandCompleted(_, let exitCode, let output):
            // Streamed output is already in its own (foldable) entry; otherwise the aggregated output gets one.
            if !transcript.closeLatestStream(of: .commandOutput), let output,
                !output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            {
                transcript.append(.commandOutput, output, turnKey: turnKey, injectionID: injection)
            }
            transcript.append(
                .commandResult(failed: (exitCode ?? 0) != 0), exitCode.map { "exit \($0)" } ?? "done",
                injectionID: injection)
        case .approvalAnswered(let kind, let decision, let command):
            transcript.append(
                .approval, "\(kind): \(decision)" + (command.map { " · \($0)" } ?? ""), injectionID: injection)
        case .agentError(let message, let code, let willRetry):
            if AgentErrorKind(code: code) == .recovery {
                transcript.append(.info, message, turnKey: turnKey, injectionID: injection)
                break
            }
            let suffix = (code.map { " [\($0)]" } ?? "") + (willRetry == true ? " (retrying)" : "")
            transcript.append(.error, message + suffix, turnKey: turnKey, injectionID: injection)
            node.lastError = message
            if willRetry != true { node.state = .error }
        case .agentWarning(let message, _):
            // Codex's own warnings (bubblewrap missing, unknown model, deprecations): shown, the state unchanged.
            transcript.append(.warning, message, turnKey: turnKey)
        case .nodeStarted(let hostname):
            node.hostname = hostname ?? node.hostname
            if node.state == .starting { node.state = .idle }
            transcript.append(.info, "worker started" + (hostname.map { " on \($0)" } ?? ""))
        case .nodeEnded(let reason):
            node.state = .ended
            transcript.append(.info, "worker ended: \(reason)")
        case .approvalRequested(let request):
            let approval = PendingApproval(
                swarmID: event.swarmID, jobID: event.jobID, nodeID: event.nodeID, injectionID: injection,
                request: request, askedAt: now)
            transcript.append(
                .approval,
                "asks to \(ApprovalKind(wire: request.kind).label): \(approval.subject)"
                    + (request.reason.map { " · \(TextSanitizer.singleLine($0))" } ?? ""),
                turnKey: turnKey, injectionID: injection)
            commands += approvalRequested(request, event: event, node: &node)
        case .approvalDecided(let approvalID, let decision, let by, let rule):
            let name = decision.stringValue ?? decision.objectValue?.keys.sorted().first ?? "decided"
            transcript.append(
                .approval, "\(name) (by \(rule.map { "rule “\($0)”" } ?? by))", turnKey: turnKey, injectionID: injection
            )
            approvalEnded(approvalID, node: &node)
        case .approvalClosed(let approvalID, let reason):
            transcript.append(.approval, "approval closed: \(reason)", turnKey: turnKey, injectionID: injection)
            approvalEnded(approvalID, node: &node)
        case .injectionRouted(let how, let reason):
            switch InjectionRoute(wire: how) {
            case .steered:
                transcript.append(.info, "steered into the running turn", turnKey: turnKey, injectionID: injection)
            case .queued:
                transcript.append(
                    .info, "queued for the next turn" + (reason.map { ": \($0)" } ?? ""), turnKey: turnKey,
                    injectionID: injection)
            case .newTurn, .other:
                break
            }
        case .commandOutput(_, let content):
            transcript.appendDelta(content, turnKey: turnKey, injectionID: injection, kind: .commandOutput)
        case .reasoningDelta(_, let content):
            transcript.appendDelta(content, turnKey: turnKey, injectionID: injection, kind: .reasoning)
        case .reasoning(_, let content):
            transcript.finishAssistant(content, turnKey: turnKey, injectionID: injection, kind: .reasoning)
        case .fileChange(let itemID, let status, let changes):
            transcript.upsert(
                .fileChange, Self.fileChangeSummary(status: FileChangeStatus(wire: status), changes),
                turnKey: "file:" + (itemID ?? turnKey ?? ""), injectionID: injection)
            // Until the turn reports its whole diff, the file changes' own diffs are what the diff view shows.
            if diffs[key] == nil, !changes.isEmpty {
                diffs[key] = changes.map { "--- \($0.kind) \($0.path)\n\($0.diff)" }.joined(separator: "\n")
            }
        case .turnDiff(let diff):
            diffs[key] = diff
        case .planUpdated(let explanation, let plan):
            let steps = plan.map { "\(PlanStepStatus(wire: $0.status).mark) \($0.step)" }
            let done = plan.filter { PlanStepStatus(wire: $0.status) == .completed }.count
            let heading = "plan \(done)/\(plan.count)" + (explanation.map { ": \(TextSanitizer.singleLine($0))" } ?? "")
            transcript.upsert(
                .plan, ([heading] + steps).joined(separator: "\n"), turnKey: "plan:" + (turnKey ?? ""),
                injectionID: injection)
        case .agentThread(let threadID, _, let resumed, let reason):
            transcript.append(
                .info,
                resumed
                    ? "thread \(threadID) resumed"
                    : "new thread \(threadID)" + (reason.map { " (could not resume: \($0))" } ?? ""))
        }

        swarms[event.swarmID]?.nodes[event.nodeID] = node
        if let count = swarms[event.swarmID]?.nodeCount, event.nodeID >= count {
            swarms[event.swarmID]?.nodeCount = event.nodeID + 1
        }
        if case .usage = event.body, let swarm = swarms[event.swarmID] {
            swarms[event.swarmID]?.totalTokens = swarm.nodes.values.reduce(0) { $0 + ($1.totalTokens ?? 0) }
        }
        transcripts[key] = transcript
        return commands
    }

    /// `applied: add hello.txt (+1) · update src/a.swift (+3 −1)`.
    static func fileChangeSummary(status: FileChangeStatus, _ changes: [FileChange]) -> String {
        let files = changes.map { change -> String in
            let lines = change.diff.split(separator: "\n", omittingEmptySubsequences: false)
            let added = lines.filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.count
            let removed = lines.filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.count
            var counts: [String] = []
            if added > 0 { counts.append("+\(added)") }
            if removed > 0 { counts.append("−\(removed)") }
            let move = change.movePath.map { " → \($0)" } ?? ""
            return "\(change.kind) \(change.path)\(move)"
                + (counts.isEmpty ? "" : " (\(counts.joined(separator: " ")))")
        }
        return "\(status.label): " + (files.isEmpty ? "no files" : files.joined(separator: " · "))
            + " · D shows the diff"
    }
}

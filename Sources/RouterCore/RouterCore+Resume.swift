import CodeswarmProtocol
import Foundation

/// Resume: an ended swarm comes back on a new job with the same swarm id, each node reopening its agent thread;
/// prompts that could not run in the old job are held and delivered after it, in order.
extension RouterCore {
    // MARK: - The command

    /// `swarm_resume`: checks that the swarm can be resumed and starts it; returns a rejection reason otherwise.
    mutating func resume(_ request: ResumeRequest, requestID: JSONValue) -> String? {
        let swarmID = request.swarmID
        guard snapshot.swarms.keys.contains(swarmID) else { return unknownSwarm(swarmID) }
        let swarm = snapshot.swarms[known: swarmID]
        let id = swarm.id.rawValue
        switch swarm.status {
        case .running:
            return
                "swarm \(id) is running on job \(swarm.jobID?.rawValue ?? "?"); only an ended swarm can be resumed "
                + "(it ends at its time limit, or with `codeswarm terminate \(id)`)"
        case .starting:
            if let resume = swarm.resume {
                return
                    "swarm \(id) is already resuming (\(resume.cause.rawValue)); follow it with `codeswarm status \(id)`"
            }
            return "swarm \(id) is still launching; there is nothing to resume yet"
        case .terminating:
            return "swarm \(id) is being terminated; resume it once `codeswarm status \(id)` shows it terminated"
        case .terminated:
            break
        }
        guard settings.availableProviders.contains(swarm.provider) else {
            return "swarm \(id) ran on the \(swarm.provider) provider, which this router does not offer; "
                + "start the router with a config that has it"
        }
        if let problem = Self.sbatchProblem(request.sbatch, provider: swarm.provider) { return problem }
        startResume(swarmID: swarmID, overrides: request, cause: .manual, requestID: requestID)
        return nil
    }

    /// Starts a new job for an ended swarm: same id, node count and launch options (unless overridden); every
    /// held prompt is queued again, oldest first, and goes out once its node has reopened its thread.
    mutating func startResume(
        swarmID: SwarmID, overrides: ResumeRequest?, cause: ResumeCause, requestID: JSONValue
    ) {
        var swarm = snapshot.swarms[known: swarmID]
        if swarm.provider == "slurm", let overrides {
            swarm.request.partition = overrides.partition ?? swarm.request.partition
            swarm.request.time = overrides.time ?? swarm.request.time
            swarm.request.account = overrides.account ?? swarm.request.account
            swarm.request.qos = overrides.qos ?? swarm.request.qos
            swarm.request.sbatch = Self.sbatchOverriding(swarm.request.sbatch, with: overrides.sbatch)
        }
        var resume = ResumeState(requestID: requestID, cause: cause, previousJobID: swarm.jobID)
        let previousEnd = swarm.endedJobs.last?.endedReason
        swarm.resumeCount = (swarm.resumeCount ?? 0) + 1
        swarm.status = .starting
        swarm.isAnnounced = false
        swarm.isDraining = false
        swarm.endedAt = nil
        swarm.endedReason = nil
        swarm.workersEndedReason = nil
        swarm.terminateRequestID = nil
        swarm.slurmState = nil
        swarm.timeLeftSeconds = nil
        swarm.isShortOfTime = nil
        swarm.jobID = nil
        swarm.jobSubmittedAt = nil
        // Chosen (and saved) before anything starts, as for a launch.
        swarm.plannedJobID = swarm.provider == "local" ? JobID("local_" + String(newID().prefix(8))) : nil
        for node in swarm.nodes.indices {
            // Everything that did not start in the old job goes to the new one, in the order it was sent: what
            // reached the old inbox, the new worker carries over from there (the router keeps no prompt text for
            // it); what was on its way or still queued here is sent again.
            var record = swarm.nodes[node]
            let resent = ((record.appendInFlight.map { [$0] } ?? []) + record.appendQueue).sorted {
                $0.appendID < $1.appendID
            }
            let resentIDs = Set(resent.map(\.injectionID))
            record.openInjections.removeAll { resentIDs.contains($0) }
            resume.heldInjections += (record.unstartedInjections ?? []).count
            record.appendQueue = resent.map { append in
                // A fresh append id: a late answer for the old append must not count for the new one.
                snapshot.lastAppendID += 1
                var again = append
                again.appendID = snapshot.lastAppendID
                return again
            }
            record.appendInFlight = nil
            record.interruptedInjection = nil
            record.resetForNewWorker(sameJob: false)
            resume.heldInjections += resent.count
            swarm.nodes[node] = record
        }
        swarm.resume = resume
        snapshot.swarms[known: swarmID] = swarm
        let held = resume.heldInjections
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: requestID, swarmID: swarm.id, stage: "accepted",
                    message: "resuming \(swarm.request.nodes) node(s) on a new \(swarm.provider) job"
                        + (resume.previousJobID.map { " after job \($0)" } ?? "")
                        + (previousEnd.map { " (\($0))" } ?? "")
                        + (held > 0 ? "; \(held) held prompt(s) follow" : ""),
                    nodeCount: swarm.request.nodes)))
        effects.append(.launch(swarm.id, launchPlan(for: swarm)))
        effects.append(
            .scheduleTimer(.launchTimeout(swarm.id), at: now.addingTimeInterval(settings.launchTimeoutSeconds)))
        effects.append(.persist)
    }

    // MARK: - Worker reports

    /// A `thread` line: the node's agent opened its thread. A resumed node's held prompts may go now; a node that
    /// had to start a new thread gets the swarm's system prompt first, so it knows its role.
    mutating func threadReported(swarmID: SwarmID, nodeID: Int, record: OutboxRecord) {
        guard let threadID = record.threadID, !threadID.isEmpty else {
            effects.append(.log(.warning, "a thread line of node \(nodeID) names no thread; skipped"))
            return
        }
        let resumed = record.resumed ?? false
        let body = StreamEvent.Body.agentThread(
            threadID: threadID, rolloutPath: record.rolloutPath, resumed: resumed, reason: resumed ? nil : record.error)
        snapshot.swarms[known: swarmID].nodes[nodeID].apply(body, injectionID: nil, turnID: nil, at: now)
        emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: nil, body)
        guard snapshot.swarms[known: swarmID].nodes[nodeID].awaitingThread == true else { return }
        let swarm = snapshot.swarms[known: swarmID]
        let node = snapshot.swarms[known: swarmID].nodes[nodeID]
        let carriesSystemPrompt = (node.unstartedInjections ?? []).contains { $0.requestID == swarm.launchRequestID }
        if !resumed, !swarm.request.systemPrompt.isEmpty, !carriesSystemPrompt {
            // (A system prompt the old job never got to run is carried over from its inbox, first of all.)
            var queue = node.appendQueue
            if let held = queue.firstIndex(where: { $0.requestID == swarm.launchRequestID }) {
                // The old job never got to run it: the held one goes first, and no second copy.
                queue.insert(queue.remove(at: held), at: 0)
                snapshot.swarms[known: swarmID].nodes[nodeID].appendQueue = queue
            } else {
                // Queued while the node still waits (so nothing goes out), then moved before the held prompts.
                enqueueInjection(
                    swarmID: swarmID, nodeID: nodeID, content: swarm.request.systemPrompt,
                    requestID: swarm.launchRequestID)
                if let prompt = snapshot.swarms[known: swarmID].nodes[nodeID].appendQueue.popLast() {
                    snapshot.swarms[known: swarmID].nodes[nodeID].appendQueue.insert(prompt, at: 0)
                }
            }
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].awaitingThread = nil
        effects.append(.persist)
        sendNextAppend(swarmID: swarmID, nodeID: nodeID)
        checkResumeComplete(swarmID: swarmID)
    }

    /// A `complete` line: remember the turn the drain interrupted, and how long the drain took.
    mutating func noteCompletion(swarmID: SwarmID, nodeID: Int, record: OutboxRecord) {
        if let interrupted = record.interruptedInjectionID {
            noteInterrupted(swarmID: swarmID, nodeID: nodeID, injectionID: interrupted)
        }
        if let seconds = record.drainSeconds {
            let turn = record.interruptedInjectionID.map { "; interrupted the turn of injection \($0)" } ?? ""
            effects.append(
                .log(
                    .info,
                    "node \(nodeID) of swarm \(swarmID) drained in "
                        + "\(String(format: "%.1f", seconds)) s (\(record.reason ?? "signal"))\(turn)"))
        }
    }

    /// Announces a resume once every node has started and reopened (or replaced) its thread, or ended.
    mutating func checkResumeComplete(swarmID: SwarmID) {
        let swarm = snapshot.swarms[known: swarmID]
        guard swarm.status == .starting, let resume = swarm.resume, let jobID = swarm.jobID else { return }
        let pending = swarm.nodes.filter { !$0.isEnded && (!$0.isStarted || $0.awaitingThread == true) }.count
        guard pending == 0 else {
            let ready = swarm.request.nodes - pending
            broadcast(
                .swarmLaunchProgress(
                    SwarmLaunchProgress(
                        requestID: resume.requestID, swarmID: swarm.id, jobID: jobID, stage: "threads_reopening",
                        message: "\(ready)/\(swarm.request.nodes) node(s) have reopened their threads",
                        slurmState: swarm.slurmState, nodesStarted: swarm.nodes.filter(\.isStarted).count,
                        nodeCount: swarm.request.nodes)))
            return
        }
        snapshot.swarms[known: swarmID].status = .running
        snapshot.swarms[known: swarmID].isAnnounced = true
        snapshot.swarms[known: swarmID].resume = nil
        let outcomes = swarm.nodes.map { node in
            NodeResumeOutcome(
                nodeID: node.id, threadID: node.thread?.id, resumed: node.thread?.resumed ?? false,
                reason: node.thread?.resumed == true
                    ? nil : (node.thread?.reason ?? (node.isEnded ? "the node ended" : nil)))
        }
        let previous =
            resume.cause == .requeue ? swarm.endedJobs.last : swarm.endedJobs.last { $0.jobID == resume.previousJobID }
        broadcast(
            .swarmResumed(
                SwarmResumed(
                    requestID: resume.requestID, swarmID: swarm.id, jobID: jobID, previousJobID: resume.previousJobID,
                    nodeCount: swarm.request.nodes, provider: ProviderName(rawValue: swarm.provider),
                    cause: resume.cause.rawValue,
                    nodes: outcomes, deliveredHeld: resume.heldInjections, interrupted: previous?.interrupted ?? [])))
        effects.append(.persist)
    }

    // MARK: - Holding prompts while a swarm is down

    /// True when prompts that cannot run now are held for a resume rather than failed: the swarm has run and
    /// nobody asked it to stop (a terminate fails them, as does a launch that never got going).
    func holdsInjections(_ swarm: SwarmRecord) -> Bool {
        guard swarm.status != .terminating, swarm.terminateRequestID == nil else { return false }
        return swarm.status == .running || swarm.resume != nil || !swarm.endedJobs.isEmpty
    }

    /// True when a node that ends now holds its prompts: the swarm may resume, and the node ends with its job
    /// (the scheduler's SIGTERM drain, the job seen gone, a requeue) — not alone while the others run on.
    func holdsOnEnd(swarmID: SwarmID, reason: String, jobEnding: Bool) -> Bool {
        let swarm = snapshot.swarms[known: swarmID]
        guard holdsInjections(swarm) else { return false }
        return jobEnding || ["sigterm", "sigint"].contains(reason) || swarm.isDraining || swarm.resume != nil
    }

    /// A node of a swarm that may resume ended with its job: its running turn ends `interrupted`, every prompt
    /// that did not start is held (`inject_deferred`) and goes to the node's next worker.
    mutating func holdInjections(swarmID: SwarmID, nodeID: Int, reason: String) {
        snapshot.swarms[known: swarmID].nodes[nodeID].holdsForResume = true
        let unstarted = snapshot.swarms[known: swarmID].nodes[nodeID].unstartedInjections ?? []
        let unstartedIDs = Set(unstarted.map(\.injectionID))
        for injectionID in snapshot.swarms[known: swarmID].nodes[nodeID].openInjections
        where !unstartedIDs.contains(injectionID) {
            // It was running and got no `turn/completed`: the job took it down mid-turn.
            noteInterrupted(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID)
            let body = StreamEvent.Body.turnComplete(
                status: "interrupted",
                error:
                    "the job ended mid-turn (\(reason)); continue it with an inject after `codeswarm resume \(swarmID)`"
            )
            snapshot.swarms[known: swarmID].nodes[nodeID].apply(body, injectionID: injectionID, turnID: nil, at: now)
            snapshot.swarms[known: swarmID].nodes[nodeID].openInjections.removeAll { $0 == injectionID }
            emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, body)
        }
        let node = snapshot.swarms[known: swarmID].nodes[nodeID]
        let pending = ((node.appendInFlight.map { [$0] } ?? []) + node.appendQueue).map {
            HeldInjection(injectionID: $0.injectionID, requestID: $0.requestID, appendID: $0.appendID)
        }
        for held in (unstarted + pending).sorted(by: { $0.appendID < $1.appendID }) {
            deferNotice(swarmID: swarmID, nodeID: nodeID, held: held, reason: reason)
        }
    }

    /// Tells clients an injection waits for the swarm's resume.
    mutating func deferNotice(swarmID: SwarmID, nodeID: Int, held: HeldInjection, reason: String) {
        broadcastJournaled { seq in
            .injectDeferred(
                InjectionEvent(
                    requestID: held.requestID, swarmID: swarmID, injectionID: held.injectionID, nodeID: nodeID,
                    error: "node \(nodeID) is down (\(reason)); held until the swarm resumes "
                        + "(`codeswarm resume \(swarmID)`)",
                    seq: seq))
        }
    }

    /// The swarm will not resume (a terminate): every prompt still held fails, so no client waits for it.
    mutating func failHeldInjections(swarmID: SwarmID, reason: String) {
        for nodeID in snapshot.swarms[known: swarmID].nodes.indices {
            let node = snapshot.swarms[known: swarmID].nodes[nodeID]
            for held in node.unstartedInjections ?? [] where node.openInjections.contains(held.injectionID) {
                closeInjection(
                    swarmID: swarmID, nodeID: nodeID, injectionID: held.injectionID,
                    error: "never started: \(reason)")
            }
            snapshot.swarms[known: swarmID].nodes[nodeID].unstartedInjections = nil
            failPendingAppends(swarmID: swarmID, nodeID: nodeID, reason: "never delivered: \(reason)")
        }
    }

    /// A delivered prompt whose turn has not started: noted until it does (only its id: the line is in the inbox).
    mutating func noteDelivered(swarmID: SwarmID, nodeID: Int, append: PendingAppend) {
        let held = HeldInjection(
            injectionID: append.injectionID, requestID: append.requestID, appendID: append.appendID)
        snapshot.swarms[known: swarmID].nodes[nodeID].unstartedInjections =
            (snapshot.swarms[known: swarmID].nodes[nodeID].unstartedInjections ?? []) + [held]
    }

    // MARK: - The chain of jobs

    /// Records the swarm's current job as ended (called as the swarm finishes).
    mutating func recordJobEnd(swarmID: SwarmID, reason: String) {
        let swarm = snapshot.swarms[known: swarmID]
        guard let jobID = swarm.jobID else { return }
        let interrupted = swarm.nodes.compactMap { node in
            node.interruptedInjection.map { InterruptedTurn(nodeID: node.id, injectionID: $0) }
        }
        let record = JobRecord(
            jobID: jobID, slurmState: swarm.slurmState, endedReason: reason, cause: endCause(of: swarm, reason: reason),
            startedAt: swarm.jobSubmittedAt, endedAt: now, interrupted: interrupted)
        snapshot.swarms[known: swarmID].jobHistory = swarm.endedJobs + [record]
    }

    /// Why the swarm's job ended, as a word.
    func endCause(of swarm: SwarmRecord, reason: String) -> JobEndCause {
        if swarm.status == .terminating || swarm.terminateRequestID != nil { return .terminated }
        if reason.hasPrefix("launch failed") { return .launchFailed }
        switch swarm.slurmState {
        case "TIMEOUT", "DEADLINE": return .timeLimit
        case "PREEMPTED": return .preempted
        case "NODE_FAIL", "BOOT_FAIL": return .nodeFailure
        case "CANCELLED": return reason.contains("time limit") ? .timeLimit : .cancelled
        default: return reason.contains("time limit") ? .timeLimit : .workersEnded
        }
    }
}

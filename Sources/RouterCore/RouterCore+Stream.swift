import CodeswarmProtocol
import Foundation

extension RouterCore {
    mutating func handleRelay(site: String, event: RelayEvent) {
        switch event {
        case .ready(let base, let pid):
            effects.append(.log(.info, "relay for \(site) ready (pid \(pid), base \(base))"))
            relayReadySince[site] = now
            if relaysDown.remove(site) != nil {
                broadcastNow(
                    .notice(
                        RouterNotice(
                            level: "info", message: "mailbox relay is back; resuming from saved cursors", site: site)))
            }
            rewatch(site: site)
            resendInFlightAppends(site: site)
        case .appended(let id):
            appendAnswered(appendID: id, error: nil)
        case .appendFailed(let id, let error):
            appendAnswered(appendID: id, error: error)
        case .fileReset(let file, let reason):
            effects.append(.log(.warning, "outbox \(file) at \(site) was \(reason); reading it again from the start"))
            snapshot.cursors[Self.cursorKey(site: site, file: file)] = nil
            effects.append(.persist)
        case .error(let message):
            effects.append(.log(.warning, "relay for \(site): \(message)"))
        case .ran:
            break  // Command results belong to the provider that asked; the runtime routes them there.
        case .record(let file, let inode, let offset, let end, let line):
            handleRecord(site: site, file: file, inode: inode, offset: offset, end: end, line: line)
        }
    }

    /// Tells a (new) relay which jobs to follow, from the persisted cursors.
    mutating func rewatch(site: String) {
        for swarm in snapshot.swarms.values where Self.site(for: swarm.provider) == site {
            guard let jobID = swarm.jobID, swarm.isLive || swarm.isDraining else { continue }
            let prefix = "\(site)/\(jobID.rawValue)_"
            let cursors = snapshot.cursors.filter { $0.key.hasPrefix(prefix) }.map(\.value).sorted { $0.file < $1.file }
            effects.append(.relay(site: site, .watch(jobID: jobID, nodeCount: swarm.request.nodes, cursors: cursors)))
        }
    }

    /// One outbox line: advance the cursor, drop duplicates, translate it into events.
    ///
    /// The cursor and the worker's line number travel as `progress` with the batch's journal entries, so a stream
    /// of records costs no snapshot save; anything else a record changes asks for one (`persist`).
    private mutating func handleRecord(
        site: String, file: String, inode: UInt64, offset: UInt64, end: UInt64, line: String
    ) {
        let key = Self.cursorKey(site: site, file: file)
        if let cursor = snapshot.cursors[key], cursor.inode == inode, end <= cursor.offset {
            return  // Already processed (a relay that resumed from an older cursor).
        }
        let cursor = OutboxCursor(file: file, inode: inode, offset: end)
        snapshot.cursors[key] = cursor
        guard let (jobID, nodeID) = MailboxLayout.parse(fileName: file), let swarmID = self.swarmID(ofJob: jobID),
            nodeID < snapshot.swarms[known: swarmID].nodes.count
        else {
            effects.append(.persist)
            effects.append(.log(.warning, "outbox line from \(file) belongs to no known swarm; skipped"))
            return
        }
        func progress() {
            effects.append(
                .progress(
                    OutboxProgress(
                        cursorKey: key, cursor: cursor, swarmID: swarmID, nodeID: nodeID,
                        workerSeq: snapshot.swarms[known: swarmID].nodes[nodeID].lastWorkerSeq)))
        }
        guard let record = try? OutboxRecord(parsing: line.utf8) else {
            progress()
            effects.append(.log(.warning, "unreadable outbox line in \(file) at byte \(offset); skipped"))
            return
        }
        if let seq = record.seq {
            guard seq > snapshot.swarms[known: swarmID].nodes[nodeID].lastWorkerSeq else {
                progress()
                return
            }
            snapshot.swarms[known: swarmID].nodes[nodeID].lastWorkerSeq = seq
        }
        progress()
        snapshot.swarms[known: swarmID].nodes[nodeID].lastActivityAt = now
        if let injectionID = record.injectionID,
            let inFlight = snapshot.swarms[known: swarmID].nodes[nodeID].appendInFlight,
            inFlight.injectionID == injectionID, inFlight.control == nil
        {
            // The worker already acted on the line, so it is in the inbox even if the relay's acknowledgement is
            // still on its way (a relay restart re-sends it): report delivery before anything the line caused.
            appendAnswered(appendID: inFlight.appendID, error: nil)
        }
        switch record.type {
        case .start:
            effects.append(.persist)
            nodeStarted(swarmID: swarmID, nodeID: nodeID, hostname: record.hostname)
        case .thread:
            threadReported(swarmID: swarmID, nodeID: nodeID, record: record)
        case .codexRPC:
            guard let payload = record.payload else { return }
            if record.direction == "to_agent" {
                effects.append(.persist)
                workerAnswered(
                    swarmID: swarmID, nodeID: nodeID, injectionID: record.injectionID, payload: payload)
            } else {
                agentSpoke(
                    swarmID: swarmID, nodeID: nodeID, injectionID: record.injectionID, payload: payload,
                    held: record.held == true)
            }
        case .injectionRouted:
            injectionRouted(swarmID: swarmID, nodeID: nodeID, record: record)
        case .codexStderr, .heartbeat:
            break  // A sign of life (`lastActivityAt`), nothing for clients.
        case .workerError:
            effects.append(.persist)
            workerFailed(swarmID: swarmID, nodeID: nodeID, record: record)
        case .complete:
            effects.append(.persist)
            noteCompletion(swarmID: swarmID, nodeID: nodeID, record: record)
            nodeCompleted(swarmID: swarmID, nodeID: nodeID, reason: record.reason ?? "worker completed")
        }
    }

    /// An app-server message: translate, update the node through `NodeRecord.apply`, remember approvals.
    private mutating func agentSpoke(
        swarmID: SwarmID, nodeID: Int, injectionID: InjectionID?, payload: JSONValue, held: Bool
    ) {
        let translation = AgentTraffic.translate(payload)
        if let version = translation.agentVersion, snapshot.swarms[known: swarmID].nodes[nodeID].agentVersion != version
        {
            snapshot.swarms[known: swarmID].nodes[nodeID].agentVersion = version
            effects.append(.persist)
        }
        if held, translation.serverRequest != nil {
            approvalRequested(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, payload: payload)
        }
        if let (id, request) = translation.serverRequest {
            // A request the agent waits on changes more than the journal can rebuild: save the snapshot.
            snapshot.swarms[known: swarmID].nodes[nodeID].pendingServerRequests[id] = request
            if let state = translation.agentState, !snapshot.swarms[known: swarmID].nodes[nodeID].isEnded {
                snapshot.swarms[known: swarmID].nodes[nodeID].agentState = state
            }
            effects.append(.persist)
        }
        for var body in translation.bodies {
            if case .usage(let usage) = body {
                let node = snapshot.swarms[known: swarmID].nodes[nodeID]
                if node.usageByInjection[injectionID?.rawValue ?? "-"] == usage.totalTokens {
                    continue  // The same total again: not news.
                }
                // Agents report the thread's running totals; clients want what this turn cost too.
                body = .usage(usage.turn(since: node.turnBaseUsage ?? node.lastUsage ?? TokenUsage(totalTokens: 0)))
            }
            var group: [InjectionID] = []
            if case .turnComplete = body {
                group = turnGroup(
                    swarmID: swarmID, nodeID: nodeID, completing: injectionID, turnID: translation.turnID)
            }
            snapshot.swarms[known: swarmID].nodes[nodeID].apply(
                body, injectionID: injectionID, turnID: translation.turnID, at: now)
            emitStream(
                swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, turnID: translation.turnID, body)
            if case .turnComplete(let status, let error) = body {
                completeTurnGroup(
                    swarmID: swarmID, nodeID: nodeID, group: group, turnID: translation.turnID, status: status,
                    error: error)
                closeApprovals(
                    swarmID: swarmID, nodeID: nodeID, turnID: translation.turnID,
                    reason: "its turn ended (\(status ?? "completed"))")
            }
        }
        if let resolved = translation.resolvedRequest {
            approvalWithdrawn(swarmID: swarmID, nodeID: nodeID, rpcKey: resolved)
        }
    }

    /// The worker's own answer to a server request (an approval decision, or an error for unknown requests).
    private mutating func workerAnswered(swarmID: SwarmID, nodeID: Int, injectionID: InjectionID?, payload: JSONValue) {
        guard let id = payload["id"] else { return }
        let key = AgentTraffic.requestKey(id)
        guard let request = snapshot.swarms[known: swarmID].nodes[nodeID].pendingServerRequests.removeValue(forKey: key)
        else { return }
        if snapshot.swarms[known: swarmID].nodes[nodeID].agentState == .waitingForApproval {
            snapshot.swarms[known: swarmID].nodes[nodeID].agentState = .working
        }
        approvalDelivered(swarmID: swarmID, nodeID: nodeID, rpcKey: key, payload: payload)
        let decision = AgentTraffic.answerDecision(payload) ?? "answered"
        emitStream(
            swarmID: swarmID, nodeID: nodeID, injectionID: injectionID,
            .approvalAnswered(kind: request.method, decision: decision, command: request.command))
    }

    /// A `worker_error` line: report it, and close the injection it killed so clients stop waiting.
    private mutating func workerFailed(swarmID: SwarmID, nodeID: Int, record: OutboxRecord) {
        let message = record.error ?? "worker error"
        if let warning = AgentTraffic.workerWarning(code: record.code, message: message) {
            emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: record.injectionID, warning)
            return
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].lastError = message
        emitStream(
            swarmID: swarmID, nodeID: nodeID, injectionID: record.injectionID,
            .agentError(message: message, code: record.code, willRetry: record.code == "agent_exited" ? true : nil))
        let fatalForTurn = [
            "agent_exited", "agent_error", "agent_restart_limit", "agent_start_failed", "injection_dropped",
        ]
        .contains(record.code ?? "")
        // A prompt the worker dropped as its job ends waits for the node's next worker when the swarm may resume.
        let held = record.code == "injection_dropped" && holdsInjections(snapshot.swarms[known: swarmID])
        if fatalForTurn, !held, let injectionID = record.injectionID,
            snapshot.swarms[known: swarmID].nodes[nodeID].openInjections.contains(injectionID)
        {
            closeInjection(swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, error: message)
        }
        if record.code == "agent_exited" || record.code == "agent_restart_limit" {
            closeApprovals(swarmID: swarmID, nodeID: nodeID, turnID: nil, reason: "the agent stopped")
            snapshot.swarms[known: swarmID].nodes[nodeID].agentState =
                record.code == "agent_exited" ? .starting : .error
        }
    }

    /// Emits a failed `turn_complete` for an injection whose turn can no longer complete.
    mutating func closeInjection(swarmID: SwarmID, nodeID: Int, injectionID: InjectionID, error: String) {
        // Injections steered into this one's turn can no longer complete either.
        let steered =
            snapshot.swarms[known: swarmID].nodes[nodeID].currentInjection == injectionID
            ? snapshot.swarms[known: swarmID].nodes[nodeID].steered ?? [] : []
        defer {
            for member in steered where snapshot.swarms[known: swarmID].nodes[nodeID].openInjections.contains(member) {
                closeInjection(swarmID: swarmID, nodeID: nodeID, injectionID: member, error: error)
            }
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].openInjections.removeAll { $0 == injectionID }
        snapshot.swarms[known: swarmID].nodes[nodeID].unstartedInjections?.removeAll { $0.injectionID == injectionID }
        if snapshot.swarms[known: swarmID].nodes[nodeID].currentInjection == injectionID {
            snapshot.swarms[known: swarmID].nodes[nodeID].currentInjection = nil
            snapshot.swarms[known: swarmID].nodes[nodeID].turnStartedAt = nil
        }
        emitStream(
            swarmID: swarmID, nodeID: nodeID, injectionID: injectionID,
            .turnComplete(status: "failed", error: error))
    }

    /// A node's worker wrote `complete`: the node is over; the swarm is over when every node is.
    mutating func nodeCompleted(swarmID: SwarmID, nodeID: Int, reason: String) {
        guard !snapshot.swarms[known: swarmID].nodes[nodeID].isEnded else { return }
        endNode(swarmID: swarmID, nodeID: nodeID, reason: reason)
        let swarm = snapshot.swarms[known: swarmID]
        if swarm.status == .terminating {
            let ended = swarm.nodes.filter(\.isEnded).count
            broadcast(
                .swarmTerminateProgress(
                    SwarmTerminateProgress(
                        requestID: swarm.terminateRequestID ?? .null, swarmID: swarm.id, stage: "draining",
                        message: "\(ended)/\(swarm.request.nodes) workers completed")))
        }
        if swarm.nodes.allSatisfy(\.isEnded) {
            if swarm.resume?.cause == .requeue {
                return  // Slurm runs the job again; its new workers start the nodes again.
            }
            if swarm.status == .starting {
                // The launch never completed: its request gets a rejection, not only a broadcast end.
                let why = endReason(for: swarm, workerReason: reason)
                failLaunch(swarmID: swarm.id, reason: "every worker ended before all had started (\(why))")
                return
            }
            snapshot.swarms[known: swarmID].workersEndedReason = reason
            if swarm.provider == "slurm", swarm.status == .running {
                // Workers that stop on their own were stopped by something (scancel, the time limit): report the
                // swarm with Slurm's final state, which the next poll brings, rather than guess.
                if !swarm.isDraining {
                    snapshot.swarms[known: swarmID].isDraining = true
                    effects.append(
                        .scheduleTimer(
                            .drainDeadline(swarm.id), at: now.addingTimeInterval(settings.finalStateWaitSeconds)))
                }
                return
            }
            let why =
                swarm.status == .terminating ? "terminated by request" : endReason(for: swarm, workerReason: reason)
            if let jobID = swarm.jobID, swarm.provider == "slurm" {
                // Workers are done; release the allocation (the batch shell may still hold it).
                effects.append(.stopJob(jobID, provider: swarm.provider, mode: .force))
            }
            finishSwarm(swarmID: swarmID, reason: why, requestID: swarm.terminateRequestID ?? .null)
        }
    }

    /// Marks a node ended, closing its open injections and failing its pending appends — or, when its job is
    /// ending and the swarm may resume, holding them for the node's next worker (`holdInjections`).
    mutating func endNode(swarmID: SwarmID, nodeID: Int, reason: String, jobEnding: Bool = false) {
        snapshot.swarms[known: swarmID].nodes[nodeID].isEnded = true
        snapshot.swarms[known: swarmID].nodes[nodeID].agentState = .ended
        if holdsOnEnd(swarmID: swarmID, reason: reason, jobEnding: jobEnding) {
            holdInjections(swarmID: swarmID, nodeID: nodeID, reason: reason)
        } else {
            for injectionID in snapshot.swarms[known: swarmID].nodes[nodeID].openInjections {
                closeInjection(
                    swarmID: swarmID, nodeID: nodeID, injectionID: injectionID, error: "node ended: \(reason)")
            }
            failPendingAppends(swarmID: swarmID, nodeID: nodeID, reason: "node ended before delivery: \(reason)")
        }
        closeApprovals(swarmID: swarmID, nodeID: nodeID, turnID: nil, reason: "the node ended: \(reason)")
        emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: nil, .nodeEnded(reason: reason))
        effects.append(.persist)
    }

    /// Why a swarm ended on its own, in words a user understands.
    func endReason(for swarm: SwarmRecord, workerReason: String) -> String {
        let drained = workerReason == "sigterm" ? "; workers drained on SIGTERM" : ""
        switch swarm.slurmState {
        case "TIMEOUT":
            return "time limit reached\(drained)"
        case _ where (swarm.timeLeftSeconds ?? Int.max) <= 90 && workerReason == "sigterm":
            return "time limit reached (Slurm's --signal=TERM@60)\(drained)"
        case "CANCELLED":
            return "job cancelled in Slurm (scancel)\(drained)"
        case "FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED":
            return "job ended \(swarm.slurmState ?? "")\(drained)"
        default:
            return workerReason == "sigterm" ? "workers stopped by SIGTERM" : "workers ended: \(workerReason)"
        }
    }
}

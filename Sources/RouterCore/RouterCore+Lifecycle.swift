import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// After a restart: follow every live swarm again from its cursors, and schedule housekeeping.
    mutating func handleStarted() {
        let sites = Set(
            snapshot.swarms.values.filter { $0.isLive && $0.jobID != nil }.map { Self.site(for: $0.provider) })
        for site in sites.sorted() { rewatch(site: site) }
        for swarm in snapshot.swarms.values where swarm.status == .starting {
            effects.append(
                .scheduleTimer(.launchTimeout(swarm.id), at: now.addingTimeInterval(settings.launchTimeoutSeconds)))
        }
        for swarm in snapshot.swarms.values where swarm.status == .terminated {
            // An automatic resume that was waiting out its backoff when the router stopped.
            if let due = swarm.resume?.scheduledAt {
                effects.append(.scheduleTimer(.autoResume(swarm.id), at: max(due, now)))
            }
        }
        for swarm in snapshot.swarms.values where swarm.status == .terminating {
            effects.append(
                .scheduleTimer(.terminateGrace(swarm.id), at: now.addingTimeInterval(settings.gracefulTerminateSeconds))
            )
        }
        for swarm in snapshot.swarms.values where swarm.isLive && swarm.isDraining {
            // The drain deadline died with the previous process; nothing else would close these swarms.
            effects.append(.scheduleTimer(.drainDeadline(swarm.id), at: now.addingTimeInterval(settings.drainSeconds)))
        }
        for swarm in snapshot.swarms.values where swarm.isLive && swarm.jobID == nil {
            // The previous process recorded this launch and may have started workers or submitted a job before it
            // learnt the job id: the provider adopts what it finds (`launchSubmitted`) or stops it (`launchFailed`).
            effects.append(.recoverLaunch(swarm.id, launchPlan(for: swarm)))
        }
        effects.append(.scheduleTimer(.retentionSweep, at: now.addingTimeInterval(60)))
        effects.append(.scheduleTimer(.livenessCheck, at: now.addingTimeInterval(settings.workerHeartbeatSeconds)))
        for provider in settings.availableProviders.sorted() { schedulePoll(provider) }
        restartApprovals()
    }

    /// Arms the next poll of `provider`: its interval, doubled per consecutive failure up to 60 s.
    mutating func schedulePoll(_ provider: String) {
        let interval = settings.pollIntervalSeconds[provider] ?? 5
        let failures = min(pollFailures[provider] ?? 0, 6)
        let delay = min(interval * Double(1 << failures), max(interval, 60))
        effects.append(.scheduleTimer(.providerPoll(provider), at: now.addingTimeInterval(delay)))
    }

    /// A poll is due: ask the provider about its live jobs (the next poll is armed when it answers).
    private mutating func pollDue(_ provider: String) {
        let jobs = snapshot.swarms.values.compactMap { swarm -> JobID? in
            guard swarm.isLive, swarm.provider == provider else { return nil }
            return swarm.jobID
        }
        if jobs.isEmpty {
            schedulePoll(provider)
        } else {
            effects.append(.observeJobs(provider: provider, jobs: jobs))
        }
    }

    /// Ends every started node whose worker has been silent too long: no line, not even a heartbeat.
    ///
    /// Silence counts only while the site's relay streams (a relay outage is not the worker's), so after a router
    /// or relay restart every worker gets a full period to be heard again.
    private mutating func checkLiveness() {
        for swarmID in snapshot.swarms.keys {
            let swarm = snapshot.swarms[known: swarmID]
            guard swarm.isLive, !swarm.isDraining, swarm.jobID != nil,
                let since = relayReadySince[Self.site(for: swarm.provider)]
            else { continue }
            for node in swarm.nodes where node.isStarted && !node.isEnded {
                let heard = max(node.lastActivityAt ?? since, since)
                let silence = now.timeIntervalSince(heard)
                guard silence >= settings.workerSilenceSeconds else { continue }
                effects.append(.persist)
                nodeCompleted(
                    swarmID: swarmID, nodeID: node.id,
                    reason:
                        "no word from the worker for \(Int(silence)) s (it writes a heartbeat every \(Int(settings.workerHeartbeatSeconds)) s); presumed dead: killed, or its node was lost"
                )
            }
        }
    }

    /// The launch plan of a recorded swarm (what `launch` and `recoverLaunch` carry).
    func launchPlan(for swarm: SwarmRecord) -> LaunchPlan {
        LaunchPlan(
            provider: swarm.provider, nodes: swarm.request.nodes, partition: swarm.request.partition,
            time: swarm.request.time, account: swarm.request.account, qos: swarm.request.qos,
            jobID: swarm.plannedJobID, token: swarm.launchToken, workspaceJobID: swarm.workspaceJobID,
            carryInboxFrom: swarm.resume == nil ? nil : swarm.lastWorkersJobID, sbatch: swarm.request.sbatch ?? [])
    }

    /// Terminates a swarm: graceful first, forced when asked twice, after the grace period, or with `force`.
    mutating func terminate(swarmID: SwarmID, requestID: JSONValue, force: Bool, client: ClientID) {
        let swarm = snapshot.swarms[known: swarmID]
        switch swarm.status {
        case .terminated:
            cancelAutoResume(swarmID: swarmID)
            reply(
                to: client,
                .swarmTerminated(
                    SwarmTerminated(
                        requestID: requestID, swarmID: swarm.id, jobID: swarm.jobID, reason: swarm.endedReason,
                        slurmState: swarm.slurmState)))
            return
        case .terminating where !force:
            // A second terminate while one runs means "now".
            snapshot.swarms[known: swarmID].terminateRequestID = requestID
            forceStop(swarmID: swarmID)
            return
        default:
            break
        }
        if swarm.status == .starting, !swarm.isAnnounced {
            // The launch can no longer complete: its request gets its answer now, not never.
            snapshot.swarms[known: swarmID].isAnnounced = true
            broadcast(
                .commandRejected(
                    CommandRejected(
                        requestID: swarm.launchRequestID,
                        reason: "launch cancelled: swarm \(swarm.id) was terminated before its workers started")))
        }
        snapshot.swarms[known: swarmID].status = .terminating
        snapshot.swarms[known: swarmID].terminateRequestID = requestID
        effects.append(.persist)
        guard let jobID = swarm.jobID else {
            broadcast(
                .swarmTerminateProgress(
                    SwarmTerminateProgress(
                        requestID: requestID, swarmID: swarm.id, stage: "cancelling",
                        message: "the job is not submitted yet; it will be cancelled as soon as it is")))
            return
        }
        if force {
            forceStop(swarmID: swarmID)
            return
        }
        let live = swarm.nodes.filter { !$0.isEnded }.count
        broadcast(
            .swarmTerminateProgress(
                SwarmTerminateProgress(
                    requestID: requestID, swarmID: swarm.id, stage: "signalling",
                    message:
                        "asking \(live) worker(s) to finish (SIGTERM); forcing after \(Int(settings.gracefulTerminateSeconds)) s"
                )))
        effects.append(.stopJob(jobID, provider: swarm.provider, mode: .graceful))
        effects.append(
            .scheduleTimer(.terminateGrace(swarm.id), at: now.addingTimeInterval(settings.gracefulTerminateSeconds)))
    }

    /// Kills what is left of a swarm and waits briefly for its last outbox lines.
    mutating func forceStop(swarmID: SwarmID) {
        let swarm = snapshot.swarms[known: swarmID]
        guard let jobID = swarm.jobID else { return }
        broadcast(
            .swarmTerminateProgress(
                SwarmTerminateProgress(
                    requestID: swarm.terminateRequestID ?? .null, swarmID: swarm.id, stage: "killing",
                    message: "stopping the remaining workers now")))
        effects.append(.stopJob(jobID, provider: swarm.provider, mode: .force))
        snapshot.swarms[known: swarmID].isDraining = true
        effects.append(.persist)
        effects.append(.scheduleTimer(.drainDeadline(swarm.id), at: now.addingTimeInterval(settings.drainSeconds)))
    }

    /// Records what a provider poll saw; a job that finished closes its swarm after a short drain.
    mutating func handleObservations(_ observations: [JobID: JobObservation]) {
        for (jobID, observation) in observations {
            guard let swarmID = self.swarmID(ofJob: jobID), snapshot.swarms[known: swarmID].isLive else { continue }
            let previous = snapshot.swarms[known: swarmID].slurmState
            snapshot.swarms[known: swarmID].slurmState = observation.state
            if let left = observation.timeLeftSeconds {
                snapshot.swarms[known: swarmID].timeLeftSeconds = left
                checkTimeLeft(swarmID: swarmID)
            }
            if observeRequeue(swarmID: swarmID, observation: observation) { continue }
            if snapshot.swarms[known: swarmID].status == .starting, previous != observation.state,
                !observation.isFinished
            {
                let reason = observation.reason.flatMap { $0 == "None" ? nil : $0 }
                handleLaunchProgress(
                    swarmID: swarmID, stage: LaunchStage(rawValue: observation.state.lowercased()),
                    message: "job \(jobID) is \(observation.state)" + (reason.map { " (\($0))" } ?? ""),
                    slurmState: observation.state, reason: reason)
            }
            let swarm = snapshot.swarms[known: swarmID]
            if observation.isFinished, swarm.status == .running, swarm.nodes.allSatisfy(\.isEnded) {
                // The workers ended and Slurm has the job's final state: report it now.
                finishSwarm(
                    swarmID: swarmID, reason: endReason(for: swarm, workerReason: swarm.workersEndedReason ?? "ended"),
                    requestID: .null)
                continue
            }
            if !observation.isFinished, snapshot.swarms[known: swarmID].isDraining,
                snapshot.swarms[known: swarmID].status != .terminating,
                !swarm.nodes.allSatisfy(\.isEnded)
            {
                snapshot.swarms[known: swarmID].isDraining = false
            }
            if observation.isFinished, !snapshot.swarms[known: swarmID].isDraining {
                snapshot.swarms[known: swarmID].isDraining = true
                effects.append(
                    .scheduleTimer(
                        .drainDeadline(swarmID), at: now.addingTimeInterval(settings.drainSeconds)))
            }
            for node in observation.endedNodes where node >= 0 && node < snapshot.swarms[known: swarmID].nodes.count {
                let key = NodeKey(swarmID: swarmID, nodeID: node)
                guard !snapshot.swarms[known: swarmID].nodes[node].isEnded, !nodesGoing.contains(key) else { continue }
                // Its `complete` may still be on its way through the relay; wait briefly before giving up on it.
                nodesGoing.insert(key)
                effects.append(
                    .scheduleTimer(
                        .nodeGone(key.swarmID, node: node), at: now.addingTimeInterval(settings.nodeGoneGraceSeconds)))
            }
            if previous != observation.state { effects.append(.persist) }
        }
    }

    mutating func handleTimer(_ timer: RouterTimer) {
        switch timer {
        case .launchTimeout(let swarmID):
            guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].status == .starting else {
                return
            }
            let swarm = snapshot.swarms[known: swarmID]
            if swarm.resume != nil, Self.requeueStates.contains(swarm.slurmState ?? "") {
                // A resume waits in the queue for as long as the cluster makes it: only a started job must hurry.
                effects.append(
                    .scheduleTimer(.launchTimeout(swarmID), at: now.addingTimeInterval(settings.launchTimeoutSeconds)))
                return
            }
            let started = swarm.nodes.filter(\.isStarted).count
            failLaunch(
                swarmID: swarmID,
                reason:
                    "only \(started)/\(swarm.request.nodes) workers started within \(Int(settings.launchTimeoutSeconds)) s (job state \(swarm.slurmState ?? "unknown")); the job was cancelled"
            )
        case .terminateGrace(let swarmID):
            guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].status == .terminating else {
                return
            }
            forceStop(swarmID: swarmID)
        case .drainDeadline(let swarmID):
            guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].isLive,
                snapshot.swarms[known: swarmID].isDraining
            else {
                return
            }
            let swarm = snapshot.swarms[known: swarmID]
            let reason: String
            if swarm.status == .terminating {
                reason = "terminated by request"
            } else if swarm.status == .starting {
                failLaunch(
                    swarmID: swarmID,
                    reason: "the job ended before its workers started (state \(swarm.slurmState ?? "unknown"))")
                return
            } else if swarm.nodes.allSatisfy(\.isEnded) {
                // Every worker ended but Slurm still holds the job: release the allocation.
                if let jobID = swarm.jobID { effects.append(.stopJob(jobID, provider: swarm.provider, mode: .force)) }
                reason = endReason(for: swarm, workerReason: swarm.workersEndedReason ?? "ended")
            } else {
                reason = "job ended (state \(swarm.slurmState ?? "unknown")); workers are gone"
            }
            for node in swarm.nodes where !node.isEnded {
                endNode(swarmID: swarmID, nodeID: node.id, reason: "worker gone without `complete`", jobEnding: true)
            }
            finishSwarm(swarmID: swarmID, reason: reason, requestID: swarm.terminateRequestID ?? .null)
        case .retentionSweep:
            let cutoff = now.addingTimeInterval(-settings.endedRetentionSeconds)
            let expired = snapshot.swarms.values.filter { !$0.isLive && ($0.endedAt ?? now) < cutoff }
            for swarm in expired { effects.append(.forgetJournal(swarm.id)) }
            snapshot.swarms.removeAll { swarm in expired.contains { $0.id == swarm.key } }
            for swarm in expired {
                if let jobID = swarm.jobID {
                    snapshot.cursors = snapshot.cursors.filter { !$0.key.contains("/\(jobID.rawValue)_") }
                }
            }
            if !expired.isEmpty { effects.append(.persist) }
            effects.append(.scheduleTimer(.retentionSweep, at: now.addingTimeInterval(60)))
        case .providerPoll(let provider):
            pollDue(provider)
        case .livenessCheck:
            checkLiveness()
            effects.append(.scheduleTimer(.livenessCheck, at: now.addingTimeInterval(settings.workerHeartbeatSeconds)))
        case .nodeGone(let swarmID, let node):
            nodesGoing.remove(NodeKey(swarmID: swarmID, nodeID: node))
            guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].isLive,
                node < snapshot.swarms[known: swarmID].nodes.count, !snapshot.swarms[known: swarmID].nodes[node].isEnded
            else { return }
            effects.append(.persist)
            nodeCompleted(
                swarmID: swarmID, nodeID: node,
                reason: "the worker process exited without writing `complete` (killed?)")
        case .approvalTimeout(let approvalID):
            approvalTimedOut(approvalID)
        case .saveRetry:
            if saveFailure != nil { effects.append(.retrySave) }
        case .autoResume(let swarmID):
            autoResumeDue(swarmID: swarmID)
        }
    }

    /// Marks a swarm terminated and tells everyone; the relay stops following its files.
    mutating func finishSwarm(swarmID: SwarmID, reason: String, requestID: JSONValue) {
        guard snapshot.swarms[known: swarmID].status != .terminated else { return }
        // Decided before the swarm's state changes: may its prompts wait for a resume?
        let holds = holdsInjections(snapshot.swarms[known: swarmID])
        for node in snapshot.swarms[known: swarmID].nodes where !node.isEnded {
            endNode(swarmID: swarmID, nodeID: node.id, reason: reason, jobEnding: true)
        }
        snapshot.swarms[known: swarmID].status = .terminated
        snapshot.swarms[known: swarmID].endedAt = now
        // No poll follows an ended swarm: leave no "RUNNING" behind.
        if ["RUNNING", "PENDING", "CONFIGURING", "COMPLETING", "SIGNALING", nil].contains(
            snapshot.swarms[known: swarmID].slurmState)
        {
            snapshot.swarms[known: swarmID].slurmState =
                snapshot.swarms[known: swarmID].terminateRequestID != nil ? "CANCELLED" : "COMPLETED"
        }
        snapshot.swarms[known: swarmID].endedReason = reason
        snapshot.swarms[known: swarmID].isDraining = false
        if !holds {
            // Terminated (or a launch that never ran): nothing will resume, so nothing may wait for it.
            failHeldInjections(swarmID: swarmID, reason: reason)
        } else {
            // Every node waits for the resume now, those that died alone before too: injects to them are held.
            for node in snapshot.swarms[known: swarmID].nodes.indices {
                snapshot.swarms[known: swarmID].nodes[node].holdsForResume = true
            }
        }
        recordJobEnd(swarmID: swarmID, reason: reason)
        snapshot.swarms[known: swarmID].resume = nil
        snapshot.swarms[known: swarmID].terminateRequestID = nil
        let swarm = snapshot.swarms[known: swarmID]
        if let jobID = swarm.jobID {
            effects.append(.relay(site: Self.site(for: swarm.provider), .unwatch(jobID: jobID)))
        }
        broadcast(
            .swarmTerminated(
                SwarmTerminated(
                    requestID: requestID, swarmID: swarm.id, jobID: swarm.jobID, reason: reason,
                    slurmState: swarm.slurmState)))
        if holds { scheduleAutoResume(swarmID: swarm.id) }
        effects.append(.persist)
    }
}

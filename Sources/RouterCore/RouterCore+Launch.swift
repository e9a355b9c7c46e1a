import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// Registers a swarm and asks the provider to start it; returns a rejection reason instead when it cannot.
    mutating func startLaunch(_ request: LaunchRequest, requestID: JSONValue) -> String? {
        let provider = request.provider?.rawValue ?? settings.defaultProvider
        guard settings.availableProviders.contains(provider) else {
            let known = settings.availableProviders.sorted().joined(separator: ", ")
            return "unknown provider \"\(provider)\": this router offers \(known) (set \"provider\" in the config)"
        }
        if let problem = Self.sbatchProblem(request.sbatch, provider: provider) { return problem }
        if let count = request.autoResume, !(0...LaunchRequest.maximumAutoResume).contains(count) {
            return "auto_resume must be between 0 and \(LaunchRequest.maximumAutoResume), got \(count)"
        }
        var resolved = request
        // Fixed at launch, so a later config change does not change what a running swarm was promised.
        resolved.autoResume = request.autoResume ?? (settings.autoResume > 0 ? settings.autoResume : nil)
        resolved.provider = ProviderName(rawValue: provider)
        if provider == "slurm" {
            resolved.partition = request.partition ?? settings.defaultPartition
            resolved.time = request.time ?? settings.defaultTime
            resolved.account = request.account ?? settings.defaultAccount
            resolved.qos = request.qos ?? settings.defaultQos
        }
        let swarmID = SwarmID(newID())
        var record = SwarmRecord(
            id: swarmID, request: resolved, provider: provider, launchRequestID: requestID, createdAt: now)
        if provider == "local" {
            // Chosen (and saved) before any worker starts, so a router killed mid-launch can find the workers.
            record.plannedJobID = JobID("local_" + String(newID().prefix(8)))
        }
        snapshot.swarms[swarmID] = record
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: requestID, swarmID: swarmID, stage: .accepted,
                    message: "launching \(resolved.nodes) node(s) with the \(provider) provider",
                    nodeCount: resolved.nodes)))
        // The runtime starts it only once the record is saved (`RouterEffect` performs actions after the save).
        effects.append(.launch(swarmID, launchPlan(for: record)))
        effects.append(
            .scheduleTimer(.launchTimeout(swarmID), at: now.addingTimeInterval(settings.launchTimeoutSeconds)))
        effects.append(.persist)
        return nil
    }

    mutating func handleLaunchSubmitted(swarmID: SwarmID, jobID: JobID) {
        guard snapshot.swarms.keys.contains(swarmID) else { return }
        snapshot.swarms[known: swarmID].jobID = jobID
        snapshot.swarms[known: swarmID].jobSubmittedAt = now
        let swarm = snapshot.swarms[known: swarmID]
        if swarm.status == .terminated {
            // The launch ended (failed or timed out) before the provider answered: the job must not run on unseen.
            effects.append(.log(.warning, "job \(jobID) of ended swarm \(swarmID) was submitted late; stopping it"))
            effects.append(.stopJob(jobID, provider: swarm.provider, mode: .force))
            effects.append(.persist)
            return
        }
        effects.append(
            .relay(
                site: Self.site(for: swarm.provider), .watch(jobID: jobID, nodeCount: swarm.request.nodes, cursors: []))
        )
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: swarm.progressRequestID, swarmID: swarmID, jobID: jobID, stage: .submitted,
                    message: "job \(jobID) submitted; waiting for \(swarm.request.nodes) worker(s) to start",
                    nodesStarted: 0, nodeCount: swarm.request.nodes)))
        effects.append(.persist)
        if swarm.status == .terminating {
            // A terminate arrived before the job id was known: stop the job now and close the swarm after the drain.
            forceStop(swarmID: swarmID)
        }
    }

    mutating func handleLaunchProgress(
        swarmID: SwarmID, stage: LaunchStage, message: String, slurmState: String?, reason: String?
    ) {
        guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].status == .starting else {
            return
        }
        if let slurmState { snapshot.swarms[known: swarmID].slurmState = slurmState }
        let swarm = snapshot.swarms[known: swarmID]
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: swarm.progressRequestID, swarmID: swarmID, jobID: swarm.jobID, stage: stage,
                    message: message,
                    slurmState: slurmState, reason: reason, nodesStarted: swarm.nodes.filter(\.isStarted).count,
                    nodeCount: swarm.request.nodes)))
    }

    /// Ends a launch that cannot complete: the launcher gets `command_rejected`, everyone sees the swarm end.
    mutating func failLaunch(swarmID: SwarmID, reason: String) {
        guard snapshot.swarms.keys.contains(swarmID), snapshot.swarms[known: swarmID].status != .terminated else {
            return
        }
        let swarm = snapshot.swarms[known: swarmID]
        if !swarm.isAnnounced {
            snapshot.swarms[known: swarmID].isAnnounced = true
            if let resume = swarm.resume {
                // An automatic resume has no request to answer; `swarm_terminated` tells everyone.
                if !resume.requestID.isNull {
                    broadcast(
                        .commandRejected(
                            CommandRejected(requestID: resume.requestID, reason: "resume failed: \(reason)")))
                }
            } else {
                broadcast(
                    .commandRejected(
                        CommandRejected(requestID: swarm.launchRequestID, reason: "launch failed: \(reason)")))
            }
        }
        if let jobID = swarm.jobID {
            effects.append(.stopJob(jobID, provider: swarm.provider, mode: .force))
        }
        finishSwarm(swarmID: swarmID, reason: "launch failed: \(reason)", requestID: swarm.terminateRequestID ?? .null)
    }

    /// A node's worker wrote `start`: count it, and announce the swarm once every worker has started.
    mutating func nodeStarted(swarmID: SwarmID, nodeID: Int, hostname: String?) {
        if snapshot.swarms[known: swarmID].nodes[nodeID].isStarted {
            // A second `start` for the node: a new worker (Slurm requeued the job, which runs again).
            newWorkerStarted(swarmID: swarmID, nodeID: nodeID)
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].isStarted = true
        snapshot.swarms[known: swarmID].lastWorkersJobID = snapshot.swarms[known: swarmID].jobID
        snapshot.swarms[known: swarmID].nodes[nodeID].hostname = hostname
        snapshot.swarms[known: swarmID].nodes[nodeID].agentState = .idle
        emitStream(swarmID: swarmID, nodeID: nodeID, injectionID: nil, .nodeStarted(hostname: hostname))
        let swarm = snapshot.swarms[known: swarmID]
        guard swarm.status == .starting else { return }
        let started = swarm.nodes.filter(\.isStarted).count
        if started < swarm.request.nodes {
            broadcast(
                .swarmLaunchProgress(
                    SwarmLaunchProgress(
                        requestID: swarm.progressRequestID, swarmID: swarm.id, jobID: swarm.jobID,
                        stage: .workersStarting,
                        message: "\(started)/\(swarm.request.nodes) workers started", slurmState: swarm.slurmState,
                        nodesStarted: started, nodeCount: swarm.request.nodes)))
            return
        }
        if swarm.resume != nil {
            checkResumeComplete(swarmID: swarmID)
        } else {
            announce(swarmID: swarmID)
        }
    }

    /// Every worker has started: `swarm_launched`, then the system prompt to every node.
    private mutating func announce(swarmID: SwarmID) {
        snapshot.swarms[known: swarmID].status = .running
        snapshot.swarms[known: swarmID].isAnnounced = true
        let swarm = snapshot.swarms[known: swarmID]
        guard let jobID = swarm.jobID else { return }
        broadcast(
            .swarmLaunched(
                SwarmLaunched(
                    requestID: swarm.launchRequestID, swarmID: swarm.id, jobID: jobID, nodeCount: swarm.request.nodes,
                    partition: swarm.request.partition, time: swarm.request.time, account: swarm.request.account,
                    qos: swarm.request.qos, provider: ProviderName(rawValue: swarm.provider),
                    agent: settings.agentDescription)))
        if !swarm.request.systemPrompt.isEmpty {
            for node in swarm.nodes {
                enqueueInjection(
                    swarmID: swarmID, nodeID: node.id, content: swarm.request.systemPrompt,
                    requestID: swarm.launchRequestID)
            }
        }
        effects.append(.persist)
    }
}

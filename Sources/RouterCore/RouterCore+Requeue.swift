import CodeswarmProtocol
import Foundation

/// Slurm requeues: the same job id runs again (`scontrol requeue`, preemption with `--requeue`), so the swarm is
/// followed through it and its new workers reopen their threads, as in a resume.
extension RouterCore {
    /// The scheduler states of a job that waits to run again after a requeue.
    static let requeueStates: Set<String> = ["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED"]

    /// A poll saw a running swarm's job back in the queue: it was requeued. True when the observation was taken.
    mutating func observeRequeue(swarmID: SwarmID, observation: JobObservation) -> Bool {
        let swarm = snapshot.swarms[known: swarmID]
        guard swarm.provider == "slurm", swarm.status == .running, !observation.isFinished,
            Self.requeueStates.contains(observation.state)
        else { return false }
        requeueDetected(swarmID: swarmID, how: "the job is \(observation.state) again")
        return true
    }

    /// A second `start` for a node: the node's worker was started again by a new run of the same job.
    mutating func newWorkerStarted(swarmID: SwarmID, nodeID: Int) {
        if snapshot.swarms[known: swarmID].provider == "slurm",
            snapshot.swarms[known: swarmID].resume?.cause != .requeue
        {
            requeueDetected(swarmID: swarmID, how: "node \(nodeID)'s worker started again")
        }
        if !snapshot.swarms[known: swarmID].nodes[nodeID].isEnded {
            // The old worker left no `complete` (it was killed): its node ends now, holding what did not start.
            endNode(
                swarmID: swarmID, nodeID: nodeID, reason: "its worker was replaced when the job ran again",
                jobEnding: true)
        }
        snapshot.swarms[known: swarmID].nodes[nodeID].resetForNewWorker(sameJob: true)
        effects.append(.persist)
    }

    /// Records the requeue in the swarm's chain and waits for the job's next run as for a resume.
    ///
    /// The nodes end as their workers' `complete` lines arrive (or when a new worker replaces one); prompts that
    /// did not start stay in the inbox, where the new worker reads them first, and what was not yet sent follows.
    mutating func requeueDetected(swarmID: SwarmID, how: String) {
        let swarm = snapshot.swarms[known: swarmID]
        guard let jobID = swarm.jobID, swarm.resume?.cause != .requeue else { return }
        let reason = "requeued by Slurm (\(how))"
        let interrupted = swarm.nodes.compactMap { node in
            node.interruptedInjection.map { InterruptedTurn(nodeID: node.id, injectionID: $0) }
        }
        let record = JobRecord(
            jobID: jobID, slurmState: "REQUEUED", endedReason: reason, cause: .requeued,
            startedAt: swarm.jobSubmittedAt, endedAt: now, interrupted: interrupted)
        snapshot.swarms[known: swarmID].jobHistory = swarm.endedJobs + [record]
        snapshot.swarms[known: swarmID].resume = ResumeState(requestID: .null, cause: .requeue, previousJobID: jobID)
        snapshot.swarms[known: swarmID].status = .starting
        snapshot.swarms[known: swarmID].isAnnounced = false
        snapshot.swarms[known: swarmID].isDraining = false
        snapshot.swarms[known: swarmID].workersEndedReason = nil
        snapshot.swarms[known: swarmID].jobSubmittedAt = now
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: .null, swarmID: swarm.id, jobID: jobID, stage: "requeued",
                    message: "job \(jobID) was \(reason); its workers reopen their threads when it runs again",
                    slurmState: swarm.slurmState, nodesStarted: 0, nodeCount: swarm.request.nodes)))
        effects.append(.log(.info, "swarm \(swarm.id): job \(jobID) \(reason)"))
        effects.append(
            .scheduleTimer(.launchTimeout(swarm.id), at: now.addingTimeInterval(settings.launchTimeoutSeconds)))
        effects.append(.persist)
    }

    /// Notes the turn a job's end interrupted on a node, in the chain too when the job was requeued.
    mutating func noteInterrupted(swarmID: SwarmID, nodeID: Int, injectionID: InjectionID) {
        snapshot.swarms[known: swarmID].nodes[nodeID].interruptedInjection = injectionID
        let swarm = snapshot.swarms[known: swarmID]
        guard swarm.resume?.cause == .requeue, var last = swarm.jobHistory?.last, last.jobID == swarm.jobID,
            !last.interrupted.contains(where: { $0.nodeID == nodeID })
        else { return }
        last.interrupted.append(InterruptedTurn(nodeID: nodeID, injectionID: injectionID))
        snapshot.swarms[known: swarmID].jobHistory?[swarm.endedJobs.count - 1] = last
    }
}

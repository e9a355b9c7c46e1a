import CodeswarmProtocol
import Foundation

extension SwarmRecord {
    /// The jobs the swarm has ended, oldest first.
    var endedJobs: [JobRecord] { jobHistory ?? [] }

    /// The request id launch progress names: the resume's while one runs, else the launch's.
    var progressRequestID: JSONValue { resume?.requestID ?? launchRequestID }

    /// Names the current launch in the provider's world (the Slurm job's `--comment`, the settings folder): the
    /// swarm id, with `-r<N>` for the N-th resume, so a restarted router never mistakes an old job for a new one.
    var launchToken: String {
        let count = resumeCount ?? 0
        return count == 0 ? id.rawValue : "\(id.rawValue)-r\(count)"
    }

    /// The job whose agent folders are the nodes' working directories: the swarm's first.
    var workspaceJobID: JobID? { endedJobs.first?.jobID }

    /// The chain of jobs for the wire once the swarm has ended a job: every ended job, then the current one while
    /// it runs (nil for a swarm still on its first job, whose summary says everything already).
    func jobChain() -> [JobSummary]? {
        guard !endedJobs.isEmpty else { return nil }
        var chain = endedJobs.map { $0.summary() }
        if let jobID, isLive {
            chain.append(
                JobSummary(
                    jobID: jobID, state: slurmState, startedAt: jobSubmittedAt.map(WireTimestamp.string(from:))))
        }
        return chain.isEmpty ? nil : chain
    }

    /// The resume under way or scheduled, for the wire.
    func resumeSummary() -> ResumeSummary? {
        guard let resume else { return nil }
        let state: String
        if resume.scheduledAt != nil, status == .terminated {
            state = "scheduled"
        } else if jobID == nil {
            state = "submitting"
        } else if slurmState == "PENDING" {
            state = "pending"
        } else {
            state = "starting"
        }
        let automatic = resume.cause == .automatic
        return ResumeSummary(
            state: state, cause: resume.cause.rawValue, jobID: state == "scheduled" ? nil : jobID,
            previousJobID: resume.previousJobID, at: resume.scheduledAt.map(WireTimestamp.string(from:)),
            // The attempt counts the scheduled one too.
            attempt: automatic ? (autoResumeCount ?? 0) + (state == "scheduled" ? 1 : 0) : nil,
            limit: automatic ? request.autoResume : nil)
    }
}

extension NodeRecord {
    /// Resets what belonged to the worker of the previous job, for a node about to start on a new one (or on the
    /// same job again after a requeue); the thread, the token total and held prompts stay.
    mutating func resetForNewWorker(sameJob: Bool) {
        hostname = nil
        isStarted = false
        isEnded = false
        agentState = .starting
        currentInjection = nil
        turnID = nil
        turnStartedAt = nil
        lastError = nil
        interruptedInjection = nil
        holdsForResume = nil
        pendingServerRequests = [:]
        awaitingThread = true
        // A new job writes new outbox files numbered from 1; a requeued job's worker continues the old numbering.
        if !sameJob { lastWorkerSeq = 0 }
    }
}

import CodeswarmProtocol
import Foundation

/// Automatic resume (`auto_resume`): a swarm whose job ended by time limit, preemption or node failure is resumed
/// on its own after a backoff, up to its launch's limit; never after a terminate or a cancel from outside.
extension RouterCore {
    /// The wait before the first automatic resume; each further one waits twice as long, up to the maximum.
    static let autoResumeFirstDelay: TimeInterval = 10
    static let autoResumeMaximumDelay: TimeInterval = 300

    /// The wait before automatic resume number `attempt` (1 for the first): 10 s, 20 s, 40 s, … at most 5 min.
    static func autoResumeDelay(attempt: Int) -> TimeInterval {
        // The shift is bounded so a large attempt number cannot overflow.
        let exponent = min(max(attempt - 1, 0), 16)
        return min(autoResumeFirstDelay * Double(1 << exponent), autoResumeMaximumDelay)
    }

    /// The swarm's job has just ended and its prompts are held (`finishSwarm`): schedules the next automatic
    /// resume when the job's end allows one and the swarm has not used up its limit.
    mutating func scheduleAutoResume(swarmID: SwarmID) {
        guard snapshot.swarms.keys.contains(swarmID) else { return }
        let swarm = snapshot.swarms[known: swarmID]
        let limit = swarm.request.autoResume ?? 0
        guard limit > 0, swarm.status == .terminated, let ended = swarm.endedJobs.last else { return }
        let used = swarm.autoResumeCount ?? 0
        guard ended.cause.allowsAutoResume else {
            effects.append(
                .log(
                    .info, "swarm \(swarm.id): job \(ended.jobID) ended (\(ended.cause.rawValue)); no automatic resume")
            )
            return
        }
        guard used < limit else {
            broadcast(
                .swarmLaunchProgress(
                    SwarmLaunchProgress(
                        requestID: .null, swarmID: swarm.id, jobID: ended.jobID, stage: "auto_resume_exhausted",
                        message: "job \(ended.jobID) ended (\(ended.endedReason)); all \(limit) automatic resume(s) "
                            + "are used up: resume it with `codeswarm resume \(swarm.id)`",
                        nodeCount: swarm.request.nodes)))
            return
        }
        let delay = Self.autoResumeDelay(attempt: used + 1)
        let due = now.addingTimeInterval(delay)
        snapshot.swarms[known: swarmID].resume = ResumeState(
            requestID: .null, cause: .automatic, previousJobID: ended.jobID, scheduledAt: due)
        broadcast(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: .null, swarmID: swarm.id, jobID: ended.jobID, stage: "resume_scheduled",
                    message: "job \(ended.jobID) ended (\(ended.endedReason)); resuming on a new job in "
                        + "\(Int(delay)) s (automatic resume \(used + 1) of \(limit); `codeswarm terminate "
                        + "\(swarm.id)` cancels it)",
                    nodeCount: swarm.request.nodes)))
        effects.append(.scheduleTimer(.autoResume(swarm.id), at: due))
        effects.append(.persist)
    }

    /// The backoff has passed: the swarm is resumed as by `swarm_resume` with its last options.
    mutating func autoResumeDue(swarmID: SwarmID) {
        guard snapshot.swarms.keys.contains(swarmID) else { return }
        let swarm = snapshot.swarms[known: swarmID]
        // A manual resume or a terminate since then took the scheduled one's place.
        guard swarm.status == .terminated, let resume = swarm.resume, resume.cause == .automatic,
            let due = resume.scheduledAt
        else { return }
        guard due <= now else {
            effects.append(.scheduleTimer(.autoResume(swarmID), at: due))
            return
        }
        guard settings.availableProviders.contains(swarm.provider) else {
            snapshot.swarms[known: swarmID].resume = nil
            effects.append(
                .log(
                    .warning,
                    "swarm \(swarm.id): no automatic resume, this router does not offer the \(swarm.provider) provider"
                ))
            effects.append(.persist)
            return
        }
        snapshot.swarms[known: swarmID].autoResumeCount = (swarm.autoResumeCount ?? 0) + 1
        startResume(swarmID: swarmID, overrides: nil, cause: .automatic, requestID: .null)
    }

    /// The user's terminate of an ended swarm: an automatic resume it was waiting for is cancelled, and the
    /// prompts held for it fail.
    mutating func cancelAutoResume(swarmID: SwarmID) {
        guard snapshot.swarms[known: swarmID].resume?.scheduledAt != nil else { return }
        snapshot.swarms[known: swarmID].resume = nil
        failHeldInjections(swarmID: swarmID, reason: "the automatic resume was cancelled by terminate")
        effects.append(.persist)
    }
}

import CodeswarmProtocol
import Foundation

/// One ended job of a swarm, kept in the swarm's chain (`SwarmRecord.jobHistory`); persisted.
package struct JobRecord: Sendable, Hashable, Codable {
    package var jobID: JobID
    /// The scheduler's final state (`TIMEOUT`, `PREEMPTED`, `REQUEUED`, …).
    package var slurmState: String?
    package var endedReason: String
    package var cause: JobEndCause
    package var startedAt: Date?
    package var endedAt: Date
    /// The turns its end interrupted.
    package var interrupted: [InterruptedTurn]

    /// The wire form.
    func summary() -> JobSummary {
        JobSummary(
            jobID: jobID, state: slurmState, endedReason: endedReason, cause: cause.rawValue,
            startedAt: startedAt.map(WireTimestamp.string(from:)), endedAt: WireTimestamp.string(from: endedAt),
            interrupted: interrupted.isEmpty ? nil : interrupted)
    }
}

/// Why a job ended, as a word: decides whether the swarm's agents may resume on their own (`auto_resume`).
package enum JobEndCause: String, Sendable, Hashable, Codable {
    case timeLimit = "time_limit"
    case preempted
    case nodeFailure = "node_failure"
    /// Slurm put the job back in the queue (`scontrol requeue`, preemption with `--requeue`); it runs again.
    case requeued
    /// Cancelled in Slurm from outside Codeswarm.
    case cancelled
    /// The user's terminate.
    case terminated
    case launchFailed = "launch_failed"
    case workersEnded = "workers_ended"

    /// True for the endings after which an automatic resume is allowed (never the user's terminate).
    var allowsAutoResume: Bool { [.timeLimit, .preempted, .nodeFailure].contains(self) }
}

/// A resume under way (or, with `scheduledAt`, waiting for its automatic start); persisted with the swarm.
package struct ResumeState: Sendable, Hashable, Codable {
    /// The `swarm_resume` request, or null for an automatic resume or a requeue.
    package var requestID: JSONValue
    package var cause: ResumeCause
    /// The job the swarm ran on before.
    package var previousJobID: JobID?
    /// Set while an automatic resume waits for its backoff to pass (the swarm is ended meanwhile).
    package var scheduledAt: Date?
    /// How many held injections the resume delivers.
    package var heldInjections: Int

    init(requestID: JSONValue, cause: ResumeCause, previousJobID: JobID?, scheduledAt: Date? = nil) {
        self.requestID = requestID
        self.cause = cause
        self.previousJobID = previousJobID
        self.scheduledAt = scheduledAt
        self.heldInjections = 0
    }
}

/// What started a resume.
package enum ResumeCause: String, Sendable, Hashable, Codable {
    /// `swarm_resume` (`codeswarm resume`).
    case manual
    /// `auto_resume` after a time limit, preemption or node failure.
    case automatic
    /// Slurm requeued the job: the same job id runs again.
    case requeue
}

/// A node's agent thread as its worker last reported it (`thread` outbox line); persisted via the journal.
package struct NodeThread: Sendable, Hashable, Codable {
    package var id: String
    package var rolloutPath: String?
    /// True when the last opening reopened an earlier thread.
    package var resumed: Bool
    /// Why a resume fell back to a new thread.
    package var reason: String?
}

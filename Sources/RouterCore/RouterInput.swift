import CodeswarmProtocol
import Foundation

/// Identifies one client connection inside the router.
package typealias ClientID = Int

/// A fact from the outside world, handed to `RouterCore.handle`; each carries the time it happened.
package enum RouterInput: Sendable {
    /// The router started (after restoring its snapshot): re-watch live swarms.
    case started(at: Date)
    case clientConnected(ClientID, at: Date)
    case clientDisconnected(ClientID, at: Date)
    /// One complete line from a client, without its newline.
    case lineReceived(ClientID, [UInt8], at: Date)
    /// A client sent a line longer than the frame limit; its bytes were discarded.
    case lineTooLong(ClientID, byteCount: Int, at: Date)
    /// The provider has a job id for a launch (workers may not have started yet).
    case launchSubmitted(SwarmID, JobID, at: Date)
    /// The provider reports launch progress (queued in Slurm with a reason, running, …).
    case launchProgressed(SwarmID, stage: LaunchStage, message: String, slurmState: String?, reason: String?, at: Date)
    /// The provider could not launch.
    case launchFailed(SwarmID, reason: String, at: Date)
    /// The mailbox relay of `site` reported something.
    case relayEvent(site: String, RelayEvent, at: Date)
    /// The relay of `site` is gone (it will be restarted; in-flight appends are re-sent to the new one).
    case relayStopped(site: String, reason: String, at: Date)
    /// The provider observed its jobs (one batched poll asked for by `observeJobs`).
    case jobsObserved(provider: String, [JobID: JobObservation], at: Date)
    /// The provider could not observe its jobs (the scheduler did not answer); the poll backs off.
    case observationFailed(provider: String, reason: String, at: Date)
    case timerFired(RouterTimer, at: Date)
    /// The batch's state and journal could not be saved; its events and actions are held back.
    case saveFailed(reason: String, at: Date)
    /// A save succeeded again after failures; the held events and actions went out.
    case saveRecovered(at: Date)
    /// A replay asked for by `replay` has been queued to its client in full, up to journal seq `lastSeq`.
    case replayFinished(ClientID, lastSeq: Int, at: Date)
}

/// What a provider saw of one job in a poll.
package struct JobObservation: Sendable, Hashable {
    /// Scheduler state: `PENDING`, `RUNNING`, …; for the local provider `RUNNING` or `COMPLETED`.
    package var state: String
    /// True when the job no longer runs (gone from the queue, or every local worker exited).
    package var isFinished: Bool
    /// Slurm's reason (for PENDING) or the final state's reason.
    package var reason: String?
    /// Seconds left before the time limit, when known.
    package var timeLeftSeconds: Int?
    /// Nodes whose worker process is known to be gone while the job runs (the local provider checks each pid).
    package var endedNodes: [Int]

    package init(
        state: String, isFinished: Bool, reason: String? = nil, timeLeftSeconds: Int? = nil, endedNodes: [Int] = []
    ) {
        self.state = state
        self.isFinished = isFinished
        self.reason = reason
        self.timeLeftSeconds = timeLeftSeconds
        self.endedNodes = endedNodes
    }
}

/// A timer the core asked for; it comes back as `timerFired`.
package enum RouterTimer: Sendable, Hashable {
    /// A launch has waited too long for its workers.
    case launchTimeout(SwarmID)
    /// A graceful terminate has waited long enough; kill what is left.
    case terminateGrace(SwarmID)
    /// A finished job's last records have had time to arrive; close the swarm.
    case drainDeadline(SwarmID)
    /// Forget swarms that ended long ago.
    case retentionSweep
    /// Time to ask a provider about its live jobs.
    case providerPoll(String)
    /// Check that every running worker was heard from recently (its heartbeat).
    case livenessCheck
    /// A node's worker process was seen gone; if its `complete` has not arrived by now, it never will.
    case nodeGone(SwarmID, node: Int)
    /// Try again to save state that could not be saved.
    case saveRetry
    /// An approval has waited `approval_timeout_seconds` for a person; the timeout decision answers it.
    case approvalTimeout(approvalID: String)
    /// An ended swarm's automatic resume (`auto_resume`) has waited out its backoff.
    case autoResume(SwarmID)
}

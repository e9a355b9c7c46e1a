import CodeswarmProtocol
import Foundation

/// Something the runtime must do for the core, in order.
///
/// Persist-then-send: `send`, `broadcast` and every effect that acts on the world (`launch`, `relay`, `stopJob`,
/// `observeJobs`, `recoverLaunch`, `replay`) wait until the batch that produced them is durable — its journal
/// entries and progress appended, and its snapshot saved when it asked for `persist`. While saves fail they are
/// held back in order. Only `sendNow` and `broadcastNow` (which report nothing unsaved: rejections, notices about
/// the failure itself) go out at once, and timers and logs never wait.
package enum RouterEffect: Sendable, Equatable {
    /// Send an event to one client (a reply), once the batch is durable.
    case send(EventEnvelope, to: ClientID)
    /// Send an event to every client, once the batch is durable.
    case broadcast(EventEnvelope)
    /// Send an event to one client at once: it reflects no state that still has to be saved.
    case sendNow(EventEnvelope, to: ClientID)
    /// Send an event to every client at once (notices about saving itself).
    case broadcastNow(EventEnvelope)
    /// Append an event to the journal (durable before the batch's deliveries).
    case journal(EventEnvelope)
    /// Record outbox progress (a cursor and the worker's line number) with the batch's journal entries.
    case progress(OutboxProgress)
    /// Save the whole snapshot with this batch (the batch changed more than the journal and progress can restore).
    case persist
    /// Ask the provider to start a swarm (recorded durably first, so a crash can adopt or reap what it started).
    case launch(SwarmID, LaunchPlan)
    /// After a restart: find what an unfinished launch started, adopt it (`launchSubmitted`) or stop it
    /// (`launchFailed`).
    case recoverLaunch(SwarmID, LaunchPlan)
    /// Send a request to the mailbox relay of `site`.
    case relay(site: String, RelayRequest)
    /// Stop a job's workers: `.graceful` (SIGTERM, they drain and archive) or `.force` (kill, cancel, archive).
    case stopJob(JobID, provider: String, mode: StopMode)
    /// Ask a provider about its live jobs; the answer comes back as `jobsObserved` or `observationFailed`.
    case observeJobs(provider: String, jobs: [JobID])
    /// Stream the journaled events after `afterSeq` (of one swarm, or all) to a client, then report
    /// `replayFinished`.
    case replay(to: ClientID, afterSeq: Int, swarmID: SwarmID?)
    /// Forget a swarm's journaled events (it was dropped from the registry).
    case forgetJournal(SwarmID)
    /// Try again to save what could not be saved; the outcome comes back as `saveRecovered` or `saveFailed`.
    case retrySave
    case scheduleTimer(RouterTimer, at: Date)
    /// A line for the router's log.
    case log(LogLevel, String)
}

/// How far one node's outbox has been processed: saved with the journal so a restart neither loses nor repeats lines.
package struct OutboxProgress: Sendable, Hashable, Codable {
    /// `<site>/<file>`, the key of `RouterSnapshot.cursors`.
    package var cursorKey: String
    package var cursor: OutboxCursor
    package var swarmID: SwarmID
    package var nodeID: Int
    /// The node's highest worker line number processed (`NodeRecord.lastWorkerSeq`).
    package var workerSeq: Int

    package init(cursorKey: String, cursor: OutboxCursor, swarmID: SwarmID, nodeID: Int, workerSeq: Int) {
        self.cursorKey = cursorKey
        self.cursor = cursor
        self.swarmID = swarmID
        self.nodeID = nodeID
        self.workerSeq = workerSeq
    }

    enum CodingKeys: String, CodingKey {
        case cursor
        case cursorKey = "key"
        case swarmID = "swarm_id"
        case nodeID = "node_id"
        case workerSeq = "worker_seq"
    }
}

/// How hard to stop a job.
package enum StopMode: String, Sendable, Equatable {
    case graceful
    case force
}

/// Severity of a core log line.
package enum LogLevel: String, Sendable, Equatable {
    case debug, info, warning, error
}

/// What a provider needs to start a swarm.
package struct LaunchPlan: Sendable, Hashable {
    package var provider: String
    package var nodes: Int
    package var partition: String?
    package var time: String?
    package var account: String?
    package var qos: String?
    /// The job id decided before anything starts (the local provider's), so a crash mid-launch can find it.
    package var jobID: JobID?
    /// Names the launch in the provider's world (the Slurm job's comment), for the same reason.
    package var token: String
    /// The job whose agent folders the nodes work in (the swarm's first job, for a resume); nil for a launch.
    package var workspaceJobID: JobID?
    /// For a resume: the last job whose workers ran; each new worker first carries over the lines of that job's
    /// inbox its worker never started.
    package var carryInboxFrom: JobID?
    /// The launch's own sbatch options (`--gres=gpu:1`), checked when the command was accepted; the provider adds
    /// them after the config's `slurm.extra_sbatch` (`SbatchOption.merged`).
    package var sbatch: [String]

    package init(
        provider: String, nodes: Int, partition: String?, time: String?, account: String?, qos: String?,
        jobID: JobID? = nil, token: String = "", workspaceJobID: JobID? = nil, carryInboxFrom: JobID? = nil,
        sbatch: [String] = []
    ) {
        self.provider = provider
        self.nodes = nodes
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
        self.jobID = jobID
        self.token = token
        self.workspaceJobID = workspaceJobID
        self.carryInboxFrom = carryInboxFrom
        self.sbatch = sbatch
    }
}

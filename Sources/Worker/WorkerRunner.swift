import CodeswarmIO
import CodeswarmProtocol
import Foundation
import WorkerCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one node's worker: prepares the mailbox and agent folder, then drives the agent until `complete`.
package enum WorkerRunner {
    /// Where workers before round 2 kept the inbox offset: in the agent folder, in sight of the agent. Moved on start.
    package static let legacyInboxOffsetFileName = ".codeswarm-inbox-offset.json"

    /// Runs the worker for node `nodeID` of job `jobID` and returns the process exit code.
    ///
    /// Creates `<base>/mailbox/{inbox,outbox,archive}` and `<base>/runs/<job>/agent_<NN>` (0700), changes the
    /// process's working directory to the agent folder (which holds nothing of the worker's: its inbox offset is
    /// `<base>/runs/<job>/worker_<NN>.inbox-offset.json`), writes `start`, runs the agent, and returns after
    /// `complete` was written and the outbox archived: 0 after SIGTERM/SIGINT, 1 when the agent kept exiting.
    /// Throws, before anything is written, when the ids, settings or folders are unusable.
    package static func run(settings: WorkerSettings, jobID: JobID, nodeID: Int) async throws -> Int32 {
        guard jobID.isSafePathComponent else {
            throw WorkerRuntimeError("job id \"\(jobID)\" is not usable in a file name (letters, digits, _ - . only)")
        }
        guard nodeID >= 0 else { throw WorkerRuntimeError("node id \(nodeID) is negative") }
        guard !settings.agentCommand.isEmpty else { throw WorkerRuntimeError("agent_command is empty") }
        let base = settings.base
        // A resumed swarm works in its first job's folders, so its agents find their files where they left them.
        let workspaceJob = settings.workspaceJobID.map(JobID.init(rawValue:)) ?? jobID
        guard workspaceJob.isSafePathComponent else {
            throw WorkerRuntimeError("workspace_job_id \"\(workspaceJob)\" is not usable in a file name")
        }
        let agentDirectory = MailboxLayout.agentDirectory(base: base, jobID: workspaceJob, nodeID: nodeID)
        // This job's own run folder keeps the worker's bookkeeping (the inbox offset belongs to this job's inbox).
        let runDirectory = "\(base)/runs/\(jobID.rawValue)"
        var folder: SwarmNodeFolder?
        if let swarm = settings.swarmID {
            let swarmID = SwarmID(rawValue: swarm)
            guard swarmID.isSafePathComponent else {
                throw WorkerRuntimeError("swarm_id \"\(swarm)\" is not usable in a file name")
            }
            folder = SwarmNodeFolder(base: base, swarmID: swarmID, nodeID: nodeID)
        }
        var configuration: AgentSessionConfiguration
        do {
            configuration = try AgentSessionConfiguration(
                settings: settings, jobID: jobID, nodeID: nodeID, workingDirectory: agentDirectory)
        } catch {
            throw WorkerRuntimeError("invalid worker settings: \(error)")
        }
        for box in MailboxLayout.Box.allCases {
            try AtomicFile.makePrivateDirectory("\(base)/mailbox/\(box.rawValue)")
        }
        try AtomicFile.makePrivateDirectory(agentDirectory)
        try AtomicFile.makePrivateDirectory(runDirectory)
        var agentSettings = settings
        if let folder {
            try AtomicFile.makePrivateDirectory(folder.path)
            let recorded = folder.recordedThread()
            configuration.resumeThreadID = recorded?.threadID
            if recorded == nil, settings.workspaceJobID != nil {
                configuration.missingThreadReason =
                    "no thread was recorded for node \(nodeID) in the swarm's earlier jobs"
            }
            if let home = try folder.codexHome(
                mode: settings.codexHome, agentEnvironment: settings.agentEnvironment,
                environment: ProcessInfo.processInfo.environment)
            {
                agentSettings.agentEnvironment["CODEX_HOME"] = home
            }
        } else if let shared = settings.codexHome, shared.hasPrefix("/") {
            try AtomicFile.makePrivateDirectory(shared)
            agentSettings.agentEnvironment["CODEX_HOME"] = shared
        }
        guard chdir(agentDirectory) == 0 else {
            throw WorkerRuntimeError("cannot change to \(agentDirectory): \(String(cString: strerror(errno)))")
        }
        // Writing to the agent after it died must fail with EPIPE, not kill the worker.
        signal(SIGPIPE, SIG_IGN)

        let outbox = try OutboxWriter(
            path: MailboxLayout.path(base: base, box: .outbox, jobID: jobID, nodeID: nodeID),
            archivePath: MailboxLayout.path(base: base, box: .archive, jobID: jobID, nodeID: nodeID))
        let offsetPath = MailboxLayout.inboxOffsetPath(base: base, jobID: jobID, nodeID: nodeID)
        // An older worker kept it in this job's own agent folder (it never ran a resumed swarm in another's).
        let legacyFolder = MailboxLayout.agentDirectory(base: base, jobID: jobID, nodeID: nodeID)
        try InboxReader.migrate(from: "\(legacyFolder)/\(legacyInboxOffsetFileName)", to: offsetPath)
        if let previous = settings.carryInboxFromJobID {
            // Before the router sends anything new (it waits for this node's thread): the old job's unstarted
            // prompts go first.
            let carried = try InboxCarryOver.carry(base: base, from: JobID(previous), to: jobID, nodeID: nodeID)
            if carried > 0 { WorkerLog.info("carried \(carried) unstarted prompt(s) over from job \(previous)") }
        }
        let inbox = InboxReader(
            path: MailboxLayout.path(base: base, box: .inbox, jobID: jobID, nodeID: nodeID), statePath: offsetPath)
        let restartCount = getenv("SLURM_RESTART_COUNT").flatMap { Int(String(cString: $0)) }
        var loop = WorkerLoop(
            session: AgentSession(configuration: configuration), outbox: outbox, inbox: inbox,
            settings: agentSettings, workingDirectory: agentDirectory, hostname: hostname(), swarmFolder: folder,
            restartCount: restartCount)
        return await loop.run()
    }

    /// `SLURMD_NODENAME` when Slurm set it, else the kernel's host name (no DNS lookup).
    static func hostname() -> String {
        if let name = getenv("SLURMD_NODENAME").map({ String(cString: $0) }), !name.isEmpty { return name }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

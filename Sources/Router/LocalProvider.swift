import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import RouterCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a swarm's workers as processes on this machine, with the same mailbox and relay as on a cluster.
///
/// Workers run in their own sessions and outlive the router on purpose: a router restart re-adopts them from
/// `runs/<job>/job.json` (pids plus start times, so a reused pid is never mistaken for a worker).
final class LocalProvider: Provider {
    let name = "local"
    let base: String
    let executable: String
    let settingsTemplate: WorkerSettings
    /// The mailbox polling options the relay is started with.
    let relayArguments: [String]
    let logger: Logger
    private let jobs = Mutex<[JobID: [ProcessInspector.Identity]]>([:])

    init(
        base: String, executable: String, settingsTemplate: WorkerSettings, relayArguments: [String] = [],
        logger: Logger
    ) {
        self.base = base
        self.executable = executable
        self.settingsTemplate = settingsTemplate
        self.relayArguments = relayArguments
        self.logger = logger
    }

    /// The relay for the local mailbox: a plain child process.
    var relayCommand: [String] { [executable, "relay", "--base", base] + relayArguments }

    func launch(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        var random = SystemRandomNumberGenerator()
        // The core chose the job id and saved it before asking; the random one is for callers that did not.
        let jobID =
            plan.jobID ?? JobID("local_" + String(format: "%08x", UInt32.random(in: 0...UInt32.max, using: &random)))
        let jobDirectory = "\(base)/runs/\(jobID.rawValue)"
        do {
            guard jobID.isSafePathComponent else {
                throw LaunchError(description: "job id \(jobID) is not a file name")
            }
            try AtomicFile.makePrivateDirectory(jobDirectory)
            for box in MailboxLayout.Box.allCases {
                try AtomicFile.makePrivateDirectory("\(base)/mailbox/\(box.rawValue)")
            }
            let settingsPath = "\(jobDirectory)/worker.json"
            var settings = settingsTemplate
            settings.swarmID = swarmID.rawValue
            settings.workspaceJobID = plan.workspaceJobID?.rawValue
            settings.carryInboxFromJobID = plan.carryInboxFrom?.rawValue
            try AtomicFile.write(try WireCoding.encode(settings), to: settingsPath)
            var identities: [ProcessInspector.Identity] = []
            for node in 0..<plan.nodes {
                let logPath = "\(jobDirectory)/worker_\(node < 10 ? "0" : "")\(node).log"
                let process = try ChildProcess.spawn(
                    executable: executable, arguments: Self.workerArguments(settingsPath, jobID: jobID, node: node),
                    workingDirectory: jobDirectory, stdin: .null, stdout: .file(path: logPath, append: true),
                    stderr: .file(path: logPath, append: true), newSession: true)
                process.reapInBackground()
                identities.append(
                    ProcessInspector.identity(of: process.pid)
                        ?? ProcessInspector.Identity(pid: process.pid, startTicks: 0))
                // Recorded after every spawn, so a router killed in the middle leaves a record of what runs; without
                // fsync (a crash of the machine ends the workers too, and `reap` also finds them by command line),
                // since 256 fsyncs made a large launch take seconds. The complete record is made durable once.
                try AtomicFile.write(try WireCoding.encode(identities), to: "\(jobDirectory)/job.json", sync: false)
            }
            try AtomicFile.write(try WireCoding.encode(identities), to: "\(jobDirectory)/job.json")
            jobs.withLock { $0[jobID] = identities }
            // Only now: the poller must never see the job before its workers are recorded.
            report(.launchSubmitted(swarmID, jobID, at: Date()))
            report(
                .launchProgressed(
                    swarmID, stage: "running", message: "\(plan.nodes) local worker process(es) started",
                    slurmState: "RUNNING", reason: nil, at: Date()))
        } catch {
            let started = jobs.withLock { $0[jobID] } ?? []
            if !started.isEmpty || plan.jobID != nil { await reap(jobID: jobID) }
            report(.launchFailed(swarmID, reason: "could not start local workers: \(error)", at: Date()))
        }
    }

    func recover(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        guard let jobID = plan.jobID, jobID.isSafePathComponent else {
            report(
                .launchFailed(swarmID, reason: "the router restarted before this launch started anything", at: Date()))
            return
        }
        let running = workers(of: jobID)
        if running.count == plan.nodes, Set(running.keys) == Set(0..<plan.nodes) {
            // Every worker made it: adopt the job as if the launch had just reported it.
            let identities = (0..<plan.nodes).compactMap { running[$0] }
            try? AtomicFile.write(try WireCoding.encode(identities), to: "\(base)/runs/\(jobID.rawValue)/job.json")
            jobs.withLock { $0[jobID] = identities }
            logger.info("adopted a launch the previous router started", metadata: ["job": "\(jobID)"])
            report(.launchSubmitted(swarmID, jobID, at: Date()))
            return
        }
        await reap(jobID: jobID)
        report(
            .launchFailed(
                swarmID,
                reason:
                    "the router stopped while starting this swarm's workers; the \(running.count) of \(plan.nodes) that had started were stopped — launch again",
                at: Date()))
    }

    func observe(_ jobIDs: [JobID]) async throws -> [JobID: JobObservation] {
        var result: [JobID: JobObservation] = [:]
        for jobID in jobIDs {
            let identities = identities(of: jobID)
            var ended: [Int] = []
            for (node, identity) in identities.enumerated() {
                // Our own children must be reaped, or they linger as zombies while the router runs.
                ProcessInspector.reapIfChild(identity.pid)
                let alive =
                    identity.startTicks == 0
                    ? ProcessInspector.identity(of: identity.pid) != nil : ProcessInspector.isAlive(identity)
                if !alive { ended.append(node) }
            }
            let alive = identities.count - ended.count
            result[jobID] =
                alive > 0
                ? JobObservation(
                    state: "RUNNING", isFinished: false, reason: "\(alive)/\(identities.count) workers alive",
                    endedNodes: ended)
                : JobObservation(state: "COMPLETED", isFinished: true, reason: "no worker process left")
        }
        return result
    }

    func stop(_ jobID: JobID, mode: StopMode) async {
        let identities = identities(of: jobID)
        for identity in identities where ProcessInspector.isAlive(identity) || identity.startTicks == 0 {
            switch mode {
            case .graceful:
                kill(identity.pid, SIGTERM)
            case .force:
                // The worker leads its own process group: this also kills its agent.
                kill(-identity.pid, SIGKILL)
                kill(identity.pid, SIGKILL)
            }
        }
        if mode == .force {
            try? await Task.sleep(for: .milliseconds(200))
            for identity in identities { ProcessInspector.reapIfChild(identity.pid) }
            archiveLeftovers(jobID: jobID, nodeCount: identities.count)
        }
    }

    /// The worker command line; `recover` finds workers by it.
    static func workerArguments(_ settingsPath: String, jobID: JobID, node: Int) -> [String] {
        ["worker", "--settings", settingsPath, "--job-id", jobID.rawValue, "--node-id", String(node)]
    }

    /// Running workers of `jobID`, by node, found by their command line (whether or not `job.json` lists them).
    private func workers(of jobID: JobID) -> [Int: ProcessInspector.Identity] {
        var result: [Int: ProcessInspector.Identity] = [:]
        for (identity, argv) in ProcessInspector.processes(containing: ["worker", "--settings"]) {
            guard let job = argv.firstIndex(of: "--job-id"), job + 1 < argv.count, argv[job + 1] == jobID.rawValue,
                let nodeFlag = argv.firstIndex(of: "--node-id"), nodeFlag + 1 < argv.count,
                let node = Int(argv[nodeFlag + 1])
            else { continue }
            result[node] = identity
        }
        return result
    }

    /// Kills whatever runs of `jobID` (recorded or found) and archives its outboxes.
    private func reap(jobID: JobID) async {
        let recorded = identities(of: jobID)
        let found = workers(of: jobID)
        for identity in Set(recorded + found.values) where ProcessInspector.isAlive(identity) {
            kill(-identity.pid, SIGKILL)
            kill(identity.pid, SIGKILL)
        }
        try? await Task.sleep(for: .milliseconds(200))
        for identity in recorded + found.values { ProcessInspector.reapIfChild(identity.pid) }
        archiveLeftovers(jobID: jobID, nodeCount: max(recorded.count, (found.keys.max() ?? -1) + 1))
    }

    /// Why a launch could not start.
    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    /// Moves outbox files of killed workers to the archive (the relay follows them there by inode).
    private func archiveLeftovers(jobID: JobID, nodeCount: Int) {
        for node in 0..<nodeCount {
            let from = MailboxLayout.path(base: base, box: .outbox, jobID: jobID, nodeID: node)
            let to = MailboxLayout.path(base: base, box: .archive, jobID: jobID, nodeID: node)
            if access(from, F_OK) == 0 { rename(from, to) }
        }
    }

    private func identities(of jobID: JobID) -> [ProcessInspector.Identity] {
        if let known = jobs.withLock({ $0[jobID] }) { return known }
        let path = "\(base)/runs/\(jobID.rawValue)/job.json"
        guard jobID.isSafePathComponent, let bytes = try? AtomicFile.read(path),
            let identities = try? WireCoding.decode([ProcessInspector.Identity].self, from: bytes)
        else { return [] }
        jobs.withLock { $0[jobID] = identities }
        return identities
    }
}

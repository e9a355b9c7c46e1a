import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import RouterCore

/// Runs swarms as Slurm jobs: one `sbatch` per swarm, one worker per node, every command through the relay.
///
/// The relay runs on the login node (over one multiplexed SSH connection, or directly in login-node mode),
/// so sbatch, the batched squeue and scancel travel on the same session as the mailbox: no SSH process per
/// command, node or injection.
final class SlurmProvider: Provider {
    let name = "slurm"
    let layout: SlurmLayout
    let relay: RelaySession
    let settingsTemplate: WorkerSettings
    let environment: [String: String]
    /// The config's `slurm.extra_sbatch`, checked when the router started.
    let extraOptions: [SbatchOption]
    /// The config's `slurm.setup`, written into every job script before `srun`.
    let setupLines: [String]
    let logger: Logger

    init(
        layout: SlurmLayout, relay: RelaySession, settingsTemplate: WorkerSettings, environment: [String: String],
        extraOptions: [SbatchOption] = [], setupLines: [String] = [], logger: Logger
    ) {
        self.extraOptions = extraOptions
        self.setupLines = setupLines
        self.layout = layout
        self.relay = relay
        self.settingsTemplate = settingsTemplate
        self.environment = environment
        self.logger = logger
    }

    /// The relay command on the login node (before any SSH wrapping).
    static func relayCommand(layout: SlurmLayout, arguments: [String] = []) -> [String] {
        [layout.binary, "relay", "--base", layout.base] + arguments
    }

    func launch(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        do {
            let token = plan.token.isEmpty ? swarmID.rawValue : plan.token
            let script = try SlurmBatchScript(
                plan: plan, layout: layout, launchToken: token, extraOptions: extraOptions, setupLines: setupLines)
            report(
                .launchProgressed(
                    swarmID, stage: "submitting", message: "preparing the job script and submitting it with sbatch",
                    slurmState: nil, reason: nil, at: Date()))
            var settings = settingsTemplate
            settings.base = layout.base
            settings.swarmID = swarmID.rawValue
            settings.workspaceJobID = plan.workspaceJobID?.rawValue
            settings.carryInboxFromJobID = plan.carryInboxFrom?.rawValue
            let directory = try layout.launchDirectory(token: token)
            try await check(
                relay.run(["mkdir", "-p", "-m", "700", directory, layout.logsDirectory, "\(layout.base)/runs"]))
            try await check(
                relay.run(["cp", "/dev/stdin", script.settingsPath], input: try WireCoding.encodeString(settings)))
            let submitted = try await check(
                relay.run(
                    try SlurmCommandLine.withEnvironment(environment, SlurmCommandLine.submit()), input: script.text))
            guard let jobID = SlurmOutputParser.submittedJobID(submitted.standardOutput) else {
                throw RelaySession.Unavailable(description: "sbatch printed no job id: \(submitted.standardOutput)")
            }
            report(.launchSubmitted(swarmID, jobID, at: Date()))
        } catch {
            report(.launchFailed(swarmID, reason: "\(error)", at: Date()))
        }
    }

    func recover(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        do {
            let result = try await check(
                relay.run(try SlurmCommandLine.withEnvironment(environment, SlurmCommandLine.findLaunches())))
            if let jobID = SlurmOutputParser.launchJob(result.standardOutput, token: plan.token) {
                logger.info("adopted a job the previous router submitted", metadata: ["job": "\(jobID)"])
                report(.launchSubmitted(swarmID, jobID, at: Date()))
            } else {
                report(
                    .launchFailed(
                        swarmID, reason: "the router restarted before the job was submitted; launch again",
                        at: Date()))
            }
        } catch {
            report(
                .launchFailed(
                    swarmID, reason: "the router restarted mid-launch and could not ask Slurm about it: \(error)",
                    at: Date()))
        }
    }

    func observe(_ jobs: [JobID]) async throws -> [JobID: JobObservation] {
        let asked = jobs.filter(\.isSlurmJobID)
        guard !asked.isEmpty else { return [:] }
        let result = try await relay.run(
            try SlurmCommandLine.withEnvironment(environment, SlurmCommandLine.queue(jobs: asked)))
        guard result.exitCode == 0 || SlurmOutputParser.isUnknownJobError(result.standardError) else {
            // A failed poll says nothing about which jobs are gone; the core backs off and asks again.
            throw RelaySession.Unavailable(description: "squeue failed: \(result.standardError)")
        }
        let queue = result.exitCode == 0 ? SlurmOutputParser.queue(result.standardOutput) : [:]
        var finals: [JobID: SlurmFinalState] = [:]
        for job in SlurmPoll.missing(asked: asked, queue: queue) {
            let shown = try await relay.run(
                try SlurmCommandLine.withEnvironment(environment, SlurmCommandLine.showJob(job)))
            finals.merge(SlurmOutputParser.showJob(shown.standardOutput)) { _, new in new }
        }
        return SlurmPoll.observations(asked: asked, queue: queue, finalStates: finals)
    }

    func stop(_ jobID: JobID, mode: StopMode) async {
        do {
            let argv =
                mode == .graceful ? try SlurmCommandLine.signalWorkers(jobID) : try SlurmCommandLine.cancel(jobID)
            let result = try await relay.run(try SlurmCommandLine.withEnvironment(environment, argv))
            if result.exitCode != 0 {
                logger.warning("scancel failed", metadata: ["job": "\(jobID)", "stderr": "\(result.standardError)"])
            }
        } catch {
            logger.warning("scancel could not run", metadata: ["job": "\(jobID)", "error": "\(error)"])
        }
    }

    @discardableResult
    private func check(_ result: RelaySession.CommandResult) throws -> RelaySession.CommandResult {
        guard result.exitCode == 0 else {
            throw RelaySession.Unavailable(
                description: result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }
}

import ArgumentParser
import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Worker

/// `codeswarm worker`: runs one node's worker; the router (or the Slurm batch script) starts it.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Drive one node's agent over stdio (started by the router; not for daily use).",
        discussion: """
            The router starts one worker per node, locally or through srun on a Slurm allocation. The worker reads \
            prompts from <base>/mailbox/inbox/<job>_<NN>.jsonl, drives the agent command from the settings file \
            (codex app-server or the demo agent) in <base>/runs/<job>/agent_<NN>, and writes everything the agent \
            says to <base>/mailbox/outbox/<job>_<NN>.jsonl. On SIGTERM it interrupts the running turn, waits for \
            it, writes a `complete` line and moves the outbox to <base>/mailbox/archive/.

            Exit status: 0 after SIGTERM/SIGINT, 1 when the agent kept exiting (restart limit) or the worker \
            could not start.
            """)

    @Option(
        name: .long, help: ArgumentHelp("The worker settings (worker.json written by the router).", valueName: "file"))
    var settings: String

    @Option(
        name: .customLong("job-id"),
        help: ArgumentHelp("The job id; default $CODESWARM_JOB_ID, then $SLURM_JOB_ID.", valueName: "id"))
    var jobID: String?

    @Option(
        name: .customLong("node-id"),
        help: ArgumentHelp("The node index; default $CODESWARM_NODE_ID, then $SLURM_PROCID.", valueName: "n"))
    var nodeID: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let job = Self.firstNonEmpty(jobID, environment["CODESWARM_JOB_ID"], environment["SLURM_JOB_ID"]) else {
            throw ValidationError("No job id: pass --job-id or set CODESWARM_JOB_ID (Slurm sets SLURM_JOB_ID).")
        }
        let node: Int
        if let nodeID {
            node = nodeID
        } else if let text = Self.firstNonEmpty(environment["CODESWARM_NODE_ID"], environment["SLURM_PROCID"]) {
            guard let parsed = Int(text), parsed >= 0 else {
                throw ValidationError("The node id \"\(text)\" from the environment is not a non-negative integer.")
            }
            node = parsed
        } else {
            throw ValidationError("No node id: pass --node-id or set CODESWARM_NODE_ID (srun sets SLURM_PROCID).")
        }
        let workerSettings: WorkerSettings
        do {
            guard let bytes = try AtomicFile.read(settings) else {
                throw ValidationError("The settings file \(settings) does not exist.")
            }
            workerSettings = try WireCoding.decode(WorkerSettings.self, from: bytes)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("Cannot read the settings file \(settings): \(error)")
        }
        let code: Int32
        do {
            code = try await WorkerRunner.run(settings: workerSettings, jobID: JobID(job), nodeID: node)
        } catch {
            FileHandle.standardError.write(Data("codeswarm worker: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if code != 0 { throw ExitCode(code) }
    }

    private static func firstNonEmpty(_ values: String?...) -> String? {
        values.lazy.compactMap { $0 }.first { !$0.isEmpty }
    }
}

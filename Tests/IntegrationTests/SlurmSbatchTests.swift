import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// Issue 10's launch options on the real cluster: a launch's sbatch options reach the job as Slurm records it, and
/// the config's `slurm.setup` lines run in the batch script before the workers, whose environment they shape.
extension SlurmEndToEndTests {
    @Test("--job-name and --mem reach the real job (scontrol), and slurm.setup ran before the workers, as the user")
    func sbatchOptionsAndSetup() async throws {
        try SlurmTest.cancelAll()
        // Named cs-test-x, so cancelAll (which cancels --name=codeswarm) would not find a leftover of this test.
        _ = try SlurmTest.slurm("scancel", ["--name=cs-test-x"])
        defer { _ = try? SlurmTest.slurm("scancel", ["--name=cs-test-x"]) }
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try SlurmTest.config(mode: .loginNode).utf8)) as? [String: Any])
        var slurm = try #require(object["slurm"] as? [String: Any])
        slurm["setup"] = [
            #"echo "codeswarm-setup-ran job=$SLURM_JOB_ID user=$(id -un)""#, "export CS_SETUP_PROBE=set-by-setup",
        ]
        object["slurm"] = slurm
        let config = String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let workspace = try #require(SlurmTest.workspace(ofConfig: config))
        let router = try RouterProcess(config: config)
        defer { router.killLeftovers() }
        let client = try router.plainClient()

        // The CLI's own flags, as a person types them.
        let launch = try await CommandRunner.run(
            CodeswarmBinary.path,
            ["launch", "-N", "2", "-J", "cs-test-x", "--mem", "100M", "--json", "--config", router.configPath ?? ""],
            environment: router.clientEnvironment, timeout: .seconds(180))
        try #require(launch.status == .exited(0), "\(launch.standardError)")
        let launched = try #require(
            try JSONSerialization.jsonObject(with: Data(launch.standardOutput.utf8)) as? [String: Any],
            "\(launch.standardOutput)")
        let swarm = launched["swarm_id"] as? String ?? ""
        let job = launched["job_id"] as? String ?? ""

        let shown = try SlurmTest.slurm("scontrol", ["--oneliner", "show", "job", job])
        #expect(shown.contains("JobName=cs-test-x "), "\(shown)")
        #expect(shown.contains("MinMemoryNode=100M"), "\(shown)")

        // What the setup exported reached each worker through srun.
        let workers = SlurmTest.workerProcesses(job: job)
        // (The scan also finds the batch step's srun, whose command line names the worker too.)
        #expect(workers.count >= 2, "workers of job \(job): \(workers)")
        for pid in workers {
            let environ = String(
                decoding: FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data(), as: UTF8.self)
            #expect(environ.contains("CS_SETUP_PROBE=set-by-setup\u{0}"), "worker \(pid) lacks the setup's export")
        }
        // And it ran as the user, in the job's batch shell (its output is the job's .out file).
        let output = "\(workspace)/cs/logs/codeswarm_\(job).out"
        let log = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        let user = try runProcess("/usr/bin/id", ["-un"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(log.contains("codeswarm-setup-ran job=\(job) user=\(user)"), "\(output): \(log)")

        _ = try client.command("swarm_terminate", payload: ["swarm_id": swarm])
        _ = try client.waitFor(timeout: 60, "swarm_terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == swarm
        }
    }
}

import Foundation
import TestSupport
import Testing

/// How the router reaches the test cluster in a Slurm test.
enum ClusterMode: String, CaseIterable, CustomTestStringConvertible {
    /// Through the loopback sshd, with a ControlMaster connection.
    case ssh
    /// The router runs "on the login node": Slurm commands and the relay run directly, no SSH.
    case loginNode

    var testDescription: String { rawValue }
}

/// Configs and checks for tests against the real 4-node Slurm cluster.
enum SlurmTest {
    /// For suites gated by `.enabled(if:)` (they run when the cluster is here or required): fails the calling test
    /// when a component is missing, then cancels leftover jobs.
    static func requireCluster(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(
            TestCluster.missingComponent == nil, "missing \(TestCluster.missingComponent ?? "")",
            sourceLocation: sourceLocation)
        try cancelAll()
    }

    /// A Slurm config for `mode` with a fresh workspace; the demo agent gets `agentFlags`.
    static func config(mode: ClusterMode, agentFlags: [String] = [], time: String = "00:10:00") throws -> String {
        let workspace = try TemporaryDirectory.make(prefix: "codeswarm-ws")
        var object: [String: Any] = [
            "provider": "slurm",
            "cluster": [
                "workspace_root": workspace, "cluster_subdir": "cs", "worker_binary": TestCluster.staticBinary ?? "",
            ],
            "slurm": [
                "default_partition": "debug", "default_time": time, "poll_interval_seconds": 1,
                "minimum_poll_interval_seconds": 1, "environment": ["SLURM_CONF": TestCluster.slurmConf ?? ""],
            ],
            "router": ["graceful_terminate_seconds": 15, "launch_timeout_seconds": 120],
            "agent": ["command": ["codeswarm", "demo-agent"] + agentFlags],
        ]
        if mode == .ssh {
            object["ssh"] = ["login_alias": "codeswarm-login", "config_file": TestCluster.sshConfig ?? ""]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The workspace root a config from `config(mode:)` names.
    static func workspace(ofConfig text: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        return (object?["cluster"] as? [String: Any])?["workspace_root"] as? String
    }

    /// `squeue` output for one job (empty when Slurm no longer lists it as active).
    static func activeState(job: String) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = TestCluster.slurmConf
        return try runProcess(
            "/usr/bin/squeue", ["-h", "-j", job, "-t", "PENDING,RUNNING,COMPLETING", "-o", "%T"],
            environment: environment
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Cancels every codeswarm job a previous test left behind and waits until the cluster is free, so each
    /// test starts on idle nodes (the tests share one cluster and run one at a time).
    static func cancelAll() throws {
        _ = try slurm("scancel", ["--name=codeswarm"])
        for _ in 0..<100 {
            if try slurm("squeue", ["-h", "--name=codeswarm", "-t", "PENDING,RUNNING,COMPLETING"]).isEmpty { return }
            usleep(100_000)
        }
    }

    /// Runs a Slurm client command against the test cluster.
    static func slurm(_ command: String, _ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = TestCluster.slurmConf
        return try runProcess("/usr/bin/\(command)", arguments, environment: environment)
    }

    /// Processes of a job's workers on this machine (the "compute nodes" are local slurmd daemons).
    static func workerProcesses(job: String) -> [Int32] {
        ProcessScan.pids { $0.contains(" worker ") && $0.contains("codeswarm") }.filter { pid in
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            return String(decoding: environ, as: UTF8.self).contains("SLURM_JOB_ID=\(job)\u{0}")
        }
    }
}

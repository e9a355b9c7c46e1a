import Foundation

/// The real test cluster started by `scripts/ci-setup.sh`: Slurm's config, the loopback sshd, the static binary.
package enum TestCluster {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var root: String { environment["CODESWARM_TEST_ROOT"] ?? "/tmp/codeswarm-test" }

    /// `SLURM_CONF` of the test cluster, from the environment or the file the start script writes.
    package static var slurmConf: String? {
        if let value = environment["SLURM_CONF"], FileManager.default.fileExists(atPath: value) { return value }
        let path = "\(root)/slurm/slurm.conf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The ssh client config defining the `codeswarm-login` alias.
    package static var sshConfig: String? {
        let path = environment["CODESWARM_TEST_SSH_CONFIG"] ?? "\(root)/ssh/ssh_config"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The fully static `codeswarm` built by `scripts/build-static.sh`.
    package static var staticBinary: String? {
        if let value = environment["CODESWARM_STATIC_BIN"], FileManager.default.isExecutableFile(atPath: value) {
            return value
        }
        var directory = URL(fileURLWithPath: CodeswarmBinary.path).deletingLastPathComponent()
        for _ in 0..<5 {
            for configuration in ["debug", "release"] {
                let candidate = directory.appendingPathComponent(".build-static/\(configuration)/codeswarm").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The repository's `scripts/` folder (for stopping and starting sshd in tests).
    package static var scriptsDirectory: String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("scripts/ssh").path) {
                return directory.appendingPathComponent("scripts").path
            }
            directory = directory.deletingLastPathComponent()
        }
        return "scripts"
    }

    /// Nil when everything is there, else what is missing. In CI (or with CODESWARM_REQUIRE_CLUSTER=1) a
    /// missing part is a failure, never a skip.
    package static var missingComponent: String? {
        if slurmConf == nil { return "the Slurm test cluster (run scripts/ci-setup.sh)" }
        if sshConfig == nil { return "the loopback sshd (run scripts/ci-setup.sh)" }
        if staticBinary == nil { return "the static binary (run scripts/build-static.sh)" }
        return nil
    }

    /// True when missing components must fail tests.
    package static var isRequired: Bool {
        CodeswarmBinary.isCI || environment["CODESWARM_REQUIRE_CLUSTER"] == "1"
    }
}

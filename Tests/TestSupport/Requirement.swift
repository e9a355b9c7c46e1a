import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Something an integration test needs from the machine: the built binary, the Slurm cluster, tmux, root.
///
/// Used through the `.requires(…)` trait: on a developer machine that lacks it the test is skipped with the
/// reason shown; in CI (`CI=true` or `CODESWARM_REQUIRE_CLUSTER=1`) it fails instead, naming what is missing. A
/// test never returns early and passes silently.
package struct Requirement: Sendable {
    /// Nil when present, else what is missing and how to get it.
    package var missing: @Sendable () -> String?

    package init(missing: @escaping @Sendable () -> String?) {
        self.missing = missing
    }

    /// True when missing parts must fail tests rather than skip them.
    package static var isEnforced: Bool { TestCluster.isRequired }

    /// The `codeswarm` executable built by `swift build`.
    package static let codeswarmBinary = Requirement {
        CodeswarmBinary.isBuilt
            ? nil : "the codeswarm binary at \(CodeswarmBinary.path) (run `swift build` before `swift test`)"
    }

    /// The real 4-node Slurm cluster, the loopback sshd and the static binary (`scripts/ci-setup.sh`).
    package static let slurmCluster = Requirement {
        codeswarmBinary.missing() ?? TestCluster.missingComponent
    }

    /// Root, to create a second Unix user and run programs as it (`useradd`, `userdel`, `setpriv`, system python3).
    package static let secondUser = Requirement {
        if getuid() != 0 { return "root (the suite creates a throwaway Unix user)" }
        for tool in ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/bin/setpriv", "/usr/bin/python3"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) (Debian: passwd, util-linux, python3)"
        }
        return nil
    }
}

/// The trait behind `.requires(…)`: runs the test when everything is there, skips it visibly otherwise, and
/// fails it in CI.
package struct RequirementTrait: TestTrait, SuiteTrait, TestScoping {
    package var requirements: [Requirement]

    package var isRecursive: Bool { true }

    package func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let missing = requirements.compactMap { $0.missing() }
        guard missing.isEmpty else {
            let what = "missing \(missing.joined(separator: "; "))"
            if Requirement.isEnforced {
                Issue.record("\(what) (CI=true or CODESWARM_REQUIRE_CLUSTER=1: a missing part fails the test)")
                return
            }
            try Test.cancel("skipped: \(what)")
        }
        try await function()
    }
}

extension Trait where Self == RequirementTrait {
    /// Skips the test (visibly) when one of `requirements` is missing on a developer machine; fails it in CI.
    package static func requires(_ requirements: Requirement...) -> Self {
        RequirementTrait(requirements: requirements)
    }
}

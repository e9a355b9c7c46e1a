import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import RouterCore
import Synchronization

/// Puts the static `codeswarm` binary at `<base>/bin/codeswarm`, only when its content changed.
///
/// A marker file next to it records the fingerprint (size and modification time, rsync's quick check) of what
/// was deployed, so a restart costs one small read, not a 100 MB copy.
final class SlurmDeployer: Sendable {
    let source: String
    let layout: SlurmLayout
    let shell: ClusterShell
    let logger: Logger
    private let deployed = Mutex<String?>(nil)

    init(source: String, layout: SlurmLayout, shell: ClusterShell, logger: Logger) {
        self.source = source
        self.layout = layout
        self.shell = shell
        self.logger = logger
    }

    /// Why deployment is impossible.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Deploys when needed; throws with a reason that says what to fix.
    func ensure() async throws {
        switch ExecutableInspector.linkage(ofFileAt: source) {
        case .fullyStatic:
            break
        case .dynamic(let interpreter):
            throw Refusal(
                description:
                    "\(source) is dynamically linked (needs \(interpreter)); compute nodes may not have its libraries. Build a static binary with `scripts/build-static.sh` and set cluster.worker_binary (or $CODESWARM_WORKER_BINARY)"
            )
        case .notELF:
            throw Refusal(description: "\(source) is not a readable x86_64 ELF executable; set cluster.worker_binary")
        }
        guard let digest = ExecutableInspector.fingerprint(ofFileAt: source) else {
            throw Refusal(description: "cannot read \(source)")
        }
        if deployed.withLock({ $0 }) == digest { return }
        let marker = "\(layout.base)/bin/codeswarm.digest"
        let remote = (try? await shell.run(["cat", marker], timeout: .seconds(30)))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        if remote == digest {
            deployed.withLock { $0 = digest }
            return
        }
        logger.info("deploying codeswarm", metadata: ["source": "\(source)", "target": "\(layout.binary)"])
        guard let bytes = try AtomicFile.read(source) else { throw Refusal(description: "cannot read \(source)") }
        let temporary = "\(layout.binary).upload.\(getpid())"
        try await shell.run(["mkdir", "-p", "-m", "700", "\(layout.base)/bin", layout.logsDirectory])
        try await shell.run(["cp", "/dev/stdin", temporary], input: bytes, timeout: .seconds(600))
        try await shell.run(["chmod", "755", temporary])
        try await shell.run(["mv", "-f", temporary, layout.binary])
        try await shell.run(["cp", "/dev/stdin", marker], input: Array(digest.utf8))
        deployed.withLock { $0 = digest }
    }
}

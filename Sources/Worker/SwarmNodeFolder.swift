import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A node's folder that outlives its jobs, `<base>/swarms/<swarm>/node_<NN>`: the thread its agent had
/// (`thread.json`, read by the node's next worker to resume it) and, by default, the agent's `CODEX_HOME`.
struct SwarmNodeFolder {
    /// `thread.json`: the node's agent thread, written as soon as it is open.
    struct ThreadRecord: Codable, Equatable {
        var threadID: String
        var rolloutPath: String?
        /// The job whose worker recorded it.
        var jobID: String
        var updatedAt: String

        enum CodingKeys: String, CodingKey {
            case threadID = "thread_id"
            case rolloutPath = "rollout_path"
            case jobID = "job_id"
            case updatedAt = "updated_at"
        }
    }

    /// What a per-node `CODEX_HOME` takes from the login's: configuration and credentials, never history or
    /// state (each node keeps its own threads and databases, so 100 nodes never write one SQLite file).
    static let linkedCodexEntries = ["config.toml", "auth.json", "AGENTS.md", "AGENTS.override.md", "prompts", "rules"]

    let path: String

    init(base: String, swarmID: SwarmID, nodeID: Int) {
        path = MailboxLayout.swarmNodeDirectory(base: base, swarmID: swarmID, nodeID: nodeID)
    }

    var threadRecordPath: String { "\(path)/thread.json" }

    /// The thread recorded by an earlier worker of this node, if any (an unreadable record counts as none).
    func recordedThread() -> ThreadRecord? {
        guard let bytes = try? AtomicFile.read(threadRecordPath) else { return nil }
        return try? WireCoding.decode(ThreadRecord.self, from: bytes)
    }

    /// Records the node's thread (atomically).
    func record(threadID: String, rolloutPath: String?, jobID: JobID) throws {
        let record = ThreadRecord(
            threadID: threadID, rolloutPath: rolloutPath, jobID: jobID.rawValue,
            updatedAt: WireTimestamp.string(from: Date()))
        try AtomicFile.write(try WireCoding.encode(record), to: threadRecordPath)
    }

    /// The `CODEX_HOME` the agent gets for `mode` (`WorkerSettings.codexHome`), creating it when needed; nil
    /// leaves the agent's environment as it is.
    ///
    /// `per_node` (the default) is `<node folder>/codex-home`, with links to the configuration and credentials of
    /// the home the agent would otherwise use (the settings' `CODEX_HOME`, the worker's, else `~/.codex`), so a
    /// login and a model provider set up once serve every node while each node's history stays its own.
    func codexHome(mode: String?, agentEnvironment: [String: String], environment: [String: String]) throws -> String? {
        switch mode ?? "per_node" {
        case "inherit":
            return nil
        case "per_node":
            let home = "\(path)/codex-home"
            try AtomicFile.makePrivateDirectory(home)
            let source =
                agentEnvironment["CODEX_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["CODEX_HOME"]
                .flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { "\($0)/.codex" }
            if let source, source != home {
                for name in Self.linkedCodexEntries {
                    var status = stat()
                    // Only what exists in the source, and never over something the node already has.
                    guard lstat("\(source)/\(name)", &status) == 0, lstat("\(home)/\(name)", &status) != 0 else {
                        continue
                    }
                    symlink("\(source)/\(name)", "\(home)/\(name)")
                }
            }
            return home
        case let shared:
            // One home for every node (an absolute path, checked when the config was read).
            try AtomicFile.makePrivateDirectory(shared)
            return shared
        }
    }
}

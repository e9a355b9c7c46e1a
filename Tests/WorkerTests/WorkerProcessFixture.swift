import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real `codeswarm worker` process for one node, in a temporary base folder, with helpers to read its outbox.
final class WorkerProcessFixture: @unchecked Sendable {
    // Mutable state (`process`) is touched only by the owning test task, one call at a time.
    let base: String
    let settingsPath: String
    let jobID: JobID
    let nodeID: Int
    private(set) var process: ChildProcess?

    /// True when the binary exists; in CI a missing binary is a failure, elsewhere the test is skipped by its trait.
    static var canRun: Bool { CodeswarmBinary.isBuilt || CodeswarmBinary.isCI }

    /// Writes `worker.json` for `agent` (argv; `$BASE` in an argument becomes the base folder) and the given
    /// settings, without starting the worker.
    init(
        agent: [String], approvalDecision: String = "decline", stallTimeoutSeconds: Double = 60, restartLimit: Int = 3,
        drainSeconds: Double = 10, jobID: JobID = "local_test", nodeID: Int = 0, inotify: Bool? = nil,
        idlePollMilliseconds: Int? = nil
    ) throws {
        self.jobID = jobID
        self.nodeID = nodeID
        try #require(
            CodeswarmBinary.isBuilt, "codeswarm is not built at \(CodeswarmBinary.path); run swift build first")
        base = try TemporaryDirectory.make(prefix: "codeswarm-worker")
        settingsPath = "\(base)/worker.json"
        let base = self.base
        let settings = WorkerSettings(
            base: base, agentCommand: agent.map { $0.replacingOccurrences(of: "$BASE", with: base) },
            approvalPolicy: "on-request", approvalDecision: approvalDecision,
            stallTimeoutSeconds: stallTimeoutSeconds, restartLimit: restartLimit, inboxPollMilliseconds: 20,
            drainSeconds: drainSeconds, inboxIdlePollMilliseconds: idlePollMilliseconds, inotify: inotify)
        try Data(try WireCoding.encode(settings)).write(to: URL(fileURLWithPath: settingsPath))
    }

    var inboxPath: String { MailboxLayout.path(base: base, box: .inbox, jobID: jobID, nodeID: nodeID) }
    var outboxPath: String { MailboxLayout.path(base: base, box: .outbox, jobID: jobID, nodeID: nodeID) }
    var archivePath: String { MailboxLayout.path(base: base, box: .archive, jobID: jobID, nodeID: nodeID) }
    var agentDirectory: String { MailboxLayout.agentDirectory(base: base, jobID: jobID, nodeID: nodeID) }
    var inboxOffsetPath: String { MailboxLayout.inboxOffsetPath(base: base, jobID: jobID, nodeID: nodeID) }
    var logPath: String { "\(base)/worker.log" }

    /// Starts the worker in its own session as the router does (same command line), or with `identityEnvironment` instead of the
    /// `--job-id`/`--node-id` flags (as under srun).
    func start(identityEnvironment: [String: String]? = nil) throws {
        var arguments = ["worker", "--settings", settingsPath]
        var environment = ProcessInfo.processInfo.environment
        for name in ["CODESWARM_JOB_ID", "CODESWARM_NODE_ID", "SLURM_JOB_ID", "SLURM_PROCID"] {
            environment[name] = nil
        }
        if let identityEnvironment {
            environment.merge(identityEnvironment) { _, new in new }
        } else {
            arguments += ["--job-id", jobID.rawValue, "--node-id", String(nodeID)]
        }
        process = try ChildProcess.spawn(
            executable: CodeswarmBinary.path, arguments: arguments, environment: environment, stdin: .null,
            stdout: .file(path: logPath, append: true), stderr: .file(path: logPath, append: true), newSession: true)
    }

    /// Appends raw bytes to the inbox, as the relay would.
    func appendInbox(_ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(
            atPath: "\(base)/mailbox/inbox", withIntermediateDirectories: true)
        try AtomicFile.append(bytes, to: inboxPath)
    }

    /// Appends one `user` line for `content`.
    func inject(_ content: String, id: String) throws {
        try appendInbox(try WireCoding.encodeLine(InboxLine(userContent: content, injectionID: InjectionID(id))))
    }

    /// Every complete record written so far: the archived file first (an earlier worker), then the live outbox.
    func records() -> [OutboxRecord] {
        var result: [OutboxRecord] = []
        for path in [archivePath, outboxPath] {
            guard let bytes = try? AtomicFile.read(path) else { continue }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                if let record = try? WireCoding.decode(OutboxRecord.self, from: line) { result.append(record) }
            }
        }
        return result
    }

    /// Polls the outbox every 20 ms until `condition` holds; fails the test after `timeout`.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: ([OutboxRecord]) -> Bool
    ) async throws -> [OutboxRecord] {
        let deadline = ContinuousClock.now + timeout
        // The condition is looked at once more after the deadline: in a full parallel run blocking tests can keep
        // this task off the cooperative pool past its deadline while the worker (another process) went on.
        while true {
            let current = records()
            if condition(current) { return current }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        Issue.record("timed out waiting for \(what); worker log: \(log)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// Sends `signal` to the worker.
    func send(signal: Int32) {
        process?.send(signal: signal)
    }

    /// Waits for the worker to exit (at most `timeout`, then kills it and fails).
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> ChildProcess.ExitStatus {
        let child = try #require(process)
        let status = await withTaskGroup(of: ChildProcess.ExitStatus?.self) { group in
            group.addTask { await child.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var status: ChildProcess.ExitStatus?
            var timedOut = false
            while let result = await group.next() {
                if let result {
                    status = result
                    group.cancelAll()
                } else if status == nil, !Self.hasExited(child.pid) {
                    // Too slow: kill it so the wait returns, and fail below. (A worker that exited while this task
                    // waited for a thread is not too slow; its status is the next result.)
                    timedOut = true
                    child.send(signal: SIGKILL)
                }
            }
            return timedOut ? nil : status
        }
        process = nil
        return try #require(status, "the worker did not exit within \(timeout)")
    }

    /// True when `pid` has exited: a zombie not yet reaped, or already reaped by `wait()`'s thread.
    private static func hasExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.contains(") Z ")
    }

    deinit {
        // A failed test must not leave a worker behind; its agent exits when the worker's pipes close.
        if let process {
            process.send(signal: SIGKILL)
            var status: Int32 = 0
            waitpid(process.pid, &status, 0)
        }
        // Failures already quoted the worker's log; the folder holds up to a few MiB of prompts and outboxes.
        try? FileManager.default.removeItem(atPath: base)
    }
}

/// Queries over outbox records.
extension Array where Element == OutboxRecord {
    /// The `codex_rpc` records the agent sent with `method`.
    func agentMessages(_ method: String) -> [OutboxRecord] {
        filter { $0.type == .codexRPC && $0.direction == nil && $0.payload?["method"]?.stringValue == method }
    }

    /// The records the worker sent to the agent.
    var toAgent: [OutboxRecord] { filter { $0.direction == "to_agent" } }

    /// The `worker_error` records with `code`.
    func errors(_ code: String) -> [OutboxRecord] { filter { $0.type == .workerError && $0.code == code } }

    /// The final answer text of `injection` (its `item/completed` agentMessage).
    func answer(of injection: String) -> String? {
        agentMessages("item/completed").first {
            $0.injectionID?.rawValue == injection && $0.payload?["params"]?["item"]?["type"] == "agentMessage"
        }?.payload?["params"]?["item"]?["text"]?.stringValue
    }

    /// True when `injection`'s turn completed (with any status).
    func turnCompleted(_ injection: String) -> Bool {
        agentMessages("turn/completed").contains { $0.injectionID?.rawValue == injection }
    }

    /// The status `injection`'s turn completed with.
    func turnStatus(_ injection: String) -> String? {
        agentMessages("turn/completed").first { $0.injectionID?.rawValue == injection }?
            .payload?["params"]?["turn"]?["status"]?.stringValue
    }
}

/// The demo agent's digest of a prompt, computed independently of the demo agent's code.
enum PromptDigest {
    static func text(of prompt: [UInt8]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in prompt {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        let hex = String(hash, radix: 16)
        return "bytes=\(prompt.count) fnv1a64=\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}

import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The running agent: its process, its stdin writer, and the task that reads its output until it exits.
struct AgentProcess: Sendable {
    /// The largest agent stdout line accepted: codex puts whole command outputs and file diffs in one line.
    static let maximumLineLength = 64 * 1024 * 1024
    /// How long output may keep the pipes open after the agent exited (a background grandchild can hold them).
    static let pipeGrace: Duration = .seconds(2)

    let child: ChildProcess
    let input: AgentInputWriter
    private let standardOutput: Int32
    private let standardError: Int32

    /// Starts `command` (argv; a first element `codeswarm` means this same executable) in `workingDirectory`.
    ///
    /// The agent stays in the worker's process group: the router's forced stop kills the group (worker and
    /// agent together), while its graceful SIGTERM goes to the worker alone, which then drains the agent.
    ///
    /// The agent starts with SIGTERM and SIGINT blocked: Slurm's `scancel --signal=TERM` and its time-limit
    /// `--signal=TERM@60` signal every process of the job step, and codex exits at once on SIGTERM, before the
    /// worker's `turn/interrupt` could end the turn. Blocked, the signal reaches only the worker, which drains the
    /// agent and stops it by closing its stdin (then SIGHUP, then SIGKILL).
    static func spawn(command: [String], environment: [String: String], workingDirectory: String) throws
        -> AgentProcess
    {
        guard let first = command.first else { throw WorkerRuntimeError("the agent command is empty") }
        let executable = first == "codeswarm" ? PathSearch.currentExecutable : first
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, configured in configured }
        let child = try ChildProcess.spawn(
            executable: executable, arguments: Array(command.dropFirst()), environment: merged,
            workingDirectory: workingDirectory, stdin: .pipe, stdout: .pipe, stderr: .pipe,
            blockedSignals: [SIGTERM, SIGINT])
        guard let stdin = child.standardInput, let stdout = child.standardOutput, let stderr = child.standardError
        else {
            throw WorkerRuntimeError("the agent's pipes were not created")
        }
        return AgentProcess(
            child: child, input: AgentInputWriter(writer: stdin), standardOutput: stdout, standardError: stderr)
    }

    /// Streams the agent's stdout and stderr lines into `events`, then reports its exit after both ended.
    ///
    /// Real blocking reads on their own threads (`FileDescriptorReader`), never `select` plus a buffered reader,
    /// so the end of a turn is delivered when the agent writes it (the original held it back: reference §3.3).
    func supervise(events: AsyncStream<WorkerEvent>.Continuation) async {
        /// What one of the supervising tasks finished with.
        enum Outcome: Sendable {
            case streamEnded
            case exited(ChildProcess.ExitStatus)
            case graceOver
        }
        let stdout = FileDescriptorReader.lines(
            standardOutput, name: "agent stdout", maximumLineLength: Self.maximumLineLength)
        let stderr = FileDescriptorReader.lines(standardError, name: "agent stderr")
        let child = self.child
        let status = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                for await output in stdout { events.yield(.agentStdout(output)) }
                return .streamEnded
            }
            group.addTask {
                for await output in stderr { events.yield(.agentStderr(output)) }
                return .streamEnded
            }
            group.addTask { .exited(await child.wait()) }
            var openStreams = 2
            var status: ChildProcess.ExitStatus?
            while let outcome = await group.next() {
                switch outcome {
                case .streamEnded:
                    openStreams -= 1
                case .exited(let exitStatus):
                    status = exitStatus
                    if openStreams > 0 {
                        group.addTask {
                            try? await Task.sleep(for: Self.pipeGrace)
                            return .graceOver
                        }
                    }
                case .graceOver:
                    // Someone else holds the pipes open; stop waiting so the exit is reported.
                    group.cancelAll()
                }
                if openStreams == 0, status != nil { break }
            }
            group.cancelAll()
            return status ?? .exited(-1)
        }
        input.close()
        events.yield(.agentExited(status))
    }

    /// Sends `signal` to the agent.
    func send(signal: Int32) {
        child.send(signal: signal)
    }
}

/// How a job ended, read from `scontrol show job -o` or `sacct [--completion] -P -n -o JobID,State,ExitCode`.
public struct SlurmFinalState: Sendable, Hashable {
    public var state: SlurmJobState
    /// Slurm's reason (`NonZeroExitCode`, `TimeLimit`, …); nil for `None` or when the source has none (sacct).
    public var reason: String?
    /// `<exit status>:<signal>` as Slurm prints it (`0:0`, `143:0`), when known.
    public var exitCode: String?

    public init(state: SlurmJobState, reason: String? = nil, exitCode: String? = nil) {
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
    }
}

/// How a job ended, read from `scontrol show job -o` or `sacct [--completion] -P -n -o JobID,State,ExitCode`.
package struct SlurmFinalState: Sendable, Hashable {
    package var state: SlurmJobState
    /// Slurm's reason (`NonZeroExitCode`, `TimeLimit`, …); nil for `None` or when the source has none (sacct).
    package var reason: String?
    /// `<exit status>:<signal>` as Slurm prints it (`0:0`, `143:0`), when known.
    package var exitCode: String?

    package init(state: SlurmJobState, reason: String? = nil, exitCode: String? = nil) {
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
    }
}

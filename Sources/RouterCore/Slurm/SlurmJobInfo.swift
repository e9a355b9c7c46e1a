/// One job as a batched `squeue -o '%i|%T|%r|%L|%N'` line shows it.
package struct SlurmJobInfo: Sendable, Hashable {
    package var state: SlurmJobState
    /// Why the job pends (`Priority`, `Resources`, …); nil for Slurm's `None`/`(null)`.
    package var reason: String?
    /// Seconds before the time limit; nil for `UNLIMITED`, `NOT_SET`, `INVALID` or anything unreadable.
    ///
    /// For a pending job squeue shows the whole time limit here.
    package var timeLeftSeconds: Int?
    /// The allocated node list (`node[1-4]`); nil while pending.
    package var nodes: String?

    package init(state: SlurmJobState, reason: String? = nil, timeLeftSeconds: Int? = nil, nodes: String? = nil) {
        self.state = state
        self.reason = reason
        self.timeLeftSeconds = timeLeftSeconds
        self.nodes = nodes
    }
}

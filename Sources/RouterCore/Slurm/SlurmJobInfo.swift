/// One job as a batched `squeue -o '%i|%T|%r|%L|%N'` line shows it.
public struct SlurmJobInfo: Sendable, Hashable {
    public var state: SlurmJobState
    /// Why the job pends (`Priority`, `Resources`, …); nil for Slurm's `None`/`(null)`.
    public var reason: String?
    /// Seconds before the time limit; nil for `UNLIMITED`, `NOT_SET`, `INVALID` or anything unreadable.
    ///
    /// For a pending job squeue shows the whole time limit here.
    public var timeLeftSeconds: Int?
    /// The allocated node list (`node[1-4]`); nil while pending.
    public var nodes: String?

    public init(state: SlurmJobState, reason: String? = nil, timeLeftSeconds: Int? = nil, nodes: String? = nil) {
        self.state = state
        self.reason = reason
        self.timeLeftSeconds = timeLeftSeconds
        self.nodes = nodes
    }
}

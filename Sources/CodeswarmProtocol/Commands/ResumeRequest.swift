/// The payload of `swarm_resume` (extension): which ended swarm to bring back on a new job, and what to change.
///
/// Every scheduler value left nil keeps what the swarm's last job used; the node count never changes (each node
/// resumes its own thread).
package struct ResumeRequest: Sendable, Hashable, Codable {
    package var swarmID: SwarmID
    /// Slurm partition for the new job; nil keeps the last job's.
    package var partition: String?
    /// Slurm time limit for the new job; nil keeps the last job's.
    package var time: String?
    package var account: String?
    package var qos: String?
    /// Further sbatch options for the new job (`--mem=32G`); each replaces the swarm's option of the same flag and
    /// keeps the others. Nil keeps the last job's.
    package var sbatch: [String]?

    package init(
        swarmID: SwarmID, partition: String? = nil, time: String? = nil, account: String? = nil, qos: String? = nil,
        sbatch: [String]? = nil
    ) {
        self.swarmID = swarmID
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
        self.sbatch = sbatch
    }

    /// The same request for `swarmID` (the full id a prefix resolved to).
    package func replacingSwarmID(with swarmID: SwarmID) -> ResumeRequest {
        var copy = self
        copy.swarmID = swarmID
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case partition, time, account, qos, sbatch
        case swarmID = "swarm_id"
    }
}

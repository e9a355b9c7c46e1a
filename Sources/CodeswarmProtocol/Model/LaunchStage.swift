/// A step of a launch, as `swarm_launch_progress.stage` reports it.
///
/// Slurm's own job states appear lowercased while the job starts (`pending`, `configuring`, …); a stage this build
/// does not know (a newer router's) decodes as `.other` and is shown verbatim.
package enum LaunchStage: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The router took the launch.
    case accepted
    /// Slurm: writing the settings and calling `sbatch`.
    case submitting
    /// A job id exists.
    case submitted
    /// Slurm: the job waits in the queue (the progress carries Slurm's reason).
    case pending
    /// Slurm: nodes are being set up.
    case configuring
    /// The job runs (local: the worker processes were spawned).
    case running
    /// Some workers have written `start`; the rest are starting.
    case workersStarting
    /// Any other stage, such as another Slurm state.
    case other(String)

    package init(rawValue: String) {
        switch rawValue {
        case "accepted": self = .accepted
        case "submitting": self = .submitting
        case "submitted": self = .submitted
        case "pending": self = .pending
        case "configuring": self = .configuring
        case "running": self = .running
        case "workers_starting": self = .workersStarting
        default: self = .other(rawValue)
        }
    }

    package init(stringLiteral value: String) { self.init(rawValue: value) }

    /// The wire text.
    package var rawValue: String {
        switch self {
        case .accepted: "accepted"
        case .submitting: "submitting"
        case .submitted: "submitted"
        case .pending: "pending"
        case .configuring: "configuring"
        case .running: "running"
        case .workersStarting: "workers_starting"
        case .other(let stage): stage
        }
    }

    package var description: String { rawValue }

    package init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

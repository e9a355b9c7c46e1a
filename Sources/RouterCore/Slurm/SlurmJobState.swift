/// A Slurm job state as `squeue %T`, `scontrol` or `sacct` print it; unknown states are kept, not rejected.
public struct SlurmJobState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// Upper-case state name, without sacct's ` by <uid>` suffix.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Parses a state field: trims spaces, drops sacct's `CANCELLED by 0` detail and a trailing `+`, upper-cases.
    public init(parsing field: String) {
        let word = field.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        let trimmed = word.hasSuffix("+") ? String(word.dropLast()) : word
        self.rawValue = trimmed.isEmpty ? "UNKNOWN" : trimmed.uppercased()
    }

    public var description: String { rawValue }

    public static let pending = SlurmJobState(rawValue: "PENDING")
    public static let configuring = SlurmJobState(rawValue: "CONFIGURING")
    public static let running = SlurmJobState(rawValue: "RUNNING")
    public static let suspended = SlurmJobState(rawValue: "SUSPENDED")
    public static let completing = SlurmJobState(rawValue: "COMPLETING")
    public static let completed = SlurmJobState(rawValue: "COMPLETED")
    public static let cancelled = SlurmJobState(rawValue: "CANCELLED")
    public static let failed = SlurmJobState(rawValue: "FAILED")
    public static let timeout = SlurmJobState(rawValue: "TIMEOUT")
    public static let nodeFail = SlurmJobState(rawValue: "NODE_FAIL")
    public static let outOfMemory = SlurmJobState(rawValue: "OUT_OF_MEMORY")
    public static let preempted = SlurmJobState(rawValue: "PREEMPTED")
    public static let bootFail = SlurmJobState(rawValue: "BOOT_FAIL")
    public static let deadline = SlurmJobState(rawValue: "DEADLINE")
    public static let unknown = SlurmJobState(rawValue: "UNKNOWN")

    /// States after which the job will never run again.
    ///
    /// COMPLETING is not among them: steps may still be writing their last outbox lines.
    /// REQUEUED, RESIZING, REVOKED and unknown states count as not finished, so the router keeps
    /// polling rather than closing a swarm that may still be alive.
    public var isFinished: Bool {
        switch rawValue {
        case "COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL",
            "DEADLINE", "SPECIAL_EXIT":
            return true
        default:
            return false
        }
    }
}

/// A Slurm job state as `squeue %T`, `scontrol` or `sacct` print it; unknown states are kept, not rejected.
package struct SlurmJobState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// Upper-case state name, without sacct's ` by <uid>` suffix.
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }

    /// Parses a state field: trims spaces, drops sacct's `CANCELLED by 0` detail and a trailing `+`, upper-cases.
    package init(parsing field: String) {
        let word = field.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        let trimmed = word.hasSuffix("+") ? String(word.dropLast()) : word
        self.rawValue = trimmed.isEmpty ? "UNKNOWN" : trimmed.uppercased()
    }

    package var description: String { rawValue }

    package static let pending = SlurmJobState(rawValue: "PENDING")
    package static let configuring = SlurmJobState(rawValue: "CONFIGURING")
    package static let running = SlurmJobState(rawValue: "RUNNING")
    package static let suspended = SlurmJobState(rawValue: "SUSPENDED")
    package static let completing = SlurmJobState(rawValue: "COMPLETING")
    package static let completed = SlurmJobState(rawValue: "COMPLETED")
    package static let cancelled = SlurmJobState(rawValue: "CANCELLED")
    package static let failed = SlurmJobState(rawValue: "FAILED")
    package static let timeout = SlurmJobState(rawValue: "TIMEOUT")
    package static let nodeFail = SlurmJobState(rawValue: "NODE_FAIL")
    package static let outOfMemory = SlurmJobState(rawValue: "OUT_OF_MEMORY")
    package static let preempted = SlurmJobState(rawValue: "PREEMPTED")
    package static let bootFail = SlurmJobState(rawValue: "BOOT_FAIL")
    package static let deadline = SlurmJobState(rawValue: "DEADLINE")
    package static let unknown = SlurmJobState(rawValue: "UNKNOWN")

    /// States after which the job will never run again.
    ///
    /// COMPLETING is not among them: steps may still be writing their last outbox lines.
    /// REQUEUED, RESIZING, REVOKED and unknown states count as not finished, so the router keeps
    /// polling rather than closing a swarm that may still be alive.
    package var isFinished: Bool {
        switch rawValue {
        case "COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL",
            "DEADLINE", "SPECIAL_EXIT":
            return true
        default:
            return false
        }
    }
}

/// A value refused before any Slurm or SSH command is built: which field, and why in words a user can act on.
public struct SlurmInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending field (`partition`, `time`, `base`, `job id`, …).
    public var field: String
    /// Why the value was refused, naming the field.
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }
}

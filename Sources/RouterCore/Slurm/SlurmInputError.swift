/// A value refused before any Slurm or SSH command is built: which field, and why in words a user can act on.
package struct SlurmInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending field (`partition`, `time`, `base`, `job id`, …).
    package var field: String
    /// Why the value was refused, naming the field.
    package var reason: String

    package init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    package var description: String { reason }

    /// Names a character in a reason so that invisible ones (newline, tab, space) are readable.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "a newline"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        case " ": return "a space"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
            return "'\(Character(scalar))'"
        }
    }
}

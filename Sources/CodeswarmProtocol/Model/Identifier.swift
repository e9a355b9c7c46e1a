/// A string identifier tagged with what it names, so a job id cannot be passed where a swarm id is expected.
package struct Identifier<Tag>: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package init(stringLiteral value: String) { self.rawValue = value }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    package var description: String { rawValue }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Tag for swarm ids (one per launch, chosen by the router).
package enum SwarmTag {}
/// Tag for job ids (a Slurm job id, or `local_<hex>` for the local provider).
package enum JobTag {}
/// Tag for injection ids (one per prompt per node).
package enum InjectionTag {}

/// Identifies a swarm.
package typealias SwarmID = Identifier<SwarmTag>
/// Identifies a job: the Slurm job, or the local provider's group of worker processes.
package typealias JobID = Identifier<JobTag>
/// Identifies one prompt delivered to one node.
package typealias InjectionID = Identifier<InjectionTag>

extension JobID {
    /// True when the id is safe to use in a file name: letters, digits, `_`, `-`, `.` only, not starting with `.`.
    package var isSafePathComponent: Bool {
        !rawValue.isEmpty && rawValue.count <= 64 && rawValue.first != "."
            && rawValue.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }
}

extension SwarmID {
    /// True when the id is safe to use in a file name (the same rule as for job ids).
    package var isSafePathComponent: Bool { JobID(rawValue: rawValue).isSafePathComponent }
}

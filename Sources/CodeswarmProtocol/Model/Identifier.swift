/// A string identifier tagged with what it names, so a job id cannot be passed where a swarm id is expected.
public struct Identifier<Tag>: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Tag for swarm ids (one per launch, chosen by the router).
public enum SwarmTag {}
/// Tag for job ids (a Slurm job id, or `local_<hex>` for the local provider).
public enum JobTag {}
/// Tag for injection ids (one per prompt per node).
public enum InjectionTag {}

/// Identifies a swarm.
public typealias SwarmID = Identifier<SwarmTag>
/// Identifies a job: the Slurm job, or the local provider's group of worker processes.
public typealias JobID = Identifier<JobTag>
/// Identifies one prompt delivered to one node.
public typealias InjectionID = Identifier<InjectionTag>

extension JobID {
    /// True when the id is safe to use in a file name: letters, digits, `_`, `-`, `.` only, not starting with `.`.
    public var isSafePathComponent: Bool {
        !rawValue.isEmpty && rawValue.count <= 64 && rawValue.first != "."
            && rawValue.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }
}

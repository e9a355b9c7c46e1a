/// Which provider starts a swarm's jobs: `local` (processes on this machine) or `slurm`.
///
/// A name this build does not know (a newer router's provider) decodes as `.other` and is kept verbatim, so an
/// older client still shows it; the router itself refuses to launch on a provider it was not configured with.
package enum ProviderName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral
{
    case local
    case slurm
    case other(String)

    /// The providers this build implements.
    package static let known: [ProviderName] = [.local, .slurm]

    package init(rawValue: String) {
        switch rawValue {
        case "local": self = .local
        case "slurm": self = .slurm
        default: self = .other(rawValue)
        }
    }

    package init(stringLiteral value: String) { self.init(rawValue: value) }

    /// The wire text.
    package var rawValue: String {
        switch self {
        case .local: "local"
        case .slurm: "slurm"
        case .other(let name): name
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

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

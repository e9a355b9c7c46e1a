import Foundation

/// Fresh request ids for commands (uuids, as the seed's clients send).
enum RequestIDs {
    static func make() -> String { UUID().uuidString.lowercased() }
}

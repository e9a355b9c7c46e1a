import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which configuration file the router of a state directory runs, or last ran, with: `<state dir>/router-config.json`.
///
/// The router writes it once it holds the state directory's lock, and it stays after the router stops. A client
/// that has to start a router reads it first, so the new router gets the same configuration as the last one
/// (the swarms in the state belong to that configuration's clusters), whichever client starts it.
package struct RouterConfigRecord: Sendable, Hashable, Codable {
    /// The config file's canonical absolute path; nil when the router ran on the embedded default.
    package var path: String?
    /// `fnv1a64:<16 hex digits>` of the file's bytes when the router started; tells an edited file apart.
    package var digest: String?
    /// When the router started with it (wire timestamp).
    package var recordedAt: String

    package static let fileName = "router-config.json"

    package init(path: String?, digest: String?, recordedAt: String) {
        self.path = path
        self.digest = digest
        self.recordedAt = recordedAt
    }

    /// The record for a router started now with `configFile` (any path form; nil for the default).
    package init(configFile: String?, at date: Date) {
        let path = configFile.map(Self.canonical)
        self.init(
            path: path, digest: path.flatMap(Self.digest(ofFileAt:)), recordedAt: WireTimestamp.string(from: date))
    }

    enum CodingKeys: String, CodingKey {
        case path, digest
        case recordedAt = "recorded_at"
    }

    /// Reads the record of `stateDirectory`; nil when there is none (or it cannot be read).
    package static func load(stateDirectory: String) -> RouterConfigRecord? {
        guard let bytes = try? AtomicFile.read("\(stateDirectory)/\(fileName)") else { return nil }
        return try? WireCoding.decode(RouterConfigRecord.self, from: bytes)
    }

    /// Replaces the record of `stateDirectory` (atomically, mode 0600).
    package func save(stateDirectory: String) throws {
        try AtomicFile.write(try WireCoding.encode(self), to: "\(stateDirectory)/\(Self.fileName)")
    }

    /// `path` made absolute (against the working directory) with symbolic links and `..` resolved when it exists.
    package static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let resolved = realpath(absolute, nil) else { return URL(fileURLWithPath: absolute).standardized.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The digest of the file at `path`, nil when it cannot be read.
    package static func digest(ofFileAt path: String) -> String? {
        guard let bytes = try? AtomicFile.read(path) else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

import CodeswarmProtocol

/// The router's durable state: registry, cursors and counters. Written atomically after each batch.
public struct RouterSnapshot: Sendable, Hashable, Codable {
    /// Bumped when the layout changes incompatibly.
    public static let currentVersion = 1

    public var version = RouterSnapshot.currentVersion
    /// Swarms in creation order.
    public var swarms: [SwarmRecord] = []
    /// Outbox read positions, keyed by `<site>/<file>`, advanced only after records are processed.
    public var cursors: [String: OutboxCursor] = [:]
    public var ids: IDGenerator
    /// The last stream sequence number handed out; journal entries above it were never sent.
    public var lastSeq = 0
    public var lastAppendID = 0

    public init(idSeed: UInt64) {
        ids = IDGenerator(seed: idSeed)
    }
}

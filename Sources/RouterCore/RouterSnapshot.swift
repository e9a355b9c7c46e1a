import CodeswarmProtocol

/// The router's durable state: registry, cursors and counters. Written atomically after each batch.
package struct RouterSnapshot: Sendable, Hashable, Codable {
    /// Bumped when the layout changes incompatibly.
    package static let currentVersion = 1

    package var version = RouterSnapshot.currentVersion
    /// Swarms in creation order.
    package var swarms: [SwarmRecord] = []
    /// Outbox read positions, keyed by `<site>/<file>`, advanced only after records are processed.
    package var cursors: [String: OutboxCursor] = [:]
    package var ids: IDGenerator
    /// The last stream sequence number handed out; journal entries above it were never sent.
    package var lastSeq = 0
    package var lastAppendID = 0
    /// The last journal batch this snapshot includes; later batches are applied again on load (nil: none yet).
    package var journalBatch: Int?
    /// Bumped whenever an approval appears or changes (`approvals_list.approvals_version`); optional so older
    /// snapshots load.
    package var approvalsVersion: Int?

    package init(idSeed: UInt64) {
        ids = IDGenerator(seed: idSeed)
    }
}

import CodeswarmProtocol
import OrderedCollections

/// The router's durable state: registry, cursors and counters. Written atomically after each batch.
package struct RouterSnapshot: Sendable, Hashable, Codable {
    /// Bumped when the layout changes incompatibly.
    package static let currentVersion = 1

    package var version = RouterSnapshot.currentVersion
    /// Swarms by id, in launch order (oldest first: `swarm_list`, `list --json` and the dashboard show them so).
    /// Saved as an array of records in that order, the layout state files had when this was an array.
    package var swarms: OrderedDictionary<SwarmID, SwarmRecord> = [:]
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

    private enum CodingKeys: String, CodingKey {
        case version, swarms, cursors, ids, lastSeq, lastAppendID, journalBatch, approvalsVersion
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        let records = try container.decode([SwarmRecord].self, forKey: .swarms)
        swarms = try Self.byID(records, codingPath: container.codingPath + [CodingKeys.swarms])
        cursors = try container.decode([String: OutboxCursor].self, forKey: .cursors)
        ids = try container.decode(IDGenerator.self, forKey: .ids)
        lastSeq = try container.decode(Int.self, forKey: .lastSeq)
        lastAppendID = try container.decode(Int.self, forKey: .lastAppendID)
        journalBatch = try container.decodeIfPresent(Int.self, forKey: .journalBatch)
        approvalsVersion = try container.decodeIfPresent(Int.self, forKey: .approvalsVersion)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(Array(swarms.values), forKey: .swarms)
        try container.encode(cursors, forKey: .cursors)
        try container.encode(ids, forKey: .ids)
        try container.encode(lastSeq, forKey: .lastSeq)
        try container.encode(lastAppendID, forKey: .lastAppendID)
        try container.encodeIfPresent(journalBatch, forKey: .journalBatch)
        try container.encodeIfPresent(approvalsVersion, forKey: .approvalsVersion)
    }

    /// The saved records keyed by id, in their saved order. A repeated id, or nodes out of order, are refused: the
    /// router never writes them, so the file was edited or damaged, and guessing could revive the wrong record.
    private static func byID(_ records: [SwarmRecord], codingPath: [any CodingKey]) throws
        -> OrderedDictionary<SwarmID, SwarmRecord>
    {
        var swarms: OrderedDictionary<SwarmID, SwarmRecord> = [:]
        swarms.reserveCapacity(records.count)
        for record in records {
            // Nodes are found by position (`nodes[nodeID]`), so position and id must agree.
            guard record.nodes.indices.elementsEqual(record.nodes.lazy.map(\.id)) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: codingPath,
                        debugDescription:
                            "the nodes of swarm \(record.id.rawValue) in the state file are not numbered 0, 1, 2, … in "
                            + "order; restore the file from a backup (or move it aside to start empty)"))
            }
            guard swarms.updateValue(record, forKey: record.id) == nil else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: codingPath,
                        debugDescription:
                            "swarm \(record.id.rawValue) appears twice in the state file; remove one of its records "
                            + "(or move the file aside to start empty)"))
            }
        }
        return swarms
    }
}

import CodeswarmProtocol
import RouterCore

/// The line that ends each batch in a journal segment: what the batch's event lines are and what else it saved.
///
/// A batch is written with one `write` and made durable with one `fdatasync`. Reading back, a batch counts only
/// once its marker is complete, so a torn write (a crash, a full disk) is cut off and never half-applied.
struct JournalBatch: Sendable, Hashable, Codable {
    /// The event lines before the marker, in order.
    struct Event: Sendable, Hashable, Codable {
        var seq: Int
        var swarmID: SwarmID
        var nodeID: Int

        enum CodingKeys: String, CodingKey {
            case seq
            case swarmID = "swarm_id"
            case nodeID = "node_id"
        }
    }

    /// The batch number, increasing across segments.
    var number: Int
    var events: [Event]
    /// Outbox progress made by the batch (the last per cursor).
    var progress: [OutboxProgress]
    /// True when the batch is followed by a snapshot save; if that save did not complete, the batch is void.
    var checkpoint: Bool
    /// True for events copied forward by compaction: indexed for replay, never applied again to the state.
    var copied: Bool

    /// How every marker line starts; event lines (encoded envelopes, keys sorted) never start like this.
    static let prefix = Array(#"{"journal_batch":"#.utf8)

    enum CodingKeys: String, CodingKey {
        case number = "journal_batch"
        case events, progress, checkpoint, copied
    }

    /// The marker as one line; the key order puts `journal_batch` first, which `prefix` relies on.
    func line() throws -> [UInt8] {
        // Written by hand (one marker per batch, one entry per event), the rest of the keys in sorted order as
        // `JSONEncoder` would put them; the progress, one entry per cursor, goes through the encoder.
        var writer = JSONWriter(capacity: 96 + events.count * 80)
        writer.raw(Self.prefix)
        writer.integer(number)
        writer.raw(#","checkpoint":"#)
        writer.bool(checkpoint)
        writer.raw(#","copied":"#)
        writer.bool(copied)
        writer.raw(#","events":["#)
        for (index, event) in events.enumerated() {
            writer.raw(index == 0 ? #"{"node_id":"# : #",{"node_id":"#)
            writer.integer(event.nodeID)
            writer.raw(#","seq":"#)
            writer.integer(event.seq)
            writer.raw(#","swarm_id":"#)
            writer.string(event.swarmID.rawValue)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw(#"],"progress":"#)
        writer.raw(try WireCoding.encode(progress))
        writer.raw("}\n")
        return writer.bytes
    }
}

/// One event line to journal: its seq and node, and the encoded envelope (newline included) that clients get.
struct JournalEntry: Sendable, Hashable {
    var seq: Int
    var swarmID: SwarmID
    var nodeID: Int
    var line: [UInt8]
}

import CodeswarmProtocol
import Foundation
import RouterCore

/// Where the router keeps its state: loaded once at start, committed once per batch, read lazily by replays.
///
/// `StateStore` is the real one; tests use an in-memory store that can be told to fail.
protocol RouterStore: Sendable {
    /// Reads the saved snapshot and whatever the journal holds beyond it.
    func load(newSeed: UInt64) throws -> StoreContents
    /// Makes one batch durable: its journal entries and progress, and the snapshot when asked (or when due).
    func commit(_ commit: StoreCommit) throws
    /// A reader of the retained journaled events after `afterSeq` (one swarm or all), in seq order.
    func replay(afterSeq: Int, swarmID: SwarmID?) throws -> JournalReplay
    /// Drops a swarm's events from what replays can read.
    func forget(_ swarmID: SwarmID)
}

/// What a store hands the router at start.
struct StoreContents: Sendable {
    var snapshot: RouterSnapshot
    var recovered: RecoveredJournal
    /// Things worth a log line (an unreadable file set aside, a torn batch cut off).
    var problems: [String]
}

/// One batch to make durable.
struct StoreCommit: Sendable {
    var entries: [JournalEntry]
    var progress: [OutboxProgress]
    /// The core's snapshot after the batch (saved when `needsCheckpoint`, or when the store's interval is due).
    var snapshot: RouterSnapshot
    var needsCheckpoint: Bool
    var at: Date
}

/// Reads retained journal lines for one replay, from descriptors opened when it started.
///
/// Immutable and `Sendable`: the runtime's replay task calls `lines(from:maximumBytes:)` off the loop.
struct JournalReplay: Sendable {
    /// The open segment files, closed when the last copy of the replay goes away.
    final class Files: Sendable {
        let descriptors: [Int: Int32]

        init(descriptors: [Int: Int32]) {
            self.descriptors = descriptors
        }

        deinit {
            for fd in descriptors.values { close(fd) }
        }
    }

    let locations: [JournalIndex.Location]
    let files: Files
    /// The highest durable seq when the replay started (what `replay_complete` reports).
    let lastSeq: Int

    /// Up to about `maximumBytes` of lines starting at location `start` (always at least one); nil at the end.
    func lines(from start: Int, maximumBytes: Int) throws -> [[UInt8]]? {
        guard start < locations.count else { return nil }
        var result: [[UInt8]] = []
        var bytes = 0
        var position = start
        while position < locations.count, result.isEmpty || bytes + locations[position].length <= maximumBytes {
            let location = locations[position]
            guard let fd = files.descriptors[location.segment] else { break }
            result.append(try StateStore.read(fd, offset: location.offset, length: location.length))
            bytes += location.length
            position += 1
        }
        return result
    }
}

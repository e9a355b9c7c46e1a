import CodeswarmProtocol
import DequeModule

/// Where each retained journaled event lives: the newest `capacityPerNode` per node, which `events_replay` reads.
///
/// Only positions are kept in memory (a few words per event), never the events, so a large history costs the
/// router little and a replay reads exactly what it sends from disk.
struct JournalIndex: Sendable {
    /// One event's place in the journal.
    struct Location: Sendable, Hashable {
        var seq: Int
        var segment: Int
        var offset: Int
        var length: Int
    }

    /// The events of one node.
    struct NodeKey: Sendable, Hashable {
        var swarmID: SwarmID
        var nodeID: Int
    }

    let capacityPerNode: Int
    private(set) var nodes: [NodeKey: Deque<Location>] = [:]
    /// Bytes of retained events per segment; a segment at 0 holds nothing a replay needs.
    private(set) var liveBytes: [Int: Int] = [:]

    init(capacityPerNode: Int) {
        self.capacityPerNode = max(1, capacityPerNode)
    }

    /// Total bytes of retained events.
    var totalLiveBytes: Int { liveBytes.values.reduce(0, +) }

    /// Records an event, dropping its node's oldest beyond the capacity.
    mutating func add(_ location: Location, for key: NodeKey) {
        // Mutated in place through the dictionary's accessor: the per-event cost does not grow with the history.
        nodes[key, default: Deque()].append(location)
        liveBytes[location.segment, default: 0] += location.length
        while let count = nodes[key]?.count, count > capacityPerNode,
            let dropped = nodes[key]?.removeFirst()
        {
            liveBytes[dropped.segment, default: 0] -= dropped.length
        }
    }

    /// Forgets a swarm's events.
    mutating func remove(swarmID: SwarmID) {
        for key in nodes.keys where key.swarmID == swarmID {
            for location in nodes.removeValue(forKey: key) ?? [] {
                liveBytes[location.segment, default: 0] -= location.length
            }
        }
    }

    /// Retained events after `seq`, of one swarm or all, in seq order.
    func locations(after seq: Int, swarmID: SwarmID?) -> [Location] {
        var result: [Location] = []
        for (key, queue) in nodes where swarmID == nil || key.swarmID == swarmID {
            // Each node's queue is in seq order: skip its old part without looking at it.
            var low = queue.startIndex
            var high = queue.endIndex
            while low < high {
                let middle = (low + high) / 2
                if queue[middle].seq <= seq { low = middle + 1 } else { high = middle }
            }
            result.append(contentsOf: queue[low...])
        }
        return result.sorted { $0.seq < $1.seq }
    }

    /// Retained events stored in `segment`, with their nodes (what compaction must copy before deleting it).
    func entries(inSegment segment: Int) -> [(key: NodeKey, location: Location)] {
        var result: [(NodeKey, Location)] = []
        for (key, queue) in nodes {
            for location in queue where location.segment == segment { result.append((key, location)) }
        }
        return result.sorted { $0.1.seq < $1.1.seq }
    }

    /// Points an event at its new place (after compaction copied it); nothing happens if it is no longer retained.
    mutating func move(seq: Int, of key: NodeKey, to location: Location) {
        guard let position = nodes[key]?.firstIndex(where: { $0.seq == seq }), let old = nodes[key]?[position] else {
            return
        }
        nodes[key]?[position] = location
        liveBytes[old.segment, default: 0] -= old.length
        liveBytes[location.segment, default: 0] += location.length
    }

    /// Forgets a segment's byte count (it was deleted).
    mutating func dropSegment(_ segment: Int) {
        liveBytes[segment] = nil
    }
}

extension JournalIndex {
    /// An index of events found while reading the journal back: a later copy of an event replaces the earlier one
    /// (compaction copies before it deletes), and each node keeps its newest `capacityPerNode`.
    init(capacityPerNode: Int, loading entries: [(key: NodeKey, location: Location)]) {
        self.init(capacityPerNode: capacityPerNode)
        var latest: [NodeKey: [Int: Location]] = [:]
        for (key, location) in entries { latest[key, default: [:]][location.seq] = location }
        for (key, bySeq) in latest {
            for location in bySeq.values.sorted(by: { $0.seq < $1.seq }).suffix(self.capacityPerNode) {
                add(location, for: key)
            }
        }
    }
}

import CodeswarmProtocol
import DequeModule

/// The bounded per-node history of journaled events, replayed to clients that attach late.
package struct Transcript: Sendable {
    private var nodes: [SwarmID: [Int: Deque<EventEnvelope>]] = [:]
    private let capacityPerNode: Int

    package init(capacityPerNode: Int) {
        self.capacityPerNode = max(1, capacityPerNode)
    }

    /// Records a journaled event (it must carry a swarm, a node and a seq).
    package mutating func append(_ envelope: EventEnvelope) {
        guard let swarmID = envelope.event.swarmID, let node = Self.nodeID(of: envelope.event) else { return }
        var queue = nodes[swarmID, default: [:]][node, default: Deque()]
        queue.append(envelope)
        if queue.count > capacityPerNode { queue.removeFirst(queue.count - capacityPerNode) }
        nodes[swarmID, default: [:]][node] = queue
    }

    /// Events after `seq`, in seq order, optionally for one swarm.
    package func events(after seq: Int, swarmID: SwarmID?) -> [EventEnvelope] {
        let swarms = swarmID.map { id in nodes[id].map { [id: $0] } ?? [:] } ?? nodes
        return swarms.values.flatMap { $0.values.flatMap { $0 } }
            .filter { ($0.event.seq ?? 0) > seq }
            .sorted { ($0.event.seq ?? 0) < ($1.event.seq ?? 0) }
    }

    /// Every retained event, in seq order (used to compact the journal).
    package var allEvents: [EventEnvelope] { events(after: 0, swarmID: nil) }

    /// Drops a swarm's history.
    package mutating func remove(_ swarmID: SwarmID) {
        nodes[swarmID] = nil
    }

    private static func nodeID(of event: RouterEvent) -> Int? {
        switch event {
        case .stream(let stream): stream.nodeID
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data): data.nodeID
        default: nil
        }
    }
}

import CodeswarmProtocol

/// Performs inbox appends off the stdin loop, several files at once and each file's in order, and reports each
/// outcome from the thread that made the line durable.
///
/// Every append is written and fsynced before it is acknowledged. One fsync costs a few milliseconds, so an inject
/// to 64 nodes done one file after another waits for 64 of them in a row; done concurrently, the filesystem commits
/// them together (ext4 and xfs batch concurrent fsyncs into one journal commit). A node's appends always go to the
/// same lane (`AppendLane`, a thread of its own), chosen by node number, so they keep the order they arrived in while
/// the nodes of a swarm spread evenly over the lanes.
final class InboxAppender: Sendable {
    /// At most this many appends run (and wait for their fsync) at the same time.
    static let concurrency = 8

    private let lanes: [AppendLane]

    init(concurrency: Int = InboxAppender.concurrency) {
        lanes = (0..<max(1, concurrency)).map { AppendLane(name: "relay append \($0)") }
    }

    /// Queues an append of `line` to node `nodeID`'s inbox under `base`; `done` is called with its outcome (see
    /// `RelayService.append`) on the lane's thread as soon as the line is written and fsynced. Call it in arrival
    /// order: the queueing happens here, synchronously, which is what keeps one file's appends in order.
    func enqueue(
        base: String, id: Int, jobID: JobID, nodeID: Int, line: String,
        done: @escaping @Sendable (RelayEvent) -> Void
    ) {
        lanes[abs(nodeID % lanes.count)].enqueue {
            done(RelayService.append(base: base, id: id, jobID: jobID, nodeID: nodeID, line: line))
        }
    }
}

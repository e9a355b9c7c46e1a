import CodeswarmProtocol
import Dispatch
import Synchronization

/// Performs inbox appends off the stdin loop, several files at once and each file's in order.
///
/// Every append is written and fsynced before it is acknowledged. One fsync costs a few milliseconds, so an inject
/// to 64 nodes done one file after another waits for 64 of them in a row; done concurrently, the filesystem commits
/// them together (ext4 and xfs batch concurrent fsyncs into one journal commit). Appends to the same file stay
/// in the order they arrived.
final class InboxAppender: Sendable {
    /// At most this many appends run (and wait for their fsync) at the same time.
    static let concurrency = 8

    private let pool = DispatchQueue(label: "codeswarm.relay.append", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: InboxAppender.concurrency)
    /// One serial queue per inbox file, so appends to one node keep their order.
    private let queues = Mutex<[String: DispatchQueue]>([:])

    /// Queues an append of `line` to node `nodeID`'s inbox under `base`; the returned stream delivers its outcome
    /// (see `RelayService.append`) once written and fsynced. Call it in arrival order: the queueing happens here,
    /// synchronously, which is what keeps one file's appends in order.
    func enqueue(base: String, id: Int, jobID: JobID, nodeID: Int, line: String) -> AsyncStream<RelayEvent> {
        let file = MailboxLayout.fileName(jobID: jobID, nodeID: nodeID)
        let queue = queues.withLock { queues in
            if let queue = queues[file] { return queue }
            let queue = DispatchQueue(label: "codeswarm.relay.append.\(file)", target: pool)
            queues[file] = queue
            return queue
        }
        let (outcome, continuation) = AsyncStream.makeStream(of: RelayEvent.self)
        let slots = self.slots
        queue.async {
            slots.wait()
            defer { slots.signal() }
            continuation.yield(RelayService.append(base: base, id: id, jobID: jobID, nodeID: nodeID, line: line))
            continuation.finish()
        }
        return outcome
    }
}

import CodeswarmIO
import CodeswarmProtocol
import Foundation

/// Carries a resumed node's unstarted prompts over from its previous job's inbox into this job's, once.
///
/// The previous worker saved its inbox offset before the first prompt whose turn never started (queued, or
/// dropped by its SIGTERM drain), so everything after that offset was delivered to the node but never ran. The
/// router keeps only those prompts' ids; their text is in the old inbox, and it goes on from there.
enum InboxCarryOver {
    /// Appends the previous job's unstarted lines to this job's inbox and returns how many; a marker beside this
    /// job's inbox offset (`runs/<job>/worker_<NN>.inbox-carried`) makes a restarted worker (a requeue) skip it.
    /// Nothing is carried when the old inbox was replaced after its offset was saved: which of its lines ran is
    /// then unknown, and running one twice is worse.
    static func carry(base: String, from previous: JobID, to job: JobID, nodeID: Int) throws -> Int {
        guard previous != job, previous.isSafePathComponent else { return 0 }
        let marker = markerPath(base: base, jobID: job, nodeID: nodeID)
        if (try? AtomicFile.read(marker)) != nil { return 0 }
        var reader = InboxReader(
            path: MailboxLayout.path(base: base, box: .inbox, jobID: previous, nodeID: nodeID),
            statePath: MailboxLayout.inboxOffsetPath(base: base, jobID: previous, nodeID: nodeID))
        let poll = try reader.poll()
        var bytes: [UInt8] = []
        var count = 0
        if poll.resetReason == nil {
            for case .line(let line) in poll.lines {
                bytes += line + [UInt8(ascii: "\n")]
                count += 1
            }
        } else {
            WorkerLog.warning(
                "the inbox of job \(previous) was replaced after its offset was saved; nothing carried over")
        }
        if !bytes.isEmpty {
            try AtomicFile.append(bytes, to: MailboxLayout.path(base: base, box: .inbox, jobID: job, nodeID: nodeID))
        }
        try AtomicFile.write(Array("\(count) line(s) from job \(previous)\n".utf8), to: marker)
        return count
    }

    /// `runs/<job>/worker_<NN>.inbox-carried`: this job's worker has carried the old inbox over.
    static func markerPath(base: String, jobID: JobID, nodeID: Int) -> String {
        let offset = MailboxLayout.inboxOffsetPath(base: base, jobID: jobID, nodeID: nodeID)
        return String(offset.dropLast(".inbox-offset.json".count)) + ".inbox-carried"
    }
}

import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The relay's followed files and when each is looked at next; an actor because the stdin reader and the poll
/// loop both touch it.
///
/// Each file has its own `AdaptivePollSchedule`: a streaming node's outbox is read every few milliseconds while an
/// idle node's costs a few opens per second, and an inject appended to a node's inbox makes its outbox fast until
/// the answer starts. A look at a file is one `open` (which also revalidates NFS's attribute cache, where a `stat`
/// could see a size seconds old), an `fstat`, and a `pread` only when the file grew.
actor RelayState {
    /// The largest slice of one file read per poll, so one busy file cannot starve the others.
    static let maximumReadPerPoll = 72 * 1024 * 1024

    private let settings: AdaptivePollSchedule.Settings
    private var jobs: [JobID: Int] = [:]
    private var followers: [String: OutboxFollower] = [:]
    private var schedules: [String: AdaptivePollSchedule] = [:]
    /// When each followed file is looked at next (offsets from the relay's clock origin).
    private var due: [String: Duration] = [:]

    init(settings: AdaptivePollSchedule.Settings) {
        self.settings = settings
    }

    /// Follows or stops following a job's outboxes; a newly followed file is looked at in the next poll.
    func apply(_ request: RelayRequest, now: Duration) {
        switch request {
        case .watch(let jobID, let nodeCount, let cursors):
            guard jobID.isSafePathComponent, nodeCount > 0 else { return }
            jobs[jobID] = nodeCount
            let byFile = Dictionary(cursors.map { ($0.file, $0) }, uniquingKeysWith: { _, last in last })
            for node in 0..<nodeCount {
                let file = MailboxLayout.fileName(jobID: jobID, nodeID: node)
                followers[file] = OutboxFollower(file: file, cursor: byFile[file])
                schedules[file] = AdaptivePollSchedule(settings: settings)
                due[file] = now
            }
        case .unwatch(let jobID):
            if let nodeCount = jobs.removeValue(forKey: jobID) {
                for node in 0..<nodeCount {
                    let file = MailboxLayout.fileName(jobID: jobID, nodeID: node)
                    followers[file] = nil
                    schedules[file] = nil
                    due[file] = nil
                }
            }
        case .append, .run:
            break
        }
    }

    /// An inject was appended to the inbox of the node whose outbox is `file`: its answer is due.
    func expectAnswer(file: String, now: Duration) {
        guard var schedule = schedules[file] else { return }
        schedule.expectActivity(at: now)
        schedules[file] = schedule
        due[file] = min(due[file] ?? now, now + settings.active)
    }

    /// Looks at every file that is due at `now` or named in `changed` (nil: every file), and returns the complete
    /// lines that appeared, plus when the next file is due.
    func poll(base: String, now: Duration, changed: Set<String>?) -> (events: [RelayEvent], nextDue: Duration?) {
        var events: [RelayEvent] = []
        for file in followers.keys.sorted() {
            let isDue = (due[file] ?? now) <= now
            guard isDue || changed?.contains(file) ?? true, var follower = followers[file],
                var schedule = schedules[file]
            else { continue }
            let found = Self.look(at: file, base: base, follower: &follower)
            if found.contains(where: Self.isActivity) { schedule.noteActivity(at: now) }
            events += found
            followers[file] = follower
            due[file] = now + schedule.nextDelay(at: now)
            schedules[file] = schedule
        }
        return (events, due.values.min())
    }

    /// Whether an event shows the node doing something. An idle worker's periodic `heartbeat` line does not, or
    /// every heartbeat would buy a second of fast polling on a node nobody is using.
    static func isActivity(_ event: RelayEvent) -> Bool {
        guard case .record(_, _, _, _, let line) = event else { return true }
        return !line.contains(#""type":"heartbeat""#)
    }

    /// One look at one followed file: what the follower decides, and the lines it reads.
    private static func look(at file: String, base: String, follower: inout OutboxFollower) -> [RelayEvent] {
        let outbox = OpenFile(path: "\(base)/mailbox/outbox/\(file)")
        // The archive matters only when the live outbox is not the file being followed (renamed, or replaced).
        let archive =
            outbox?.state.inode == follower.inode && follower.inode != nil
            ? nil : OpenFile(path: "\(base)/mailbox/archive/\(file)")
        var events: [RelayEvent] = []
        var decision = follower.decide(outbox: outbox?.state, archive: archive?.state)
        if case .reset(let location, let reason) = decision {
            events.append(.fileReset(file: file, reason: reason))
            decision = .read(location: location, offset: 0)
        }
        if case .read(let location, let offset) = decision, let inode = follower.inode,
            let opened = location == .outbox ? outbox : archive
        {
            let (lines, consumed) = opened.readLines(from: offset)
            for (start, end, line) in lines {
                events.append(.record(file: file, inode: inode, offset: start, end: end, line: line))
            }
            follower.advance(to: consumed)
        }
        return events
    }
}

/// A mailbox file opened for one look: its descriptor, inode and size (closed when the look ends).
private final class OpenFile {
    let descriptor: Int32
    let state: OutboxFollower.FileState

    /// Opens `path`; nil when it does not exist or cannot be read.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        state = OutboxFollower.FileState(inode: UInt64(info.st_ino), size: UInt64(info.st_size))
    }

    deinit { close(descriptor) }

    /// Complete lines from `offset` with their byte ranges, and the offset after the last complete line.
    func readLines(from offset: UInt64) -> ([(UInt64, UInt64, String)], UInt64) {
        guard state.size > offset else { return ([], offset) }
        let length = Int(min(state.size - offset, UInt64(RelayState.maximumReadPerPoll)))
        var buffer = [UInt8](repeating: 0, count: length)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard count > 0 else { return ([], offset) }
        var lines: [(UInt64, UInt64, String)] = []
        var start = 0
        while let newline = buffer[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
            let text = String(decoding: buffer[start..<newline], as: UTF8.self)
            if !text.isEmpty {
                lines.append((offset + UInt64(start), offset + UInt64(newline + 1), text))
            }
            start = newline + 1
        }
        // A partial last line stays unread until its newline arrives.
        return (lines, offset + UInt64(start))
    }
}

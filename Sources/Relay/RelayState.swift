import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The relay's followed files; an actor because the stdin reader and the poll loop both touch it.
actor RelayState {
    /// The largest slice of one file read per poll, so one busy file cannot starve the others.
    static let maximumReadPerPoll = 72 * 1024 * 1024

    private var jobs: [JobID: Int] = [:]
    private var followers: [String: OutboxFollower] = [:]

    func apply(_ request: RelayRequest) {
        switch request {
        case .watch(let jobID, let nodeCount, let cursors):
            guard jobID.isSafePathComponent, nodeCount > 0 else { return }
            jobs[jobID] = nodeCount
            let byFile = Dictionary(cursors.map { ($0.file, $0) }, uniquingKeysWith: { _, last in last })
            for node in 0..<nodeCount {
                let file = MailboxLayout.fileName(jobID: jobID, nodeID: node)
                followers[file] = OutboxFollower(file: file, cursor: byFile[file])
            }
        case .unwatch(let jobID):
            if let nodeCount = jobs.removeValue(forKey: jobID) {
                for node in 0..<nodeCount { followers[MailboxLayout.fileName(jobID: jobID, nodeID: node)] = nil }
            }
        case .append, .run:
            break
        }
    }

    /// One pass over every followed file: the complete lines that appeared since the last pass.
    func poll(base: String) -> [RelayEvent] {
        var events: [RelayEvent] = []
        for file in followers.keys.sorted() {
            guard var follower = followers[file] else { continue }
            let outboxPath = "\(base)/mailbox/outbox/\(file)"
            let archivePath = "\(base)/mailbox/archive/\(file)"
            var decision = follower.decide(outbox: Self.state(outboxPath), archive: Self.state(archivePath))
            if case .reset(let location, let reason) = decision {
                events.append(.fileReset(file: file, reason: reason))
                decision = .read(location: location, offset: 0)
            }
            if case .read(let location, let offset) = decision, let inode = follower.inode {
                let path = location == .outbox ? outboxPath : archivePath
                let (lines, consumed) = Self.readLines(path: path, from: offset)
                for (start, end, line) in lines {
                    events.append(.record(file: file, inode: inode, offset: start, end: end, line: line))
                }
                follower.advance(to: consumed)
            }
            followers[file] = follower
        }
        return events
    }

    private static func state(_ path: String) -> OutboxFollower.FileState? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return OutboxFollower.FileState(inode: UInt64(info.st_ino), size: UInt64(info.st_size))
    }

    /// Complete lines from `offset` with their byte ranges, and the offset after the last complete line.
    private static func readLines(path: String, from offset: UInt64) -> ([(UInt64, UInt64, String)], UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return ([], offset) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, UInt64(info.st_size) > offset else { return ([], offset) }
        let length = Int(min(UInt64(info.st_size) - offset, UInt64(maximumReadPerPoll)))
        var buffer = [UInt8](repeating: 0, count: length)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
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

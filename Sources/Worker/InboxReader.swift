import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads new complete lines from a node's inbox by byte offset, and persists the offset once they are handled.
///
/// A partial last line (no newline yet) is left for a later poll. The offset and the file's inode are saved
/// in the run folder (`MailboxLayout.inboxOffsetPath`), so a restarted worker resumes after the last handled line
/// instead of replaying them.
struct InboxReader {
    /// What one poll found.
    struct Poll {
        var lines: [LineSplitter.Output] = []
        /// The byte offset just after each of `lines` (for `commit(through:)`).
        var lineEnds: [UInt64] = []
        /// Set when the file shrank or was replaced and reading restarted at its beginning.
        var resetReason: String?
    }

    /// The saved position: byte offset and the inode it belongs to.
    private struct Position: Codable, Equatable {
        var inode: UInt64
        var offset: UInt64
    }

    let path: String
    let statePath: String
    let maximumLineLength: Int
    /// Where the position is saved, in place (`InboxOffsetFile`).
    private let offsetFile: InboxOffsetFile
    private var position: Position?
    private var saved: Position?

    init(path: String, statePath: String, maximumLineLength: Int = LineSplitter.defaultMaximumLineLength) {
        self.path = path
        self.statePath = statePath
        self.maximumLineLength = maximumLineLength
        offsetFile = InboxOffsetFile(path: statePath)
        let stored = (try? AtomicFile.read(statePath)).flatMap { $0 }.flatMap {
            try? WireCoding.decode(Position.self, from: $0)
        }
        position = stored
        saved = stored
    }

    /// Moves a position saved at `legacyPath` by an older worker (in the agent's working directory) to `statePath`.
    ///
    /// The new file is written before the old one is removed, so a crash in between leaves a position to resume
    /// from. Nothing happens when `statePath` already exists or there is nothing to move.
    static func migrate(from legacyPath: String, to statePath: String) throws {
        guard access(statePath, F_OK) != 0, let bytes = try AtomicFile.read(legacyPath) else { return }
        if (try? WireCoding.decode(Position.self, from: bytes)) != nil {
            try AtomicFile.write(bytes, to: statePath)
        }
        guard unlink(legacyPath) == 0 || errno == ENOENT else {
            throw WorkerRuntimeError("cannot remove \(legacyPath): \(String(cString: strerror(errno)))")
        }
    }

    /// The complete lines appended since the last poll (nothing while the file is missing).
    mutating func poll() throws -> Poll {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return Poll() }
            throw WorkerRuntimeError("cannot open the inbox \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw WorkerRuntimeError("cannot stat the inbox \(path): \(String(cString: strerror(errno)))")
        }
        let inode = UInt64(status.st_ino)
        let size = UInt64(status.st_size)
        var result = Poll()
        var current = position ?? Position(inode: inode, offset: 0)
        if current.inode != inode {
            result.resetReason = "the inbox file was replaced; reading it from the beginning"
            current = Position(inode: inode, offset: 0)
        } else if size < current.offset {
            result.resetReason = "the inbox file shrank below the read offset; reading it from the beginning"
            current.offset = 0
        }
        position = current
        guard size > current.offset else { return result }

        let bytes = try read(descriptor, from: current.offset, count: Int(size - current.offset))
        guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return result }
        var end = current.offset
        for line in bytes[...lastNewline].dropLast().split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        {
            end += UInt64(line.count + 1)
            if line.count > maximumLineLength {
                result.lines.append(.oversized(byteCount: line.count))
                result.lineEnds.append(end)
            } else if !line.isEmpty {
                result.lines.append(.line(Array(line)))
                result.lineEnds.append(end)
            }
        }
        current.offset += UInt64(lastNewline + 1)
        position = current
        return result
    }

    /// Saves the position after the lines returned so far were handed to the session (only when it moved).
    mutating func commit() throws {
        guard let position, position != saved else { return }
        try offsetFile.store(try WireCoding.encode(position))
        saved = position
    }

    /// Saves `offset` (at most the read position) as where a later worker starts reading: the lines after it
    /// were read but not yet consumed (queued, or dropped by a shutdown), so they must be read again.
    mutating func commit(through offset: UInt64) throws {
        guard let position else { return }
        let target = Position(inode: position.inode, offset: min(offset, position.offset))
        guard target != saved else { return }
        try offsetFile.store(try WireCoding.encode(target))
        saved = target
    }

    private func read(_ descriptor: Int32, from offset: UInt64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + done, count - done, off_t(offset) + off_t(done))
            }
            if got > 0 {
                done += got
            } else if got == 0 {
                break
            } else if errno != EINTR {
                throw WorkerRuntimeError("cannot read the inbox \(path): \(String(cString: strerror(errno)))")
            }
        }
        return Array(bytes[0..<done])
    }
}

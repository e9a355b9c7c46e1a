import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Appends numbered records to a node's outbox, one `write` per line under O_APPEND, and archives it at the end.
///
/// Line numbers (`seq`) continue from the last record of an existing outbox (or archived outbox), so a restarted
/// worker never reuses a number and readers can detect duplicates.
struct OutboxWriter {
    let path: String
    let archivePath: String
    private let file: FileDescriptorWriter
    /// The `seq` the next record gets.
    private(set) var nextSequence: Int

    /// Opens (creating 0600) the outbox at `path`; `archivePath` is where `archive()` moves it.
    init(path: String, archivePath: String) throws {
        self.path = path
        self.archivePath = archivePath
        let last = max(OutboxTail.lastSequence(inFile: path) ?? 0, OutboxTail.lastSequence(inFile: archivePath) ?? 0)
        nextSequence = last + 1
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw WorkerRuntimeError("cannot open the outbox \(path): \(String(cString: strerror(errno)))")
        }
        file = FileDescriptorWriter(fileDescriptor: descriptor)
        if OutboxTail.endsWithoutNewline(path) {
            // A previous worker died mid-line: end that line so our first record does not join it.
            try file.write([UInt8(ascii: "\n")])
        }
    }

    /// Appends `record` with the next `seq`; `start`, `worker_error` and `complete` get a timestamp if missing.
    mutating func append(_ record: OutboxRecord) throws {
        var numbered = record
        numbered.seq = nextSequence
        if numbered.timestamp == nil, [.start, .workerError, .complete].contains(numbered.type) {
            numbered.timestamp = WireTimestamp.string(from: Date())
        }
        // One write per line: O_APPEND makes it atomic with respect to other appenders, so lines never interleave.
        try file.write(try WireCoding.encodeLine(numbered))
        nextSequence += 1
    }

    /// Flushes the outbox and renames it into the archive folder (same file name).
    ///
    /// An archive of the same name left by an earlier worker of this node is kept as `<name>.replaced-<k>`,
    /// a name no mailbox reader picks up, instead of being overwritten.
    func archive() throws {
        file.sync()
        file.close()
        if access(archivePath, F_OK) == 0 {
            var index = 1
            while access("\(archivePath).replaced-\(index)", F_OK) == 0 { index += 1 }
            rename(archivePath, "\(archivePath).replaced-\(index)")
        }
        guard rename(path, archivePath) == 0 else {
            throw WorkerRuntimeError("cannot archive \(path) to \(archivePath): \(String(cString: strerror(errno)))")
        }
        let folder = (archivePath as NSString).deletingLastPathComponent
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }
}

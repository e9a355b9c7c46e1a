import CodeswarmIO
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's saved inbox position, overwritten in place: one `pwrite` and one `fdatasync` per save.
///
/// It used to be replaced atomically on every prompt (temp file, fsync, rename, fsync of the folder): two
/// filesystem journal commits per node per prompt, made, now that workers wake on inotify, at the very moment the
/// relay and the router fsync the same prompt's delivery — at 16 nodes the workers' saves outnumbered the relay's
/// and the router's syncs together and delayed `inject_delivered`. A record of fixed size written at offset 0 lies
/// in one disk sector, so after a crash the file holds the old record or the new one, never a mix; overwriting
/// blocks already allocated needs no journal commit, and the file is opened once. The record is JSON padded with
/// spaces, so readers decode it like the atomically written file it replaces (and read such an older file too).
final class InboxOffsetFile: Sendable {
    /// Every record is this long (a position is about 40 bytes; one sector is 512).
    static let recordSize = 256

    let path: String
    /// Opened on the first save (never through a symlink), kept open, closed with the reader.
    private let descriptor: Mutex<Int32> = Mutex(-1)

    init(path: String) {
        self.path = path
    }

    /// Writes `record` (at most `recordSize - 1` bytes) durably over the previous one.
    func store(_ record: [UInt8]) throws(AtomicFile.FileError) {
        guard record.count < Self.recordSize else {
            // Not a position this worker writes; keep it correct rather than fast.
            try AtomicFile.write(record, to: path)
            // The rename put a new file in place: a descriptor kept open would write to the old one.
            descriptor.withLock { fd in
                if fd >= 0 { close(fd) }
                fd = -1
            }
            return
        }
        let padded = record + [UInt8](repeating: UInt8(ascii: " "), count: Self.recordSize - 1 - record.count) + [10]
        let failure: AtomicFile.FileError? = descriptor.withLock { fd in
            if fd < 0 {
                fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if fd < 0 { return AtomicFile.FileError(path: path, operation: "open", errno: errno) }
                // A longer file (a record written atomically before) would keep its tail after the new record.
                // Shorter ones are left alone: extended with zeros, a crash before the write would spoil the record.
                var status = stat()
                if fstat(fd, &status) == 0, status.st_size > off_t(Self.recordSize),
                    ftruncate(fd, off_t(Self.recordSize)) != 0
                {
                    return AtomicFile.FileError(path: path, operation: "ftruncate", errno: errno)
                }
            }
            let written = padded.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if written != padded.count {
                return AtomicFile.FileError(path: path, operation: "write", errno: written < 0 ? errno : EIO)
            }
            if fdatasync(fd) != 0 { return AtomicFile.FileError(path: path, operation: "fdatasync", errno: errno) }
            return nil
        }
        if let failure { throw failure }
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
        }
    }
}

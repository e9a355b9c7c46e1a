import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on a file, held for the life of the process (or until `unlock`).
package final class FileLock: Sendable {
    package let path: String
    private let fileDescriptor: Int32

    private init(path: String, fileDescriptor: Int32) {
        self.path = path
        self.fileDescriptor = fileDescriptor
    }

    /// Takes the lock without waiting; nil when another process holds it.
    package static func tryLock(path: String) throws(AtomicFile.FileError) -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AtomicFile.FileError(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        return FileLock(path: path, fileDescriptor: fd)
    }

    /// Releases the lock.
    package func unlock() {
        flock(fileDescriptor, LOCK_UN)
    }

    deinit {
        close(fileDescriptor)
    }
}

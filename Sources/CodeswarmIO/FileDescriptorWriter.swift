import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole buffers to a file descriptor (pipe or file), one writer at a time.
package final class FileDescriptorWriter: Sendable {
    /// Why a write failed.
    package struct WriteError: Error, CustomStringConvertible {
        package var errno: Int32
        package var description: String { String(cString: strerror(errno)) }
    }

    /// The descriptor, or -1 once closed; the mutex also serialises writes so lines never interleave.
    private let descriptor: Mutex<Int32>

    package init(fileDescriptor: Int32) {
        descriptor = Mutex(fileDescriptor)
    }

    /// Writes every byte of `bytes` (retrying partial writes and EINTR). Blocks while a pipe is full.
    package func write(_ bytes: [UInt8]) throws(WriteError) {
        let failure: Int32? = descriptor.withLock { fd in
            guard fd >= 0 else { return EBADF }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if errno != EINTR && errno != EAGAIN {
                    return errno
                }
            }
            return nil
        }
        if let failure { throw WriteError(errno: failure) }
    }

    /// Flushes file data to stable storage (`fsync`).
    package func sync() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = fsync(fd) }
        }
    }

    /// Closes the descriptor; later writes fail with EBADF. Closing a pipe signals end of file to the reader.
    package func close() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
            fd = -1
        }
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small file-system operations that must not lose data: atomic replace, durable append, private directories.
package enum AtomicFile {
    /// A failed file operation, naming the path and the system error.
    package struct FileError: Error, CustomStringConvertible {
        package var path: String
        package var operation: String
        package var errno: Int32
        package var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Replaces `path` with `bytes` atomically: write a temp file in the same folder, fsync, rename, fsync the folder.
    package static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o600) throws(FileError) {
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw FileError(path: temporary, operation: "create", errno: errno) }
        do throws(FileError) {
            try writeAll(fd: fd, bytes: bytes, path: temporary)
            guard fsync(fd) == 0 else { throw FileError(path: temporary, operation: "fsync", errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw FileError(path: path, operation: "rename", errno: failure)
        }
        syncDirectory(of: path)
    }

    /// Appends `bytes` to `path` (created 0600 if missing) with one `write` under O_APPEND, then fsyncs it.
    package static func append(_ bytes: [UInt8], to path: String, sync: Bool = true) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        try writeAll(fd: fd, bytes: bytes, path: path)
        if sync, fsync(fd) != 0 { throw FileError(path: path, operation: "fsync", errno: errno) }
    }

    /// Creates `path` and its missing parents with mode 0700 (mailbox and state folders are private).
    package static func makePrivateDirectory(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/\(component)"
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw FileError(path: current, operation: "mkdir", errno: errno)
            }
        }
    }

    /// The whole content of `path`, or nil when it does not exist.
    package static func read(_ path: String) throws(FileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return result
            } else if errno != EINTR {
                throw FileError(path: path, operation: "read", errno: errno)
            }
        }
    }

    private static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if errno != EINTR {
                throw FileError(path: path, operation: "write", errno: errno)
            }
        }
    }

    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small file-system operations that must not lose data: atomic replace, durable append, private directories.
///
/// Nothing here follows a symlink someone else planted: temporary files get random names and are created with
/// `O_CREAT|O_EXCL|O_NOFOLLOW`, written relative to a descriptor of their folder, and renamed with `renameat`.
package enum AtomicFile {
    /// A failed file operation, naming the path and the system error (or the check that failed).
    package struct FileError: Error, CustomStringConvertible {
        package var path: String
        package var operation: String
        package var errno: Int32
        /// Set when a check failed rather than a system call (owner, mode, symlink).
        package var problem: String?

        package init(path: String, operation: String, errno: Int32, problem: String? = nil) {
            self.path = path
            self.operation = operation
            self.errno = errno
            self.problem = problem
        }

        package var description: String {
            if let problem { return "\(path): \(problem)" }
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        }
    }

    /// Replaces `path` with `bytes` atomically: write a temp file in the same folder, fsync, rename, fsync the folder.
    ///
    /// With `sync: false` the replace is still atomic for readers and survives the writer being killed, but not a
    /// crash of the machine (no fsync): for records rewritten often whose last version is written with `sync`.
    package static func write(
        _ bytes: [UInt8], to path: String, permissions: mode_t = 0o600, sync: Bool = true
    ) throws(FileError) {
        let (folder, name) = split(path)
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw FileError(path: folder, operation: "open", errno: errno) }
        defer { close(directory) }
        try write(bytes, name: name, in: directory, folder: folder, permissions: permissions, sync: sync)
    }

    /// Appends `bytes` to `path` (created 0600 if missing, never through a symlink) with one `write` under
    /// O_APPEND, then fsyncs it.
    package static func append(_ bytes: [UInt8], to path: String, sync: Bool = true) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        try writeAll(fd: fd, bytes: bytes, path: path)
        if sync, fsync(fd) != 0 { throw FileError(path: path, operation: "fsync", errno: errno) }
    }

    /// Creates `path` and its missing parents with mode 0700 (mailbox and state folders are private) and checks
    /// the result: see `PrivateDirectory.open`.
    package static func makePrivateDirectory(_ path: String) throws(FileError) {
        _ = try PrivateDirectory.open(path)
    }

    /// The whole content of `path`, or nil when it does not exist.
    package static func read(_ path: String) throws(FileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        return try readAll(fd: fd, path: path)
    }

    // MARK: - Descriptor-relative primitives (shared with PrivateDirectory)

    /// Writes `name` inside the open folder `directory` atomically (temp file, fsync, `renameat`, fsync folder).
    static func write(
        _ bytes: [UInt8], name: String, in directory: Int32, folder: String, permissions: mode_t, sync: Bool = true
    ) throws(FileError) {
        var temporary = ""
        var fd: Int32 = -1
        // A fresh random name each try; O_EXCL|O_NOFOLLOW refuse anything already there, a planted symlink above all.
        for _ in 0..<8 {
            temporary = "\(name).tmp.\(randomSuffix())"
            fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw FileError(path: "\(folder)/\(temporary)", operation: "create", errno: errno) }
        do throws(FileError) {
            try writeAll(fd: fd, bytes: bytes, path: "\(folder)/\(temporary)")
            guard !sync || fsync(fd) == 0 else {
                throw FileError(path: "\(folder)/\(temporary)", operation: "fsync", errno: errno)
            }
        } catch {
            close(fd)
            unlinkat(directory, temporary, 0)
            throw error
        }
        close(fd)
        guard renameat(directory, temporary, directory, name) == 0 else {
            let failure = errno
            unlinkat(directory, temporary, 0)
            throw FileError(path: "\(folder)/\(name)", operation: "rename", errno: failure)
        }
        if sync { fsync(directory) }
    }

    static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws(FileError) {
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

    static func readAll(fd: Int32, path: String) throws(FileError) -> [UInt8] {
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

    /// 64 random bits as 16 hex digits: temp names nobody can predict and plant in advance.
    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next()
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// (folder, last component) of a path; the folder of a bare name is `.`.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}

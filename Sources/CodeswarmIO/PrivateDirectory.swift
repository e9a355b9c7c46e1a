import CSystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// A folder opened once and checked to be ours: owned by the effective user, not writable by group or others,
/// reached without following anyone else's symlink. Files inside are read and written relative to its descriptor,
/// so renaming or replacing the path afterwards cannot redirect them.
package final class PrivateDirectory: Sendable {
    package let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Opens `path`, creating missing folders with mode 0700, and checks it.
    ///
    /// - Folders it creates are opened with `O_NOFOLLOW` right after `mkdir` and must be ours.
    /// - An existing component that is a symlink is followed only when it belongs to root or to us (a symlink
    ///   planted in a shared folder belongs to its planter).
    /// - The final folder must be owned by the effective user and not be group- or world-writable.
    /// - With `checkAncestors`, every existing folder above it must belong to root or to us and be writable by
    ///   nobody else unless it is sticky (like /tmp): otherwise another user could swap the folder for theirs.
    package static func open(_ path: String, create: Bool = true, checkAncestors: Bool = false) throws(AtomicFile
        .FileError) -> PrivateDirectory
    {
        guard !path.isEmpty else {
            throw AtomicFile.FileError(path: path, operation: "open", errno: ENOENT, problem: "empty path")
        }
        let start = path.hasPrefix("/") ? "/" : "."
        let root = Glibc.open(start, Self.traverse)
        guard root >= 0 else { throw AtomicFile.FileError(path: start, operation: "open", errno: errno) }
        let components = path.split(separator: "/").map(String.init).filter { $0 != "." }
        let descriptor = try walk(
            from: root, base: start == "/" ? "" : ".", components: components, create: create,
            checkAncestors: checkAncestors)
        return PrivateDirectory(path: path, descriptor: descriptor)
    }

    /// A checked folder below this one (created 0700 when missing).
    package func subdirectory(_ relativePath: String, create: Bool = true) throws(AtomicFile.FileError)
        -> PrivateDirectory
    {
        let start = dup(descriptor)
        guard start >= 0 else { throw AtomicFile.FileError(path: path, operation: "dup", errno: errno) }
        let components = relativePath.split(separator: "/").map(String.init).filter { $0 != "." }
        let child = try Self.walk(
            from: start, base: path, components: components, create: create, checkAncestors: false)
        return PrivateDirectory(path: "\(path)/\(relativePath)", descriptor: child)
    }

    /// Replaces the file `name` with `bytes` atomically (random temp name, `O_EXCL|O_NOFOLLOW`, fsync, `renameat`).
    package func write(_ bytes: [UInt8], to name: String, permissions: mode_t = 0o600) throws(AtomicFile.FileError) {
        try checkName(name)
        try AtomicFile.write(bytes, name: name, in: descriptor, folder: path, permissions: permissions)
    }

    /// Appends `bytes` to the file `name` (created 0600, never through a symlink) with one write, then fsyncs it.
    package func append(_ bytes: [UInt8], to name: String, sync: Bool = true) throws(AtomicFile.FileError) {
        try checkName(name)
        let fd = openat(descriptor, name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AtomicFile.FileError(path: "\(path)/\(name)", operation: "open", errno: errno) }
        defer { close(fd) }
        try AtomicFile.writeAll(fd: fd, bytes: bytes, path: "\(path)/\(name)")
        if sync, fsync(fd) != 0 {
            throw AtomicFile.FileError(path: "\(path)/\(name)", operation: "fsync", errno: errno)
        }
    }

    /// The content of the file `name` (not read through a symlink), or nil when it does not exist.
    package func read(_ name: String) throws(AtomicFile.FileError) -> [UInt8]? {
        try checkName(name)
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw AtomicFile.FileError(path: "\(path)/\(name)", operation: "open", errno: errno)
        }
        defer { close(fd) }
        return try AtomicFile.readAll(fd: fd, path: "\(path)/\(name)")
    }

    /// Makes the folder 0700: a folder that passed the checks may still be readable by others (an existing 0755
    /// one), and what the router keeps in it (prompts, transcripts, its token) is for its user only.
    package func closeToOthers() throws(AtomicFile.FileError) {
        guard fchmod(descriptor, 0o700) == 0 else {
            throw AtomicFile.FileError(path: path, operation: "chmod", errno: errno)
        }
    }

    /// Removes the file `name`; a missing file is not an error.
    package func remove(_ name: String) {
        guard (try? checkName(name)) != nil else { return }
        unlinkat(descriptor, name, 0)
    }

    private func checkName(_ name: String) throws(AtomicFile.FileError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw AtomicFile.FileError(
                path: "\(path)/\(name)", operation: "open", errno: EINVAL, problem: "not a plain file name")
        }
    }

    // MARK: - The walk

    /// Descends `components` from the open folder `start` (consumed), creating and checking; returns the last fd.
    private static func walk(
        from start: Int32, base: String, components: [String], create: Bool, checkAncestors: Bool
    ) throws(AtomicFile.FileError) -> Int32 {
        var fd = start
        var current = base.isEmpty ? "/" : base
        func fail(_ error: AtomicFile.FileError) -> AtomicFile.FileError {
            close(fd)
            return error
        }
        for component in components {
            let next = current == "/" ? "/\(component)" : "\(current)/\(component)"
            if checkAncestors, let problem = ancestorProblem(fd) {
                throw fail(AtomicFile.FileError(path: current, operation: "check", errno: EPERM, problem: problem))
            }
            var created = false
            if create, component != ".." {
                if mkdirat(fd, component, 0o700) == 0 {
                    created = true
                } else if errno != EEXIST {
                    throw fail(AtomicFile.FileError(path: next, operation: "mkdir", errno: errno))
                }
            }
            let child: Int32
            if created {
                // Ours a moment ago: a symlink or someone else's folder here now means a race against us.
                child = openat(fd, component, Self.traverse | O_NOFOLLOW)
            } else {
                var info = stat()
                guard fstatat(fd, component, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw fail(AtomicFile.FileError(path: next, operation: "open", errno: errno))
                }
                if info.st_mode & S_IFMT == S_IFLNK, info.st_uid != 0, info.st_uid != geteuid() {
                    throw fail(
                        AtomicFile.FileError(
                            path: next, operation: "check", errno: EPERM,
                            problem:
                                "is a symlink owned by uid \(info.st_uid) (neither you nor root); refusing to follow it"
                        ))
                }
                child = openat(fd, component, Self.traverse)
            }
            guard child >= 0 else { throw fail(AtomicFile.FileError(path: next, operation: "open", errno: errno)) }
            close(fd)
            fd = child
            current = next
            if created, let problem = ownershipProblem(fd) {
                throw fail(AtomicFile.FileError(path: current, operation: "check", errno: EPERM, problem: problem))
            }
        }
        if let problem = ownershipProblem(fd) {
            throw fail(AtomicFile.FileError(path: current, operation: "check", errno: EPERM, problem: problem))
        }
        // The folder itself, opened for real (the walk's descriptors only locate): fsync needs a readable one.
        let leaf = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard leaf >= 0 else { throw fail(AtomicFile.FileError(path: current, operation: "open", errno: errno)) }
        close(fd)
        return leaf
    }

    /// How the walk opens folders: `O_PATH` locates a folder without needing read permission on it, so a path
    /// through a 0711 home directory works.
    private static let traverse = cs_o_path() | O_DIRECTORY | O_CLOEXEC

    /// Why the open folder `fd` is not private to the effective user, or nil.
    private static func ownershipProblem(_ fd: Int32) -> String? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "cannot stat: \(String(cString: strerror(errno)))" }
        if info.st_uid != geteuid() {
            return
                "is owned by uid \(info.st_uid), not by uid \(geteuid()) (the user running codeswarm); use a folder you own"
        }
        if info.st_mode & 0o022 != 0 {
            return
                "is writable by group or others (mode \(String(info.st_mode & 0o7777, radix: 8))); run `chmod go-w` on it or use another folder"
        }
        return nil
    }

    /// Why the open folder `fd` above a private folder lets another user replace what is below it, or nil.
    private static func ancestorProblem(_ fd: Int32) -> String? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "cannot stat: \(String(cString: strerror(errno)))" }
        if info.st_uid != 0, info.st_uid != geteuid() {
            return
                "belongs to uid \(info.st_uid), who could replace the folders below it; use a location under a folder owned by you or root"
        }
        if info.st_mode & 0o022 != 0, info.st_mode & S_ISVTX == 0 {
            return
                "is writable by group or others without the sticky bit (mode \(String(info.st_mode & 0o7777, radix: 8))), so they could replace the folders below it; use another location"
        }
        return nil
    }
}

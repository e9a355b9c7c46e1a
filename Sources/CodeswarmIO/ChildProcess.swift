import CSystemShims
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, with a clean signal mask and default signal dispositions.
///
/// Foundation's `Process` started off the main thread passes the spawning thread's blocked signal mask to the
/// child (SIGTERM and SIGINT stay blocked: see the environment notes), and ignored signals such as SIGPIPE are
/// inherited across exec. Every process this project starts therefore goes through here.
package struct ChildProcess: Sendable {
    /// How one of the child's standard streams is connected.
    package enum Stdio: Sendable, Hashable {
        case inherit
        case null
        case pipe
        /// A file opened for writing (appending when `append`), created 0600 if missing.
        case file(path: String, append: Bool)
    }

    /// How a process ended.
    package typealias ExitStatus = ProcessExitStatus

    /// Why a spawn failed.
    package struct SpawnError: Error, CustomStringConvertible {
        package var executable: String
        package var errno: Int32
        package var description: String {
            "cannot start \(executable): \(String(cString: strerror(errno)))"
        }
    }

    package let pid: pid_t
    /// The write end of the child's stdin, when `.pipe`.
    package let standardInput: FileDescriptorWriter?
    /// The read end of the child's stdout, when `.pipe`; read it with `FileDescriptorReader`.
    package let standardOutput: Int32?
    /// The read end of the child's stderr, when `.pipe`.
    package let standardError: Int32?

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments` (not including argv[0]).
    ///
    /// The child starts with an empty signal mask, or with `blockedSignals` blocked (a mask survives `exec`).
    package static func spawn(
        executable: String, arguments: [String], environment: [String: String]? = nil,
        workingDirectory: String? = nil, stdin: Stdio = .pipe, stdout: Stdio = .pipe, stderr: Stdio = .pipe,
        newSession: Bool = false, blockedSignals: [Int32] = []
    ) throws -> ChildProcess {
        let path = executable.contains("/") ? executable : (PathSearch.find(executable) ?? executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in blockedSignals { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= 0x80 }  // POSIX_SPAWN_SETSID (glibc ≥ 2.26)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var parentEnds: [Int32?] = [nil, nil, nil]
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func closeParentEnds() { for fd in parentEnds.compactMap({ $0 }) { close(fd) } }

        for (index, stdio) in [stdin, stdout, stderr].enumerated() {
            let target = Int32(index)
            switch stdio {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", index == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let filePath, let append):
                let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
                posix_spawn_file_actions_addopen(&actions, target, filePath, mode, 0o600)
            case .pipe:
                var fds: [Int32] = [0, 0]
                guard cs_pipe_cloexec(&fds) == 0 else {
                    closeParentEnds()
                    throw SpawnError(executable: path, errno: errno)
                }
                let (childEnd, parentEnd) = index == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
                childEnds.append(childEnd)
                parentEnds[index] = parentEnd
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            }
        }
        // Only stdin, stdout and stderr cross into the child, whatever the parent has open.
        cs_spawn_addclosefrom(&actions, 3)
        if let workingDirectory {
            cs_spawn_addchdir(&actions, workingDirectory)
        }

        let argv = [path] + arguments
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointer in
            withCStrings(env) { envPointer in
                posix_spawn(&pid, path, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard result == 0 else {
            closeParentEnds()
            throw SpawnError(executable: path, errno: result)
        }
        return ChildProcess(
            pid: pid, standardInput: parentEnds[0].map(FileDescriptorWriter.init(fileDescriptor:)),
            standardOutput: parentEnds[1], standardError: parentEnds[2])
    }

    /// Waits for the child to exit and reaps it (a blocking `waitpid` on its own thread).
    package func wait() async -> ExitStatus {
        await ChildProcess.waitForExit(pid: pid)
    }

    /// Waits for the process `pid`, which must be a child of this process, and reaps it.
    package static func waitForExit(pid: pid_t) async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 {
                    if errno != EINTR {
                        continuation.resume(returning: .exited(-1))
                        return
                    }
                }
                continuation.resume(returning: ExitStatus(waitStatus: status))
            }
            thread.name = "waitpid \(pid)"
            thread.start()
        }
    }

    /// Reaps the child whenever it exits, on a background thread, for children nobody awaits (detached workers).
    package func reapInBackground() {
        let pid = pid
        let thread = Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        }
        thread.name = "reap \(pid)"
        thread.start()
    }

    /// Sends `signal` to the child.
    @discardableResult
    package func send(signal: Int32) -> Bool {
        kill(pid, signal) == 0
    }
}

extension ProcessExitStatus {
    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        let low = status & 0x7f
        if low == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(low)
        }
    }
}

/// Runs `body` with a NULL-terminated C string array.
private func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result)
    -> Result
{
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { buffer in
        // posix_spawn's prototype takes `char *const argv[]`; nothing writes through these pointers.
        body(buffer.baseAddress!)
    }
}

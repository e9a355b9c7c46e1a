import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The signal that asked the dashboard to stop (0 when none); written by the handler, read by the curses thread.
private let trappedSignal = Atomic<Int32>(0)
/// The write end of the curses thread's wake pipe, or -1; the handler writes a byte there.
private let trapWakeDescriptor = Atomic<Int32>(-1)

/// Runs in signal context: only lock-free atomics and `write(2)`, which are async-signal-safe.
private func handleTrappedSignal(_ signal: Int32) {
    let savedErrno = errno
    if signal != SIGWINCH { trappedSignal.store(signal, ordering: .relaxed) }
    let descriptor = trapWakeDescriptor.load(ordering: .relaxed)
    if descriptor >= 0 {
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
    }
    errno = savedErrno
}

/// Catches SIGTERM, SIGHUP, SIGINT and SIGWINCH while the dashboard owns the terminal, and wakes its thread.
///
/// Installed before ncurses starts, so ncurses (which only catches signals left at their default)
/// leaves them to us: the curses thread restores the terminal itself and then reports the signal,
/// and it notices resizes without a polling loop.
struct SignalTrap: ~Copyable {
    /// The signals that end the session.
    static let stopping: [Int32] = [SIGTERM, SIGHUP, SIGINT]

    private var previous: [(Int32, sighandler_t?)] = []

    /// Installs the handlers; `wakeDescriptor` is written to on every caught signal.
    init(wakeDescriptor: Int32) {
        trappedSignal.store(0, ordering: .relaxed)
        trapWakeDescriptor.store(wakeDescriptor, ordering: .relaxed)
        for number in Self.stopping + [SIGWINCH] {
            previous.append((number, signal(number, handleTrappedSignal)))
        }
        // Threads started from Swift concurrency inherit a mask that blocks these; this thread must receive them.
        var set = sigset_t()
        sigemptyset(&set)
        for number in Self.stopping + [SIGWINCH] { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The stopping signal caught so far, if any.
    var caughtSignal: Int32? {
        let value = trappedSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Puts the previous handlers back.
    consuming func remove() {
        trapWakeDescriptor.store(-1, ordering: .relaxed)
        for (number, handler) in previous { signal(number, handler) }
    }
}

/// A non-blocking pipe that wakes the curses thread out of `poll` when a frame or a stop request is waiting.
struct WakePipe: Sendable {
    let readDescriptor: Int32
    let writeDescriptor: Int32

    /// Opens the pipe; nil when the process is out of descriptors.
    init?() {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    /// Wakes the reader (a full pipe already means it will wake).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe after waking.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }

    /// Closes both ends.
    func close() {
        _ = Glibc.close(readDescriptor)
        _ = Glibc.close(writeDescriptor)
    }
}

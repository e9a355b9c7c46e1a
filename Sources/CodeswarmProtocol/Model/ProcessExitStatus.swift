/// How a process ended: the pure form of a `waitpid` status, shared by the process layer and the worker core.
package enum ProcessExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    package var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }

    /// True for exit code 0.
    package var isSuccess: Bool { self == .exited(0) }
}

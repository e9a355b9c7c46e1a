import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads process facts from `/proc`, so a pid can be recognised after a restart even if it is not our child.
package enum ProcessInspector {
    /// A process's identity: its pid plus its start time in clock ticks since boot (pids are reused, start times not).
    package struct Identity: Sendable, Hashable, Codable {
        package var pid: Int32
        package var startTicks: UInt64

        package init(pid: Int32, startTicks: UInt64) {
            self.pid = pid
            self.startTicks = startTicks
        }
    }

    /// The identity of a live (non-zombie) process, or nil when it is gone or a zombie.
    package static func identity(of pid: Int32) -> Identity? {
        guard let stat = try? AtomicFile.read("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: stat, as: UTF8.self)
        // The command name is in parentheses and may contain spaces; fields after the last ')' are fixed.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), start time is field 22, so index 19 here.
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X", let start = UInt64(fields[19]) else { return nil }
        return Identity(pid: pid, startTicks: start)
    }

    /// True when `identity` still names a live process.
    package static func isAlive(_ identity: Identity) -> Bool {
        self.identity(of: identity.pid) == identity
    }

    /// Reaps `pid` if it is an exited child of this process; harmless otherwise.
    package static func reapIfChild(_ pid: Int32) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }
}

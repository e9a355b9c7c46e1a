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

    /// Live processes of this user whose argument list contains `arguments` in order, with their arguments.
    ///
    /// How a restarted router finds workers a launch started before it could record them.
    package static func processes(containing arguments: [String]) -> [(identity: Identity, arguments: [String])] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [(Identity, [String])] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let owner = try? FileManager.default.attributesOfItem(atPath: "/proc/\(pid)")[.ownerAccountID]
                    as? NSNumber,
                owner.uint32Value == getuid(),
                let raw = try? AtomicFile.read("/proc/\(pid)/cmdline")
            else { continue }
            let argv = raw.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard contains(argv, arguments), let identity = identity(of: pid) else { continue }
            found.append((identity, argv))
        }
        return found
    }

    private static func contains(_ argv: [String], _ sequence: [String]) -> Bool {
        guard !sequence.isEmpty, argv.count >= sequence.count else { return false }
        return (0...(argv.count - sequence.count)).contains { start in
            Array(argv[start..<(start + sequence.count)]) == sequence
        }
    }
}

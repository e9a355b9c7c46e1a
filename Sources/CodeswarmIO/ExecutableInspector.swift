import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads ELF headers to tell a fully static executable (no program interpreter) from a dynamic one.
///
/// Compute nodes may run another glibc than the login node; only a binary that needs no dynamic loader runs
/// everywhere, so the Slurm provider deploys nothing else.
package enum ExecutableInspector {
    /// What an executable needs to start.
    package enum Linkage: Sendable, Equatable {
        /// No `PT_INTERP`: the kernel starts it directly.
        case fullyStatic
        /// Needs the dynamic loader at this path.
        case dynamic(interpreter: String)
        /// Not a 64-bit ELF executable, or unreadable.
        case notELF
    }

    /// Inspects the file at `path`.
    package static func linkage(ofFileAt path: String) -> Linkage {
        guard let bytes = try? AtomicFile.read(path) else { return .notELF }
        return linkage(of: bytes)
    }

    /// Inspects ELF bytes (64-bit, little-endian).
    package static func linkage(of bytes: [UInt8]) -> Linkage {
        guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46, bytes[4] == 2,
            bytes[5] == 1
        else { return .notELF }
        func integer(_ offset: Int, _ size: Int) -> Int {
            guard offset + size <= bytes.count else { return 0 }
            var value = 0
            for index in (0..<size).reversed() { value = value << 8 | Int(bytes[offset + index]) }
            return value
        }
        let tableOffset = integer(0x20, 8)
        let entrySize = integer(0x36, 2)
        let count = integer(0x38, 2)
        guard entrySize >= 56 else { return .notELF }
        for index in 0..<count {
            let entry = tableOffset + index * entrySize
            guard entry + entrySize <= bytes.count else { return .notELF }
            if integer(entry, 4) == 3 {  // PT_INTERP
                let start = integer(entry + 8, 8)
                let size = integer(entry + 32, 8)
                guard start + size <= bytes.count else { return .dynamic(interpreter: "?") }
                let text = bytes[start..<(start + size)].prefix { $0 != 0 }
                return .dynamic(interpreter: String(decoding: text, as: UTF8.self))
            }
        }
        return .fullyStatic
    }

    /// The file's size and modification time (nanoseconds) as one string: rsync's quick check for "changed".
    package static func fingerprint(ofFileAt path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_size)-\(info.st_mtim.tv_sec)\(String(format: "%09ld", info.st_mtim.tv_nsec))"
    }
}

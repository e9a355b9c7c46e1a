import CodeswarmIO
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds which Unix user owns the other end of a loopback TCP connection, from `/proc/net/tcp{,6}`.
///
/// Any local user can reach a loopback port; this check is what keeps another user on a shared login node
/// from driving our swarms.
enum PeerCredentials {
    /// The uid owning the client socket `peerAddress:peerPort` connected to `localPort`, or nil if not found.
    static func owner(peerAddress: String, peerPort: Int, localPort: Int) -> uid_t? {
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = try? AtomicFile.read(table) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 7 else { continue }
                // The client's own socket: its local end is the peer we saw, its remote end our port.
                guard let (_, localEndPort) = endpoint(fields[1]), localEndPort == peerPort,
                    let (_, remoteEndPort) = endpoint(fields[2]), remoteEndPort == localPort,
                    isLoopback(hex: String(fields[1].split(separator: ":")[0]))
                else { continue }
                return uid_t(fields[7])
            }
        }
        return nil
    }

    /// True for 127.0.0.0/8 and ::1 (also IPv4-mapped), the only peers whose owner can be checked here.
    static func isLoopback(address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    private static func endpoint(_ field: Substring) -> (String, Int)? {
        let parts = field.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1], radix: 16) else { return nil }
        return (String(parts[0]), port)
    }

    private static func isLoopback(hex: String) -> Bool {
        if hex.count == 8 { return hex.hasSuffix("7F") }  // little-endian IPv4: 0100007F is 127.0.0.1
        return hex == "00000000000000000000000001000000" || hex.hasSuffix("0100007F")
    }
}

import CodeswarmIO
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Decides whether a freshly accepted connection comes from the router's own Unix user.
///
/// Any local user can reach a loopback port; this check is what keeps another user on a shared login node from
/// driving our swarms. The owner is the uid of the client's socket in the kernel's table, found by the
/// connection's full 4-tuple in the ESTABLISHED state (`TCPSocketTable`), never by port alone.
enum PeerCredentials {
    /// Why a connection is refused: the text for the log, and the key under which refusals are rate-limited.
    struct Refusal: Sendable, Hashable {
        var reason: String
        /// `uid N` when the owner is known, else the peer's address (without its port).
        var peerKey: String
    }

    /// Nil when `peer` (the client end) may talk to the router listening at `local` (this connection's own end).
    static func refusal(peer: SocketAddress?, local: SocketAddress?, routerUID: uid_t = getuid()) -> Refusal? {
        guard let peer, let client = endpoint(peer) else {
            return Refusal(reason: "unknown peer address", peerKey: "unknown peer")
        }
        let address = peer.ipAddress ?? "?"
        guard client.isLoopback else {
            return Refusal(
                reason: "only loopback clients are accepted (use ssh -L to reach the router from another host)",
                peerKey: address)
        }
        guard let local, let server = endpoint(local) else {
            return Refusal(reason: "unknown local address of the connection", peerKey: address)
        }
        return refusal(lookup: TCPSocketTable.owner(local: client, remote: server), routerUID: routerUID, peer: address)
    }

    /// The decision for one table lookup (pure, for tests).
    static func refusal(lookup: TCPSocketTable.Lookup, routerUID: uid_t, peer address: String) -> Refusal? {
        switch lookup {
        case .owner(let uid) where uid == routerUID:
            return nil
        case .owner(let uid):
            return Refusal(
                reason: "client socket belongs to uid \(uid), not to the router's user \(routerUID)",
                peerKey: "uid \(uid)")
        case .notFound:
            return Refusal(
                reason: "no established socket in /proc/net/tcp{,6} matches the connection, so its owner is unknown",
                peerKey: address)
        case .ambiguous(let count):
            return Refusal(
                reason: "\(count) sockets in /proc/net/tcp{,6} match the connection; its owner is ambiguous",
                peerKey: address)
        }
    }

    /// The table form of a NIO address; nil for non-IP addresses.
    static func endpoint(_ address: SocketAddress) -> TCPEndpoint? {
        guard let ip = address.ipAddress, let port = address.port else { return nil }
        return TCPEndpoint(ip: ip, port: port)
    }
}

import CodeswarmIO
import NIOCore
import Testing

@testable import Router

/// The decision on one accepted connection: only the router's own user, found by an exact table match.
@Suite("Peer credentials")
struct PeerCredentialsTests {
    @Test("the router's own uid is admitted; any other uid is refused and keyed by uid")
    func ownerDecides() {
        #expect(PeerCredentials.refusal(lookup: .owner(1000), routerUID: 1000, peer: "127.0.0.1") == nil)
        let other = PeerCredentials.refusal(lookup: .owner(1001), routerUID: 1000, peer: "127.0.0.2")
        #expect(other?.peerKey == "uid 1001")
        #expect(other?.reason.contains("uid 1001") == true)
        // A root-run router does not admit uid 0's TIME_WAIT look-alikes: those rows are never matched at all.
        #expect(PeerCredentials.refusal(lookup: .owner(0), routerUID: 0, peer: "127.0.0.1") == nil)
    }

    @Test("no row or several rows refuse the connection, keyed by address")
    func unknownOwnerRefused() {
        let missing = PeerCredentials.refusal(lookup: .notFound, routerUID: 0, peer: "127.0.0.1")
        #expect(missing?.peerKey == "127.0.0.1")
        #expect(missing?.reason.contains("owner is unknown") == true)
        let ambiguous = PeerCredentials.refusal(lookup: .ambiguous(2), routerUID: 0, peer: "127.0.0.1")
        #expect(ambiguous?.reason.contains("ambiguous") == true)
    }

    @Test("a non-loopback peer is refused before any table lookup")
    func nonLoopback() throws {
        let peer = try SocketAddress(ipAddress: "10.1.2.3", port: 5555)
        let local = try SocketAddress(ipAddress: "10.1.2.4", port: 8765)
        let refusal = PeerCredentials.refusal(peer: peer, local: local)
        #expect(refusal?.peerKey == "10.1.2.3")
        #expect(refusal?.reason.contains("loopback") == true)
    }

    @Test("NIO addresses map to table endpoints, IPv4-mapped IPv6 equal to IPv4")
    func endpoints() throws {
        let v4 = try SocketAddress(ipAddress: "127.0.0.2", port: 44123)
        let mapped = try SocketAddress(ipAddress: "::ffff:127.0.0.2", port: 44123)
        #expect(PeerCredentials.endpoint(v4) == PeerCredentials.endpoint(mapped))
        #expect(PeerCredentials.endpoint(v4) == TCPEndpoint(ip: "127.0.0.2", port: 44123))
    }
}

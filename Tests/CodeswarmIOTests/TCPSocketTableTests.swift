import CodeswarmIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The exact 4-tuple match over crafted `/proc/net/tcp{,6}` tables, including the rows that fooled the old
/// port-only check (issue 7 item 1).
@Suite("TCP socket table")
struct TCPSocketTableTests {
    static let header =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"

    /// One row in the kernel's layout; `local`/`remote` are the table's hex `ADDR:PORT` fields.
    static func row(_ slot: Int, _ local: String, _ remote: String, state: String, uid: Int, inode: Int = 4711)
        -> String
    {
        "  \(slot): \(local) \(remote) \(state) 00000000:00000000 00:00000000 00000000 \(uid)        0 \(inode) 1 "
            + "0000000000000000 20 0 0 10 -1"
    }

    static func table(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    // The router listens on 127.0.0.1:8765 (0x223D); the owner's client is 127.0.0.1:44123 (0xAC5B).
    let router = TCPEndpoint(ip: "127.0.0.1", port: 8765)!
    let ownerClient = TCPEndpoint(ip: "127.0.0.1", port: 44123)!
    let attackerClient = TCPEndpoint(ip: "127.0.0.2", port: 44123)!

    @Test("endpoints are written the way each table prints them (IPv4, IPv6, IPv4-mapped)")
    func tableNotation() throws {
        func text(_ ip: String, _ port: Int, ipv6: Bool) -> String? {
            TCPSocketTable.field(TCPEndpoint(ip: ip, port: port)!, ipv6: ipv6).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        #expect(TCPEndpoint(ip: "127.0.0.1", port: 8080)?.description == "127.0.0.1:8080")
        #expect(text("127.0.0.1", 8080, ipv6: false) == "0100007F:1F90")
        #expect(text("127.0.0.2", 44123, ipv6: false) == "0200007F:AC5B")
        // An IPv4 socket and an IPv4-mapped IPv6 socket name the same endpoint, each in its own table.
        #expect(text("::ffff:127.0.0.1", 8080, ipv6: false) == "0100007F:1F90")
        #expect(text("127.0.0.1", 8080, ipv6: true) == "0000000000000000FFFF00000100007F:1F90")
        #expect(text("::1", 8080, ipv6: true) == "00000000000000000000000001000000:1F90")
        #expect(text("::1", 8080, ipv6: false) == nil)
        #expect(TCPEndpoint(ip: "::ffff:127.0.0.1", port: 1) == TCPEndpoint(ip: "127.0.0.1", port: 1))
        #expect(TCPEndpoint(ip: "127.0.0.1", port: 70000) == nil)
    }

    @Test("loopback means 127.0.0.0/8, ::1 and their mapped forms, nothing else")
    func loopback() {
        for address in ["127.0.0.1", "127.0.0.2", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            #expect(TCPEndpoint(ip: address, port: 1)?.isLoopback == true, "\(address)")
        }
        for address in ["10.0.0.1", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "fe80::1", "128.0.0.1"] {
            #expect(TCPEndpoint(ip: address, port: 1)?.isLoopback == false, "\(address)")
        }
        #expect(TCPEndpoint(ip: "localhost", port: 1) == nil)
    }

    @Test("the owner's established socket is found by its full 4-tuple")
    func findsOwner() {
        let text = Self.table([
            Self.row(0, "0100007F:223D", "00000000:0000", state: "0A", uid: 0),
            Self.row(1, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 1000),
            // The router's own accepted socket: the same addresses the other way round.
            Self.row(2, "0100007F:223D", "0100007F:AC5B", state: "01", uid: 0),
        ])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .owner(1000))
    }

    @Test("a TIME_WAIT row (uid 0) with the same ports is never taken, wherever it sits in the table")
    func ignoresTimeWait() {
        let timeWait = Self.row(0, "0100007F:AC5B", "0100007F:223D", state: "06", uid: 0, inode: 0)
        let attacker = Self.row(1, "0200007F:AC5B", "0100007F:223D", state: "01", uid: 1001)
        for rows in [[timeWait, attacker], [attacker, timeWait]] {
            let text = Self.table(rows)
            #expect(TCPSocketTable.owner(local: attackerClient, remote: router, tables: [text]) == .owner(1001))
            // The TIME_WAIT row alone proves nothing about the owner's (closed) client.
            #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .notFound)
        }
    }

    @Test("a same-port socket on 127.0.0.2 is told apart from the owner's on 127.0.0.1, in either order")
    func tellsAddressesApart() {
        let owner = Self.row(0, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 1000)
        let attacker = Self.row(1, "0200007F:AC5B", "0100007F:223D", state: "01", uid: 1001)
        for rows in [[owner, attacker], [attacker, owner]] {
            let text = Self.table(rows)
            #expect(TCPSocketTable.owner(local: attackerClient, remote: router, tables: [text]) == .owner(1001))
            #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .owner(1000))
        }
    }

    @Test("the remote address counts too: a connection to 127.0.0.3 on the router's port is another socket")
    func matchesRemoteAddress() {
        let text = Self.table([Self.row(0, "0100007F:AC5B", "0300007F:223D", state: "01", uid: 0)])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .notFound)
    }

    @Test("two matching established rows are ambiguous, not the first one")
    func refusesDuplicates() {
        let text = Self.table([
            Self.row(0, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 0),
            Self.row(1, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 1001),
        ])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .ambiguous(2))
        // Split over both tables (an IPv4 socket and an IPv4-mapped IPv6 one) it is just as ambiguous.
        let v4 = Self.table([Self.row(0, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 0)])
        let v6 = Self.table([
            Self.row(
                0, "0000000000000000FFFF00000100007F:AC5B", "0000000000000000FFFF00000100007F:223D", state: "01",
                uid: 1001)
        ])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [v4, v6]) == .ambiguous(2))
    }

    @Test("IPv6 rows: ::1 and an IPv4-mapped client of a dual-stack listener")
    func readsIPv6Rows() {
        let v6Router = TCPEndpoint(ip: "::1", port: 8765)!
        let v6Client = TCPEndpoint(ip: "::1", port: 44123)!
        let text = Self.table([
            Self.row(
                0, "00000000000000000000000001000000:AC5B", "00000000000000000000000001000000:223D", state: "01",
                uid: 1000),
            Self.row(
                1, "0000000000000000FFFF00000200007F:AC5B", "0000000000000000FFFF00000100007F:223D", state: "01",
                uid: 1001),
        ])
        #expect(TCPSocketTable.owner(local: v6Client, remote: v6Router, tables: [text]) == .owner(1000))
        // NIO reports a mapped peer as ::ffff:127.0.0.2; it is the same endpoint as the IPv4 form.
        let mappedClient = TCPEndpoint(ip: "::ffff:127.0.0.2", port: 44123)!
        let mappedRouter = TCPEndpoint(ip: "::ffff:127.0.0.1", port: 8765)!
        #expect(TCPSocketTable.owner(local: mappedClient, remote: mappedRouter, tables: [text]) == .owner(1001))
        #expect(TCPSocketTable.owner(local: attackerClient, remote: router, tables: [text]) == .owner(1001))
    }

    @Test("malformed and truncated lines are skipped, not misread")
    func skipsGarbage() {
        let text = Self.table([
            "garbage",
            "  0: 0100007F:AC5B 0100007F:223D 01",
            "  1: 0100007F:AC5B 0100007F:223D 01 00000000:00000000 00:00000000 00000000 notanumber 0 1",
            Self.row(2, "0100007F:AC5B", "0100007F:223D", state: "01", uid: 1000),
        ])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [text]) == .owner(1000))
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [""]) == .notFound)
        // The state is the row's fourth field; an "01" further along does not make the socket established.
        let shifted = Self.table([
            "  0: 0100007F:AC5B 0100007F:223D 0100007F:0001 01 00000000:00000000 00:00000000 00000000 5 0 1"
        ])
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [shifted]) == .notFound)
        // Only the header: no rows at all.
        #expect(TCPSocketTable.owner(local: ownerClient, remote: router, tables: [Self.header]) == .notFound)
    }

    @Test("a line as the kernel prints it")
    func kernelLine() {
        let text = Self.table([
            "  10: 0100007F:E472 0100007F:DAD7 01 00000000:00000000 00:00000000 00000000 65534        0 90915 2 "
                + "0000000064449254 20 0 0 10 -1"
        ])
        let client = TCPEndpoint(ip: "127.0.0.1", port: 0xE472)!
        let server = TCPEndpoint(ip: "127.0.0.1", port: 0xDAD7)!
        #expect(TCPSocketTable.owner(local: client, remote: server, tables: [text]) == .owner(65534))
    }

    @Test("the live table finds this process's own loopback connection")
    func liveTable() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            close(listener)
            close(client)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(listener, raw, length) == 0)
                try #require(listen(listener, 1) == 0)
                try #require(getsockname(listener, raw, &length) == 0)
                try #require(connect(client, raw, length) == 0)
            }
        }
        let serverPort = Int(UInt16(bigEndian: address.sin_port))
        var own = sockaddr_in()
        try withUnsafeMutablePointer(to: &own) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(getsockname(client, raw, &length) == 0)
            }
        }
        let clientPort = Int(UInt16(bigEndian: own.sin_port))
        let lookup = TCPSocketTable.owner(
            local: TCPEndpoint(ip: "127.0.0.1", port: clientPort)!,
            remote: TCPEndpoint(ip: "127.0.0.1", port: serverPort)!)
        #expect(lookup == .owner(getuid()))
    }
}

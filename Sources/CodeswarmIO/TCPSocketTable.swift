import CSystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// One end of a TCP connection as the kernel's socket tables show it: an IPv6 address (IPv4 as `::ffff:a.b.c.d`,
/// so that IPv4 sockets and IPv4-mapped IPv6 sockets compare equal) and a port.
package struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// 16 bytes in network order.
    package var address: [UInt8]
    package var port: Int

    /// An endpoint from 16 address bytes; nil unless there are exactly 16 and the port is 0-65535.
    package init?(address: [UInt8], port: Int) {
        guard address.count == 16, (0...65535).contains(port) else { return nil }
        self.address = address
        self.port = port
    }

    /// Parses a textual address (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`); nil when it is not an IP address.
    package init?(ip text: String, port: Int) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(address: Self.mapped(withUnsafeBytes(of: v4) { Array($0) }), port: port)
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(address: withUnsafeBytes(of: v6) { Array($0) }, port: port)
    }

    /// `::ffff:` followed by the four IPv4 bytes.
    static func mapped(_ v4: [UInt8]) -> [UInt8] {
        [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + v4
    }

    /// True for 127.0.0.0/8 (also IPv4-mapped) and `::1`: the only peers whose owner the local tables show.
    package var isLoopback: Bool {
        let isMapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
        if isMapped { return address[12] == 127 }
        return address[0..<15].allSatisfy { $0 == 0 } && address[15] == 1
    }

    package var description: String {
        let isMapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
        if isMapped { return address[12...].map(String.init).joined(separator: ".") + ":\(port)" }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: address) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        return "[\(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(port)"
    }
}

/// Who owns a TCP socket, read from `/proc/net/tcp` and `/proc/net/tcp6`.
///
/// Any local user can reach a loopback port, and TCP carries no credentials, so the kernel's socket table is the
/// only way to learn whose program is on the other end. The match must be exact: both addresses, both ports, and
/// the ESTABLISHED state (a TIME_WAIT row has no owner and shows uid 0). Anything but exactly one matching row is
/// an unknown owner, never a guess.
package enum TCPSocketTable {
    /// The answer of a lookup.
    package enum Lookup: Sendable, Hashable {
        case owner(uid_t)
        /// No ESTABLISHED row has this 4-tuple (the socket closed, or it lives in another network namespace).
        case notFound
        /// Several rows match; the kernel never shows that for one live connection, so nothing is trusted.
        case ambiguous(Int)
    }

    /// The tables read by `owner(local:remote:)`.
    package static let tablePaths = ["/proc/net/tcp", "/proc/net/tcp6"]

    /// The owner of the ESTABLISHED socket whose own end is `local` and whose peer is `remote`, from the live tables.
    package static func owner(local: TCPEndpoint, remote: TCPEndpoint) -> Lookup {
        let tables = tablePaths.compactMap { path in (try? AtomicFile.read(path)).flatMap { $0 } }
        return owner(local: local, remote: remote, tables: tables)
    }

    /// The same lookup over table texts (each in the format of `/proc/net/tcp` or `/proc/net/tcp6`, header
    /// line included).
    package static func owner(local: TCPEndpoint, remote: TCPEndpoint, tables: [String]) -> Lookup {
        owner(local: local, remote: remote, tables: tables.map { Array($0.utf8) })
    }

    /// The lookup over raw table bytes. It runs for every accepted connection, over tables that hold thousands of
    /// TIME_WAIT rows when someone hammers the port, so it searches for the two address fields with `memmem` and
    /// reads only the rows that hold them.
    package static func owner(local: TCPEndpoint, remote: TCPEndpoint, tables: [[UInt8]]) -> Lookup {
        // " <local> <remote> " in each table's notation (the IPv4 table only for IPv4 and mapped addresses).
        var needles: [[UInt8]] = []
        for ipv6 in [false, true] {
            if let localText = field(local, ipv6: ipv6), let remoteText = field(remote, ipv6: ipv6) {
                needles.append([0x20] + localText + [0x20] + remoteText + [0x20])
            }
        }
        var owners: [uid_t] = []
        for table in tables {
            table.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress else { return }
                for needle in needles {
                    var offset = 0
                    while offset < bytes.count,
                        let hit = needle.withUnsafeBytes({
                            cs_memmem(base + offset, bytes.count - offset, $0.baseAddress, $0.count)
                        })
                    {
                        let position = hit - UnsafeRawPointer(base)
                        offset = position + needle.count
                        // The row holding the hit; it must be a data row whose own fields 1 and 2 are the hit.
                        let start = bytes[..<position].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                        guard start > 0 else { continue }
                        let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
                        let fields = Self.fields(bytes, start..<end, count: 8)
                        guard fields.count == 8, fields[1].lowerBound == position + 1,
                            fields[2].upperBound == offset - 1,
                            bytes[fields[3]].elementsEqual("01".utf8),
                            let uid = uid_t(String(decoding: bytes[fields[7]], as: UTF8.self))
                        else { continue }
                        owners.append(uid)
                    }
                }
            }
        }
        switch owners.count {
        case 0: return .notFound
        case 1: return .owner(owners[0])
        default: return .ambiguous(owners.count)
        }
    }

    /// How a table prints `endpoint`: `0100007F:1F90` in `/proc/net/tcp` (nil for a non-IPv4 address), 32 hex
    /// digits and the port in `/proc/net/tcp6`. The kernel prints each 32-bit word of the address as the integer
    /// it holds in host byte order, so the digits are those of the word whose in-memory bytes are the address.
    package static func field(_ endpoint: TCPEndpoint, ipv6: Bool) -> [UInt8]? {
        let isMapped =
            endpoint.address[0..<10].allSatisfy { $0 == 0 } && endpoint.address[10] == 0xFF
            && endpoint.address[11] == 0xFF
        if !ipv6, !isMapped { return nil }
        let bytes = ipv6 ? endpoint.address : Array(endpoint.address[12...])
        var text = ""
        for start in stride(from: 0, to: bytes.count, by: 4) {
            let word = bytes[start..<start + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            text += hex(UInt64(word), digits: 8)
        }
        return Array((text + ":" + hex(UInt64(endpoint.port), digits: 4)).utf8)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The byte ranges of the first `count` space-separated fields of `range`.
    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, count: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(count)
        var index = range.lowerBound
        while index < range.upperBound, result.count < count {
            while index < range.upperBound, bytes[index] == 0x20 { index += 1 }
            let start = index
            while index < range.upperBound, bytes[index] != 0x20 { index += 1 }
            if index > start { result.append(start..<index) }
        }
        return result
    }
}

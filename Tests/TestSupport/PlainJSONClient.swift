import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A router client built from a bare TCP socket and `JSONSerialization`, using no Codeswarm code at all:
/// what a seed-era script would do. Tests use it to prove the wire protocol on its own.
package final class PlainJSONClient: @unchecked Sendable {
    // All mutable state is guarded by `lock`; the socket is only read by the caller's task.
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()
    /// Every event received so far, in order (as parsed JSON objects).
    package private(set) var received: [[String: Any]] = []

    /// A copy of `received`, safe to take while `readInBackground` appends.
    package var events: [[String: Any]] { lock.withLock { received } }

    /// Connects to `127.0.0.1:port`; `receiveBuffer` shrinks the socket's receive buffer (for slow-reader tests).
    package init(port: Int, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PlainClientError(message: "socket: \(errno)") }
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw PlainClientError(message: "connect to port \(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Ends the connection from this side first (its socket then passes through TIME_WAIT); reads fail afterwards.
    package func closeFirst() {
        shutdown(fd, Int32(SHUT_RDWR))
        lock.withLock { isClosed = true }
    }

    /// The port of this client's own end of the connection.
    package var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends raw bytes.
    package func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw PlainClientError(message: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Sends a command envelope built by hand; returns its request id.
    @discardableResult
    package func command(_ name: String, payload: [String: Any] = [:], requestID: String = UUID().uuidString) throws
        -> String
    {
        let object: [String: Any] = [
            "protocol": "codeswarm.router.v1", "type": "command", "command": name, "request_id": requestID,
            "payload": payload,
        ]
        var data = try JSONSerialization.data(withJSONObject: object)
        data.append(0x0A)
        try sendRaw(Array(data))
        return requestID
    }

    /// Reads events until `predicate` holds for one (returned), or the deadline passes (throws).
    package func waitFor(
        timeout: TimeInterval = 30, _ description: String = "event", where predicate: ([String: Any]) -> Bool
    ) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var checked = 0
        while true {
            let snapshot = lock.withLock { received }
            while checked < snapshot.count {
                if predicate(snapshot[checked]) { return snapshot[checked] }
                checked += 1
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw PlainClientError(message: "timed out waiting for \(description)") }
            if isReadingInBackground {
                if lock.withLock({ isClosed }) { throw PlainClientError(message: "connection closed by the router") }
                usleep(5000)
            } else {
                try readOnce(timeout: min(remaining, 0.5))
            }
        }
    }

    /// Reads whatever arrives within `timeout`.
    package func drain(for timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0, !lock.withLock({ isClosed }) {
            if isReadingInBackground {
                usleep(5000)
            } else {
                try readOnce(timeout: deadline.timeIntervalSinceNow)
            }
        }
    }

    /// True when the router has closed the connection.
    package private(set) var isClosed = false
    private var isReadingInBackground = false

    /// Reads continuously on a background thread from now on, like a healthy client that always keeps up.
    package func readInBackground() {
        isReadingInBackground = true
        let thread = Thread { [self] in
            while !lock.withLock({ isClosed }) { try? readOnce(timeout: 0.5) }
        }
        thread.start()
    }

    private func readOnce(timeout: TimeInterval) throws {
        guard !lock.withLock({ isClosed }) else { throw PlainClientError(message: "connection closed by the router") }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
        guard ready > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            lock.withLock { isClosed = true }
            return
        }
        buffer += chunk[0..<count]
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
                lock.withLock { received.append(object) }
            }
        }
    }
}

/// A failure of the plain client (connect, send, timeout).
package struct PlainClientError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }

    package init(message: String) {
        self.message = message
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The envelope's event name.
    package var eventName: String? { self["event"] as? String }
    /// The envelope's data object.
    package var data: [String: Any] { self["data"] as? [String: Any] ?? [:] }
}

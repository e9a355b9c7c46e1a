import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the end of an outbox file: the last `seq` written, and whether the file ends mid-line.
enum OutboxTail {
    /// How far back to look for a numbered line; outbox lines are rarely longer.
    static let searchLimit = 16 * 1024 * 1024

    /// The `seq` of the last line that has one, or nil when the file is missing or has none.
    static func lastSequence(inFile path: String) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        // Read ever larger windows from the end (64 KiB, doubling) until a numbered line is found.
        var window = 65536
        while true {
            let length = min(window, size)
            var block = [UInt8](repeating: 0, count: length)
            let count = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(size - length)) }
            guard count == length else { return nil }
            if let sequence = lastSequence(in: block, isFileStart: length == size) { return sequence }
            guard length < size, window < searchLimit else { return nil }
            window *= 2
        }
    }

    /// The last `seq` among the complete lines of `bytes` (the first line counts only at the file's start).
    private static func lastSequence(in bytes: [UInt8], isFileStart: Bool) -> Int? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if !isFileStart, !lines.isEmpty { lines.removeFirst() }
        for line in lines.reversed() where !line.isEmpty {
            if let record = try? WireCoding.decode(NumberedLine.self, from: line), let seq = record.seq { return seq }
        }
        return nil
    }

    /// True when the file exists, is not empty and its last byte is not a newline.
    static func endsWithoutNewline(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return false }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, status.st_size - 1) == 1 else { return false }
        return last != UInt8(ascii: "\n")
    }

    /// Just the `seq` of an outbox line.
    private struct NumberedLine: Decodable {
        var seq: Int?
    }
}

import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The demo agent's stdio: lines from stdin read on a blocking thread, unbuffered whole-line writes to stdout.
enum StandardStreams {
    /// The largest stdin line accepted; a turn/start holding a multi-megabyte prompt must fit.
    static let maximumLineLength = 64 * 1024 * 1024

    /// Lines read from stdin until end of file.
    static func inputLines() -> AsyncStream<LineSplitter.Output> {
        AsyncStream { continuation in
            let thread = Thread {
                var splitter = LineSplitter(maximumLineLength: maximumLineLength)
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                    if count > 0 {
                        for output in splitter.append(buffer[0..<count]) { continuation.yield(output) }
                    } else if count == 0 || errno != EINTR {
                        break
                    }
                }
                continuation.finish()
            }
            thread.name = "demo-agent stdin"
            thread.start()
        }
    }

    /// Writes `message` as one line to stdout with no user-space buffering, so the client sees it at once.
    static func send(_ message: JSONValue) {
        // Encoding a JSONValue fails only for non-finite numbers, which the demo agent never produces.
        guard let line = try? WireCoding.encodeLine(message) else { return }
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(1, base + offset, raw.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Writes `prompt`'s UTF-8 bytes to `<folder>/prompt_<k>.txt`, k being the first number not taken yet.
    static func record(prompt: String, in folder: String) {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var index = 1
        while manager.fileExists(atPath: "\(folder)/prompt_\(index).txt") { index += 1 }
        let path = "\(folder)/prompt_\(index).txt"
        if !manager.createFile(atPath: path, contents: Data(prompt.utf8)) {
            FileHandle.standardError.write(Data("demo-agent: cannot write \(path)\n".utf8))
        }
    }
}

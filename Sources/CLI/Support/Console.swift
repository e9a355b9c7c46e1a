import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The CLI's stdout and stderr, written without buffering surprises: lines appear as events arrive, even in a pipe.
enum Console {
    static func out(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// Progress and notes go to stderr so `--json` and id output on stdout stay machine-readable.
    static func note(_ text: String) {
        write("codeswarm: " + text + "\n", to: STDERR_FILENO)
    }

    static func error(_ text: String) {
        write("codeswarm: error: " + text + "\n", to: STDERR_FILENO)
    }

    /// One write laid out by `AnswerPrinter`, exactly as given.
    static func write(_ write: AnswerPrinter.Write) {
        Self.write(write.text, to: write.stream == .out ? STDOUT_FILENO : STDERR_FILENO)
    }

    /// Writes all of `text`; when the reader has gone (`codeswarm attach | head`), exits quietly like other tools.
    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if errno == EPIPE {
                exit(0)
            } else if errno != EINTR {
                return
            }
        }
    }

    /// Prints an encodable value as one JSON line.
    static func json(_ value: some Encodable) {
        if let text = try? JSONLine.string(value) { out(text) }
    }
}

/// JSON output for `--json`.
enum JSONLine {
    static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

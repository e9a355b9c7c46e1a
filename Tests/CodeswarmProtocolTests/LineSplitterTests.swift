import CodeswarmProtocol
import Testing

/// Framing: complete lines come out in order, partial tails wait, oversized lines are refused and reading recovers.
@Suite("LineSplitter")
struct LineSplitterTests {
    static func line(_ text: String) -> LineSplitter.Output { .line(Array(text.utf8)) }

    @Test("several lines in one chunk come out in order")
    func severalLines() {
        var splitter = LineSplitter()
        #expect(
            splitter.append(Array("one\ntwo\nthree\n".utf8)) == [
                Self.line("one"), Self.line("two"), Self.line("three"),
            ])
        #expect(splitter.pendingByteCount == 0)
    }

    @Test("a partial tail is held back until its newline arrives")
    func partialTailHeldBack() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("{\"a\":".utf8)) == [])
        #expect(splitter.pendingByteCount == 5)
        #expect(splitter.append(Array("1}\n{\"b\"".utf8)) == [Self.line("{\"a\":1}")])
        #expect(splitter.pendingByteCount == 4)
        #expect(splitter.append(Array(":2}\n".utf8)) == [Self.line("{\"b\":2}")])
        #expect(splitter.pendingByteCount == 0)
    }

    @Test("a multi-byte character split across chunks is reassembled intact")
    func splitMultibyteCharacter() {
        var splitter = LineSplitter()
        let bytes = Array("naïve 🚀\n".utf8)
        var outputs: [LineSplitter.Output] = []
        for byte in bytes { outputs += splitter.append([byte]) }
        #expect(outputs == [Self.line("naïve 🚀")])
    }

    @Test("an empty line is reported as an empty line")
    func emptyLine() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("\n\nx\n".utf8)) == [.line([]), .line([]), Self.line("x")])
    }

    @Test("CRLF line endings split on the newline and keep the carriage return for the JSON parser to skip")
    func crlf() {
        var splitter = LineSplitter()
        #expect(
            splitter.append(Array("{\"a\":1}\r\n{\"b\":2}\r\n".utf8)) == [
                Self.line("{\"a\":1}\r"), Self.line("{\"b\":2}\r"),
            ])
    }

    @Test("a line of exactly the limit is accepted")
    func exactlyAtLimit() {
        var splitter = LineSplitter(maximumLineLength: 8)
        #expect(splitter.append(Array("12345678\n".utf8)) == [Self.line("12345678")])
    }

    @Test("an oversized line becomes .oversized with its size, and the next line is read normally")
    func oversizedThenRecovery() {
        var splitter = LineSplitter(maximumLineLength: 8)
        #expect(splitter.append(Array("0123456789\nok\n".utf8)) == [.oversized(byteCount: 10), Self.line("ok")])
    }

    @Test("an oversized line spread over chunks is discarded without buffering it, then reading recovers")
    func oversizedAcrossChunks() {
        var splitter = LineSplitter(maximumLineLength: 8)
        #expect(splitter.append(Array("01234".utf8)) == [])
        #expect(splitter.append(Array("56789".utf8)) == [])
        #expect(splitter.pendingByteCount == 0, "the oversized line is not kept in memory")
        #expect(splitter.append(Array("abcdefghij".utf8)) == [])
        #expect(splitter.append(Array("xx\nok\npart".utf8)) == [.oversized(byteCount: 22), Self.line("ok")])
        #expect(splitter.pendingByteCount == 4)
        #expect(splitter.append(Array("ial\n".utf8)) == [Self.line("partial")])
    }

    @Test("two oversized lines in a row are each reported")
    func twoOversized() {
        var splitter = LineSplitter(maximumLineLength: 3)
        #expect(
            splitter.append(Array("aaaa\nbbbbb\nc\n".utf8)) == [
                .oversized(byteCount: 4), .oversized(byteCount: 5), Self.line("c"),
            ])
    }

    @Test("the default limit is 8 MiB")
    func defaultLimit() {
        #expect(LineSplitter.defaultMaximumLineLength == 8 * 1024 * 1024)
        #expect(LineSplitter().maximumLineLength == 8 * 1024 * 1024)
    }
}

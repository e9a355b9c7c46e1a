import Dashboard
import DashboardCore
import Testing

/// The pure decoder from ncurses input to keys, tested with tables.
@Suite struct CursesKeyDecoderTests {
    typealias Input = CursesKeyDecoder.Input
    let codes = CursesKeyCodes.ncurses6

    /// Feeds `inputs` and then the end of the batch, returning everything decoded.
    func decode(_ inputs: [Input]) -> [CursesKeyDecoder.Output] {
        var decoder = CursesKeyDecoder(codes: codes)
        return (inputs + [.endOfBatch]).flatMap { decoder.feed($0) }
    }

    static let characters: [(UInt32, Key)] = [
        (0x61, .character("a")), (0x47, .character("G")), (0x20, .character(" ")), (0x09, .tab), (0x0D, .enter),
        (0x0A, .enter), (0x7F, .backspace), (0x08, .backspace), (0x03, .control("c")), (0x15, .control("u")),
        (0x17, .control("w")), (0x30CE, .character("ノ")), (0x1F680, .character("🚀")),
    ]

    @Test("characters from wget_wch", arguments: characters)
    func character(value: UInt32, key: Key) {
        #expect(decode([.character(value)]) == [.key(key)])
    }

    @Test("function key codes")
    func functionKeys() {
        let table: [(Int32, Key)] = [
            (codes.up, .up), (codes.down, .down), (codes.left, .left), (codes.right, .right), (codes.home, .home),
            (codes.end, .end), (codes.nextPage, .pageDown), (codes.previousPage, .pageUp), (codes.delete, .delete),
            (codes.insert, .insert), (codes.backspace, .backspace), (codes.enter, .enter), (codes.backTab, .backTab),
            (codes.functionZero + 1, .function(1)), (codes.functionZero + 12, .function(12)),
        ]
        for (code, key) in table {
            #expect(decode([.function(code)]) == [.key(key)], "code \(code)")
        }
        #expect(decode([.function(codes.resize)]) == [.resize])
        #expect(decode([.function(0o777)]).isEmpty)
    }

    @Test("Esc alone at the end of a batch is Escape; Esc then a character is Alt")
    func escape() {
        #expect(decode([.character(0x1B)]) == [.key(.escape)])
        #expect(decode([.character(0x1B), .character(0x78)]) == [.key(.alt("x"))])
        #expect(decode([.character(0x1B), .character(0x1B)]) == [.key(.escape), .key(.escape)])
        #expect(decode([.character(0x1B), .function(codes.up)]) == [.key(.escape), .key(.up)])
    }

    @Test("an unknown ESC [ sequence is swallowed instead of typed")
    func unknownSequence() {
        let sequence: [Input] = [0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x41].map { .character($0) }
        #expect(decode(sequence + [.character(0x61)]) == [.key(.character("a"))])
    }

    @Test("a bracketed paste arrives whole, newlines kept, CR LF folded, controls dropped")
    func paste() {
        let text: [Input] =
            Array("ab".unicodeScalars).map { .character($0.value) }
            + [
                .character(0x0D), .character(0x0A), .character(0x63), .character(0x07), .function(codes.enter),
                .character(0x64),
            ]
        let inputs: [Input] = [.function(codes.pasteStart)] + text + [.function(codes.pasteEnd)]
        #expect(decode(inputs) == [.paste("ab\nc\nd")])
    }

    @Test("a paste spread over several read batches still arrives whole")
    func pasteAcrossBatches() {
        var decoder = CursesKeyDecoder(codes: codes)
        var output = decoder.feed(.function(codes.pasteStart))
        output += decoder.feed(.character(0x71))
        output += decoder.feed(.endOfBatch)
        output += decoder.feed(.character(0x1B))
        output += decoder.feed(.endOfBatch)
        output += decoder.feed(.function(codes.pasteEnd))
        #expect(output == [.paste("q")])
    }
}

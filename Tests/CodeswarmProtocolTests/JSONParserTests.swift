import CodeswarmProtocol
import Foundation
import Testing

/// `JSONParser` and the readers built on it give what `JSONDecoder` gives, and refuse what it refuses.
@Suite("JSON parser")
struct JSONParserTests {
    static let fixtureFiles = [
        "commands.jsonl", "events.jsonl", "head_commands.jsonl", "inbox.jsonl", "outbox.jsonl", "relay_events.jsonl",
        "relay_requests.jsonl", "seed_commands.jsonl", "seed_events.jsonl", "seed_inbox.jsonl", "seed_outbox.jsonl",
    ]

    @Test("every line of every golden fixture parses to the value JSONDecoder reads", arguments: fixtureFiles)
    func fixturesMatchDecoder(file: String) throws {
        for line in try Fixture.lines(file) {
            let expected = try WireCoding.decode(JSONValue.self, from: line)
            #expect(try JSONParser.parse(Array(line.utf8)) == expected, "\(file): \(line)")
        }
    }

    @Test("escapes, surrogate pairs, non-ASCII text and numbers read as JSONDecoder reads them")
    func valuesMatchDecoder() throws {
        let texts = [
            #"{"a":"\"\\\/\b\f\n\r\t\u0001\u001f\u00e9\u20ac\ud83d\ude00","b":"café — 😀","c":""}"#,
            #"[0,-0,1,-1,42,123456789012345,1234567890123456789,0.5,-2.25,1e3,1E-3,6.02e+23,-1.5e-7]"#,
            #" { "nested" : [ true , false , null , { } , [ ] , { "k" : [ 1 , { "x" : "y" } ] } ] } "#,
            #""just a string""#, "17", "true", "null",
        ]
        for text in texts {
            #expect(try JSONParser.parse(Array(text.utf8)) == WireCoding.decode(JSONValue.self, from: text), "\(text)")
        }
    }

    @Test(
        "text that is not JSON is refused by both",
        arguments: [
            "", " ", "{", "}", #"{"a" 1}"#, #"{a:1}"#, "01", "1.", ".5", "-", "1e", "+1", "tru",
            "nul", "1 2", #""unterminated"#, #""bad \x escape""#, "\"raw \u{01} control\"", #""\ud800""#,
            #""\udc00 low first""#, #""\u12G4""#, "[1] x", "NaN", "Infinity",
        ])
    func invalidTextIsRefused(text: String) {
        #expect(throws: (any Error).self) { try JSONParser.parse(Array(text.utf8)) }
        #expect(throws: (any Error).self) { try WireCoding.decode(JSONValue.self, from: text) }
    }

    @Test("bytes that are not UTF-8 inside a string are refused")
    func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test("its UTF-8 check agrees with the standard library's on every 1- and 2-byte sequence and on edge cases")
    func utf8CheckAgreesWithStandardLibrary() {
        var inputs: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for first in 0...255 { for second in 0...255 { inputs.append([UInt8(first), UInt8(second)]) } }
        inputs += [
            Array("é€😀中文".utf8), [0xEF, 0xBF, 0xBD], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0xE2, 0x82], Array("ok".utf8) + [0xC3], [0x61, 0xFF, 0x62],
        ]
        for input in inputs {
            let ours = input.withUnsafeBufferPointer(JSONParser.validUTF8)
            #expect(ours == String(validating: input, as: UTF8.self), "\(input)")
        }
    }

    @Test("nesting past the depth limit is refused instead of exhausting the stack")
    func deepNestingIsRefused() throws {
        let shallow = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try JSONParser.parse(Array(shallow.utf8)) != .null)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test(
        "every outbox fixture line reads into the same record through the parser",
        arguments: [
            "outbox.jsonl", "seed_outbox.jsonl",
        ])
    func outboxRecordsMatchDecoder(file: String) throws {
        for line in try Fixture.lines(file) {
            #expect(try OutboxRecord(parsing: line.utf8) == WireCoding.decode(OutboxRecord.self, from: line), "\(line)")
        }
    }

    @Test("a trailing comma, which JSONDecoder tolerates and the parser does not, still reads through the fallback")
    func trailingCommaFallsBack() throws {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(#"{"a":1,}"#.utf8)) }
        let line = #"{"seq":4,"type":"heartbeat",}"#
        #expect(try OutboxRecord(parsing: line.utf8) == OutboxRecord(type: .heartbeat, jobID: nil, nodeID: nil, seq: 4))
    }

    @Test("an outbox line with a wrong member type or unknown type is refused, as JSONDecoder refuses it")
    func badOutboxLinesAreRefused() {
        for line in [
            #"{"type":"codex_rpc","seq":"3"}"#, #"{"type":"nonsense"}"#, #"{"seq":3}"#, #"{"type":"start","held":1}"#,
            "[]",
        ] {
            #expect(throws: (any Error).self) { try OutboxRecord(parsing: line.utf8) }
            #expect(throws: (any Error).self) { try WireCoding.decode(OutboxRecord.self, from: line) }
        }
    }

    @Test("every relay event fixture line reads into the same event through the parser")
    func relayEventsMatchDecoder() throws {
        for line in try Fixture.lines("relay_events.jsonl") {
            let bytes = Array(line.utf8)
            #expect(try RelayEvent(parsing: bytes) == WireCoding.decode(RelayEvent.self, from: bytes), "\(line)")
        }
    }

    @Test("a record's inode too large for a Double is still read exactly")
    func largeInodeIsExact() throws {
        let inode: UInt64 = (1 << 60) + 3
        let line = Array(#"{"end":9,"file":"f","inode":\#(inode),"line":"{}","offset":0,"type":"record"}"#.utf8)
        #expect(try RelayEvent(parsing: line) == .record(file: "f", inode: inode, offset: 0, end: 9, line: "{}"))
    }
}

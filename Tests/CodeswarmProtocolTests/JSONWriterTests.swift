import CodeswarmProtocol
import Foundation
import Testing

/// `EventEnvelope.wireLine()` (written by `JSONWriter` for streaming events) is byte for byte `JSONEncoder`'s line.
@Suite("JSON writer")
struct JSONWriterTests {
    /// Every byte below 0x80, escapes and non-ASCII text, so each escaping rule is compared.
    static let awkwardText =
        String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{2028}\u{2029} café — 😀 \\\"/ end"

    @Test("every golden event line re-encodes to the same bytes through wireLine")
    func fixturesMatchEncoder() throws {
        for line in try Fixture.lines("events.jsonl") {
            let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
            #expect(try envelope.wireLine() == WireCoding.encodeLine(envelope), "\(line)")
            #expect(try envelope.wireLine() == Array((line + "\n").utf8), "\(line)")
        }
    }

    @Test("each body written directly matches JSONEncoder, with and without the optional fields")
    func directBodiesMatchEncoder() throws {
        let bodies: [StreamEvent.Body] = [
            .assistantDelta(content: Self.awkwardText), .assistant(content: ""), .turnStarted,
            .turnComplete(status: "failed", error: Self.awkwardText), .turnComplete(status: nil, error: nil),
            .commandOutput(itemID: "item-1", content: Self.awkwardText), .commandOutput(itemID: nil, content: "x"),
            .reasoningDelta(itemID: "r", content: "think"), .reasoning(itemID: nil, content: "done"),
            .agentStatus(status: "idle", flags: []), .nodeEnded(reason: "sigterm"),
        ]
        for body in bodies {
            for optional in [true, false] {
                let event = StreamEvent(
                    swarmID: "3f1c2a9e/\"x\"", jobID: "local_ad6a3e6b", nodeID: optional ? 63 : 0,
                    injectionID: optional ? "b7e4c1d2" : nil, turnID: optional ? Self.awkwardText : nil,
                    seq: optional ? Int.max : nil, body: body)
                let envelope = EventEnvelope(timestamp: "2026-12-01T13:05:00.000001+00:00", event: .stream(event))
                #expect(try envelope.wireLine() == WireCoding.encodeLine(envelope), "\(body.name), \(optional)")
            }
        }
    }

    @Test("integers, booleans and null are written as JSONEncoder writes them")
    func scalarsMatchEncoder() throws {
        for value in [0, 7, -7, 10, 1_000_000, Int.max, Int.min] {
            var writer = JSONWriter()
            writer.integer(value)
            #expect(writer.bytes == (try WireCoding.encode(value)), "\(value)")
        }
        var writer = JSONWriter()
        writer.bool(true)
        writer.byte(UInt8(ascii: ","))
        writer.bool(false)
        writer.byte(UInt8(ascii: ","))
        writer.null()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "true,false,null")
    }
}

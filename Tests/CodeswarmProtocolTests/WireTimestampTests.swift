import CodeswarmProtocol
import Foundation
import Testing

/// Event timestamps look like the seed's: ISO 8601, UTC, microseconds, `+00:00`.
@Suite("WireTimestamp")
struct WireTimestampTests {
    @Test("the epoch formats with six fractional digits and +00:00")
    func epoch() {
        #expect(WireTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000+00:00")
    }

    @Test("microseconds are kept")
    func microseconds() {
        #expect(
            WireTimestamp.string(from: Date(timeIntervalSince1970: 1_795_609_784.793876))
                == "2026-11-25T12:29:44.793876+00:00")
        #expect(
            WireTimestamp.string(from: Date(timeIntervalSince1970: 1_700_000_000.000001))
                == "2023-11-14T22:13:20.000001+00:00")
    }

    @Test("a fraction that rounds up to a whole second carries into the seconds")
    func roundingCarries() {
        #expect(
            WireTimestamp.string(from: Date(timeIntervalSince1970: 59.999_999_7)) == "1970-01-01T00:01:00.000000+00:00")
    }

    @Test("every formatted timestamp has the seed's shape")
    func shape() throws {
        let pattern = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$"#)
        for seconds in [0.0, 1.5, 951_782_400.25, 1_795_609_784.793876, 4_102_444_799.999] {
            let text = WireTimestamp.string(from: Date(timeIntervalSince1970: seconds))
            #expect(text.wholeMatch(of: pattern) != nil, "\(text)")
        }
    }

    @Test("seed timestamps, Z timestamps and timestamps without a fraction parse")
    func parsing() throws {
        let seed = try #require(WireTimestamp.date(from: "2026-02-25T23:58:01.123456+00:00"))
        #expect(abs(seed.timeIntervalSince1970 - 1_772_063_881.123456) < 0.001)
        let zulu = try #require(WireTimestamp.date(from: "2026-02-25T23:58:01Z"))
        #expect(zulu.timeIntervalSince1970 == 1_772_063_881)
        let offset = try #require(WireTimestamp.date(from: "2026-02-26T00:58:01+01:00"))
        #expect(offset.timeIntervalSince1970 == 1_772_063_881)
    }

    @Test("what string(from:) writes parses back to the same instant within a millisecond")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_795_609_784.793876)
        let parsed = try #require(WireTimestamp.date(from: WireTimestamp.string(from: date)))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.001)
    }

    @Test("unreadable timestamps give nil")
    func garbage() {
        #expect(WireTimestamp.date(from: "") == nil)
        #expect(WireTimestamp.date(from: "yesterday") == nil)
        #expect(WireTimestamp.date(from: "2026-13-45T99:00:00+00:00") == nil)
    }
}

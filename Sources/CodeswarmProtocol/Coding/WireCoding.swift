import Foundation

/// The one place where the wire's JSON encoder and decoder are configured.
package enum WireCoding {
    /// Encodes `value` as compact JSON with sorted keys (stable for fixtures and diffs), no trailing newline.
    package static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Encodes `value` as one JSON line: compact JSON followed by `\n`.
    package static func encodeLine<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        var bytes = try encode(value)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Encodes `value` as a JSON string (no newline).
    package static func encodeString<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Decodes a `Value` from JSON bytes.
    package static func decode<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws -> Value
    {
        try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// Decodes a `Value` from a JSON string.
    package static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Formats and parses the router's event timestamps: ISO 8601, UTC, microseconds, `+00:00` like the seed.
package enum WireTimestamp {
    /// The timestamp text for `date`, e.g. `2026-11-25T12:29:44.793876+00:00`.
    package static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros == 1_000_000 {
            whole += 1
            micros = 0
        }
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Digits written directly: every event carries one, and `String(format:)` costs microseconds each.
        var text: [UInt8] = []
        text.reserveCapacity(32)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            if rest >= divisor * 10 { text.append(contentsOf: String(rest / (divisor * 10)).utf8) }
            rest %= divisor * 10
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        text.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        text.append(UInt8(ascii: "."))
        digits(micros, 6)
        text.append(contentsOf: "+00:00".utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses a timestamp written by `string(from:)` or by the seed (any ISO 8601 with offset); nil if unreadable.
    package static func date(from text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

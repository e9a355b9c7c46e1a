/// Writes JSON bytes exactly as `WireCoding.encode` would (compact, keys sorted, slashes unescaped), for the few
/// shapes on the router's per-event path.
///
/// `JSONEncoder` builds a tree of boxed values and sorts every object's keys on each call; writing the known
/// shapes directly costs a fraction of that. `JSONWriterTests` holds the output byte-equal to `JSONEncoder`'s.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    package mutating func raw(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    package mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// A string with `JSONEncoder`'s escapes: `\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00XX`.
    package mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw(#"\""#)
                case UInt8(ascii: "\\"): raw(#"\\"#)
                case 0x08: raw(#"\b"#)
                case 0x0C: raw(#"\f"#)
                case 0x0A: raw(#"\n"#)
                case 0x0D: raw(#"\r"#)
                case 0x09: raw(#"\t"#)
                default:
                    raw(#"\u00"#)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    package mutating func null() {
        raw("null")
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

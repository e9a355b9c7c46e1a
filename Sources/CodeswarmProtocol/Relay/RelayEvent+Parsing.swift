extension RelayEvent {
    /// Reads one relay output line like `WireCoding.decode(RelayEvent.self, from:)`, faster for `record` lines
    /// (nearly all of them under a burst): those go through `JSONParser`; every other line, and any line that path
    /// cannot read exactly (an inode past 2^53, say), through `JSONDecoder`.
    package init(parsing line: [UInt8]) throws {
        if let event = try? Self.directRecord(line) {
            self = event
        } else {
            self = try WireCoding.decode(RelayEvent.self, from: line)
        }
    }

    private static func directRecord(_ line: [UInt8]) throws -> RelayEvent? {
        let fields = try JSONFields(try JSONParser.parse(line))
        guard try fields.string("type") == "record" else { return nil }
        func offset(_ key: String) throws -> UInt64 {
            // `integer` refuses numbers a Double cannot hold exactly.
            let value = try fields.required(key, fields.integer)
            guard value >= 0 else { throw JSONFields.Mismatch(key: key, expected: "a byte offset") }
            return UInt64(value)
        }
        return .record(
            file: try fields.required("file", fields.string), inode: try offset("inode"), offset: try offset("offset"),
            end: try offset("end"), line: try fields.required("line", fields.string))
    }
}

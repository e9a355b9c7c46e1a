extension EventEnvelope {
    /// The envelope as one wire line (JSON and `\n`), byte for byte what `WireCoding.encodeLine` writes.
    ///
    /// The stream events that make up a burst (deltas, output, reasoning, turn starts and ends) are written by
    /// `JSONWriter`; every other event goes through `JSONEncoder`. `JSONWriterTests` checks both give the same bytes.
    package func wireLine() throws -> [UInt8] {
        if case .stream(let stream) = event, let line = stream.directLine(timestamp: timestamp) { return line }
        return try WireCoding.encodeLine(self)
    }
}

extension StreamEvent {
    /// One `data` field: its key and how to write its value.
    private enum Field {
        case string(String)
        case optionalString(String?)
        case integer(Int)
    }

    /// The whole envelope line for the streaming bodies, nil for the others.
    fileprivate func directLine(timestamp: String) -> [UInt8]? {
        // Keys in sorted (byte) order: `JSONEncoder`'s `.sortedKeys`.
        var fields: [(key: StaticString, value: Field)] = []
        switch body {
        case .assistantDelta(let content), .assistant(let content):
            fields.append(("content", .string(content)))
        case .commandOutput(let itemID, let content), .reasoningDelta(let itemID, let content),
            .reasoning(let itemID, let content):
            fields.append(("content", .string(content)))
            if let itemID { fields.append(("item_id", .string(itemID))) }
        case .turnStarted:
            break
        case .turnComplete(let status, let error):
            if let error { fields.append(("error", .string(error))) }
            if let status { fields.append(("status", .string(status))) }
        default:
            return nil
        }
        fields.append(("injection_id", .optionalString(injectionID?.rawValue)))
        fields.append(("job_id", .string(jobID.rawValue)))
        fields.append(("node_id", .integer(nodeID)))
        if let seq { fields.append(("seq", .integer(seq))) }
        fields.append(("swarm_id", .string(swarmID.rawValue)))
        if let turnID { fields.append(("turn_id", .string(turnID))) }
        fields.sort { Self.precedes($0.key, $1.key) }

        var writer = JSONWriter(capacity: 320 + (body.contentLength ?? 0))
        writer.raw(#"{"data":{"#)
        for (index, field) in fields.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.byte(UInt8(ascii: "\""))
            writer.raw(field.key)
            writer.raw(#"":"#)
            switch field.value {
            case .string(let text): writer.string(text)
            case .optionalString(let text?): writer.string(text)
            case .optionalString(nil): writer.null()
            case .integer(let value): writer.integer(value)
            }
        }
        writer.raw(#"},"event":"#)
        writer.string(body.name)
        writer.raw(#","protocol":"#)
        writer.string(ProtocolName.router)
        writer.raw(#","timestamp":"#)
        writer.string(timestamp)
        writer.raw(#","type":"#)
        writer.string(ProtocolName.eventType)
        writer.raw("}\n")
        return writer.bytes
    }

    private static func precedes(_ left: StaticString, _ right: StaticString) -> Bool {
        let lhs = UnsafeBufferPointer(start: left.utf8Start, count: left.utf8CodeUnitCount)
        let rhs = UnsafeBufferPointer(start: right.utf8Start, count: right.utf8CodeUnitCount)
        return lhs.lexicographicallyPrecedes(rhs)
    }
}

extension StreamEvent.Body {
    /// The size of the text a streaming body carries (to size the line's buffer once).
    fileprivate var contentLength: Int? {
        switch self {
        case .assistantDelta(let content), .assistant(let content), .commandOutput(_, let content),
            .reasoningDelta(_, let content), .reasoning(_, let content):
            content.utf8.count
        default: nil
        }
    }
}

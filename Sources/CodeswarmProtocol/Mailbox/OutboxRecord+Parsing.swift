extension OutboxRecord {
    /// Reads one outbox line like `WireCoding.decode(OutboxRecord.self, from:)`, faster: `JSONParser` first, and
    /// `JSONDecoder` only for a line that parser path cannot read (so errors are `JSONDecoder`'s).
    package init(parsing line: some Collection<UInt8>) throws {
        if let record = try? Self.direct(line) {
            self = record
        } else {
            self = try WireCoding.decode(OutboxRecord.self, from: line)
        }
    }

    private static func direct(_ line: some Collection<UInt8>) throws -> OutboxRecord {
        let fields = try JSONFields(try JSONParser.parse(line))
        let typeName = try fields.required("type", fields.string)
        guard let type = Kind(rawValue: typeName) else { throw JSONFields.Mismatch(key: "type", expected: "known") }
        return OutboxRecord(
            type: type, jobID: try fields.string("job_id").map(JobID.init(rawValue:)),
            nodeID: try fields.integer("node_id"),
            injectionID: try fields.string("injection_id").map(InjectionID.init(rawValue:)),
            payload: fields.value("payload"), hostname: try fields.string("hostname"),
            timestamp: try fields.string("timestamp"), line: try fields.string("line"),
            error: try fields.string("error"),
            code: try fields.string("code"), reason: try fields.string("reason"), seq: try fields.integer("seq"),
            pid: try fields.integer("pid"), direction: try fields.string("direction"), held: try fields.bool("held"),
            how: try fields.string("how"), turnID: try fields.string("turn_id"),
            threadID: try fields.string("thread_id"), rolloutPath: try fields.string("rollout_path"),
            resumed: try fields.bool("resumed"),
            interruptedInjectionID: try fields.string("interrupted_injection_id").map(InjectionID.init(rawValue:)),
            drainSeconds: try fields.double("drain_seconds"), restartCount: try fields.integer("restart_count"))
    }
}

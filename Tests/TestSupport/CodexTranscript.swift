import CodeswarmProtocol
import Foundation

/// A golden transcript of the real codex (`CodexFixtures/transcripts/<name>.jsonl`, recorded by
/// `scripts/codex/record-transcripts.py`): every JSON-RPC message in the order it crossed codex's stdio.
package struct CodexTranscript: Sendable {
    /// One message and who wrote it.
    package struct Entry: Sendable {
        package var side: CodexSchema.Side
        package var message: JSONValue
    }

    package let name: String
    package let entries: [Entry]

    /// The recorded scenarios.
    package static let names = [
        "plain", "approval", "declined", "reasoning", "retried", "rate_limited", "failed", "interrupted", "steered",
        "resumed",
    ]

    /// Loads transcript `name`.
    package static func load(_ name: String) throws -> CodexTranscript {
        let url = CodexSchema.fixturesDirectory.appendingPathComponent("transcripts/\(name).jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        let entries = try text.split(separator: "\n").map { line -> Entry in
            let value = try WireCoding.decode(JSONValue.self, from: String(line))
            let side: CodexSchema.Side = value["direction"]?.stringValue == "to_agent" ? .client : .server
            return Entry(side: side, message: value["message"] ?? .null)
        }
        return CodexTranscript(name: name, entries: entries)
    }

    /// The messages codex wrote, in order.
    package var fromCodex: [JSONValue] { entries.filter { $0.side == .server }.map(\.message) }
}

extension JSONValue {
    /// Removes the member at `path` (object keys), for tests that break a message on purpose.
    package mutating func remove(path: [String]) {
        guard let first = path.first, case .object(var members) = self else { return }
        if path.count == 1 {
            members[first] = nil
        } else {
            var child = members[first] ?? .null
            child.remove(path: Array(path.dropFirst()))
            members[first] = child
        }
        self = .object(members)
    }

    /// Sets the member at `path` (object keys) to `value`.
    package mutating func set(path: [String], to value: JSONValue) {
        guard let first = path.first, case .object(var members) = self else { return }
        if path.count == 1 {
            members[first] = value
        } else {
            var child = members[first] ?? .null
            child.set(path: Array(path.dropFirst()), to: value)
            members[first] = child
        }
        self = .object(members)
    }
}

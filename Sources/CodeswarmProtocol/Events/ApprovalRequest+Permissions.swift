/// What a permissions approval asks for, said in one line for people (the inbox, `codeswarm approvals`).
extension ApprovalRequest {
    /// The requested permissions, each with its values: `fileSystem.write: /work/out, /tmp/x; network.enabled`.
    /// Nil when the request carries none. Keys keep codex's names so the line matches its documentation.
    package var permissionsSummary: String? {
        guard let members = permissions?.objectValue, !members.isEmpty else { return nil }
        let parts = members.keys.sorted().flatMap { Self.describe(members[$0] ?? .null, path: $0) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `path: values` for one member; nested objects become dotted paths, `false` and null say nothing asked.
    private static func describe(_ value: JSONValue, path: String) -> [String] {
        switch value {
        case .null, .bool(false): return []
        case .bool(true): return [path]
        case .string(let text): return ["\(path): \(text)"]
        case .number(let number): return ["\(path): \(value.intValue.map(String.init) ?? String(number))"]
        case .array(let elements):
            let items = elements.map { $0.stringValue ?? (try? WireCoding.encodeString($0)) ?? "?" }
            return items.isEmpty ? [] : ["\(path): \(items.joined(separator: ", "))"]
        case .object(let members):
            return members.keys.sorted().flatMap { describe(members[$0] ?? .null, path: "\(path).\($0)") }
        }
    }
}

/// Typed reads of one JSON object's members, with `Codable`'s rules: an absent or null optional member is nil,
/// a member of the wrong type is an error (never silently nil).
package struct JSONFields {
    /// A member that is missing or has the wrong type.
    package struct Mismatch: Error, CustomStringConvertible {
        package var key: String
        package var expected: String
        package var description: String { "`\(key)` must be \(expected)" }
    }

    let members: [String: JSONValue]

    /// The members of `value`, which must be an object.
    package init(_ value: JSONValue) throws(Mismatch) {
        guard case .object(let members) = value else { throw Mismatch(key: "(line)", expected: "an object") }
        self.members = members
    }

    package func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    package func string(_ key: String) throws(Mismatch) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw Mismatch(key: key, expected: "a string") }
        return text
    }

    package func integer(_ key: String) throws(Mismatch) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue else { throw Mismatch(key: key, expected: "an integer") }
        return number
    }

    package func double(_ key: String) throws(Mismatch) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else { throw Mismatch(key: key, expected: "a number") }
        return number
    }

    package func bool(_ key: String) throws(Mismatch) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw Mismatch(key: key, expected: "true or false") }
        return flag
    }

    package func required<Value>(_ key: String, _ read: (String) throws(Mismatch) -> Value?) throws(Mismatch) -> Value {
        guard let value = try read(key) else { throw Mismatch(key: key, expected: "present") }
        return value
    }
}

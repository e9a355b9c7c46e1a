extension JSONValue {
    /// The string, or `null` when there is none (codex writes absent optional members as `null`).
    package static func string(orNull value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// A whole number.
    package static func int(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// A whole number, or `null` when there is none.
    package static func int(orNull value: Int?) -> JSONValue {
        value.map { .number(Double($0)) } ?? .null
    }
}

import CodeswarmProtocol

/// A JSON Schema (draft 7) validator for the keywords codex's generated app-server schema uses, and no others.
///
/// Supported: `type` (one or a list), `properties`, `required`, `additionalProperties` (bool or schema), `items`,
/// `enum`, `anyOf`, `oneOf`, `allOf`, `$ref` (`#/definitions/...`), `format` (the integer widths, `double`),
/// `minimum`, `minLength`, boolean schemas; `title`, `description`, `default`, `$schema` and `definitions` are
/// annotations. Loading a schema that uses any other keyword throws, so a newer codex whose schema needs more
/// cannot pass by being half-checked.
package struct JSONSchemaValidator: Sendable {
    /// The root document (holds `definitions`).
    package let root: JSONValue

    /// Why a schema cannot be used.
    package struct UnsupportedSchema: Error, CustomStringConvertible {
        package var description: String
    }

    static let validating: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "oneOf", "allOf", "$ref",
        "format", "minimum", "minLength",
    ]
    static let annotations: Set<String> = ["title", "description", "default", "$schema", "definitions"]

    /// Takes the root document; throws if any schema in it uses a keyword this validator does not implement.
    package init(root: JSONValue) throws(UnsupportedSchema) {
        self.root = root
        var unknown: Set<String> = []
        Self.collectKeywords(root, unknown: &unknown)
        guard unknown.isEmpty else {
            throw UnsupportedSchema(
                description: "the schema uses keywords the validator does not implement: "
                    + unknown.sorted().joined(separator: ", "))
        }
    }

    /// The schema at `#/definitions/<path>` (`path` like `v2/Turn`), or nil.
    package func definition(_ path: String) -> JSONValue? {
        var node = root["definitions"]
        for part in path.split(separator: "/") { node = node?[String(part)] }
        return node
    }

    /// The violations of `value` against `schema`, each as `<json path>: <problem>`; empty when it conforms.
    package func validate(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [String] {
        switch schema {
        case .bool(let accepts):
            return accepts ? [] : ["\(path): no value is allowed here"]
        case .object(let keywords):
            return validate(value, keywords: keywords, path: path)
        default:
            return ["\(path): the schema is not an object or boolean"]
        }
    }

    private func validate(_ value: JSONValue, keywords: [String: JSONValue], path: String) -> [String] {
        var errors: [String] = []
        if let reference = keywords["$ref"]?.stringValue {
            guard reference.hasPrefix("#/definitions/"), let target = definition(String(reference.dropFirst(14)))
            else { return ["\(path): unresolvable $ref \(reference)"] }
            errors += validate(value, against: target, path: path)
        }
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            guard allowed.contains(where: { Self.matches(value, type: $0) }) else {
                return errors + [
                    "\(path): expected \(allowed.joined(separator: " or ")), found \(value.typeDescription)"
                ]
            }
        }
        if let choices = keywords["enum"]?.arrayValue, !choices.contains(value) {
            errors.append(
                "\(path): \(Self.show(value)) is not one of \(choices.map(Self.show).joined(separator: ", "))")
        }
        if let format = keywords["format"]?.stringValue, case .number(let number) = value {
            let isWhole = number.rounded() == number
            if format.hasPrefix("int") || format.hasPrefix("uint") {
                if !isWhole { errors.append("\(path): \(number) is not an integer (\(format))") }
                if format.hasPrefix("uint"), number < 0 { errors.append("\(path): \(number) is negative (\(format))") }
            }
        }
        if let minimum = keywords["minimum"]?.doubleValue, let number = value.doubleValue, number < minimum {
            errors.append("\(path): \(number) is below the minimum \(minimum)")
        }
        if let minimum = keywords["minLength"]?.intValue, let text = value.stringValue, text.count < minimum {
            errors.append("\(path): the string is shorter than \(minimum)")
        }
        if case .object(let members) = value {
            errors += validateObject(members, keywords: keywords, path: path)
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                errors += validate(element, against: items, path: "\(path)[\(index)]")
            }
        }
        if let all = keywords["allOf"]?.arrayValue {
            for schema in all { errors += validate(value, against: schema, path: path) }
        }
        if let any = keywords["anyOf"]?.arrayValue, !any.contains(where: { conforms(value, to: $0) }) {
            errors.append("\(path): matches none of anyOf: " + closest(value, any, path: path))
        }
        if let one = keywords["oneOf"]?.arrayValue {
            let passing = one.filter { conforms(value, to: $0) }.count
            if passing == 0 {
                errors.append("\(path): matches none of oneOf: " + closest(value, one, path: path))
            } else if passing > 1 {
                errors.append("\(path): matches \(passing) branches of oneOf, exactly one allowed")
            }
        }
        return errors
    }

    private func validateObject(_ members: [String: JSONValue], keywords: [String: JSONValue], path: String)
        -> [String]
    {
        var errors: [String] = []
        for required in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        where members[required] == nil {
            errors.append("\(path): missing required member \"\(required)\"")
        }
        let properties = keywords["properties"]?.objectValue ?? [:]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                errors += validate(member, against: schema, path: "\(path).\(name)")
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    errors.append("\(path): member \"\(name)\" is not allowed")
                } else {
                    errors += validate(member, against: additional, path: "\(path).\(name)")
                }
            }
        }
        return errors
    }

    /// The errors of the branch that came closest (fewest errors), for a readable anyOf/oneOf failure.
    private func closest(_ value: JSONValue, _ branches: [JSONValue], path: String) -> String {
        let outcomes = branches.map { validate(value, against: $0, path: path) }
        let best = outcomes.min { $0.count < $1.count } ?? []
        return "[" + best.prefix(3).joined(separator: "; ") + "]"
    }

    /// True when `value` conforms to `schema`: the same rules as `validate`, stopping at the first violation
    /// and building no messages (branches of `oneOf`/`anyOf` are tried this way).
    package func conforms(_ value: JSONValue, to schema: JSONValue) -> Bool {
        switch schema {
        case .bool(let accepts):
            return accepts
        case .object(let keywords):
            if let reference = keywords["$ref"]?.stringValue {
                guard reference.hasPrefix("#/definitions/"), let target = definition(String(reference.dropFirst(14))),
                    conforms(value, to: target)
                else { return false }
            }
            if let type = keywords["type"] {
                let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
                guard allowed.contains(where: { Self.matches(value, type: $0) }) else { return false }
            }
            if let choices = keywords["enum"]?.arrayValue, !choices.contains(value) { return false }
            if let format = keywords["format"]?.stringValue, case .number(let number) = value,
                format.hasPrefix("int") || format.hasPrefix("uint")
            {
                if number.rounded() != number || (format.hasPrefix("uint") && number < 0) { return false }
            }
            if let minimum = keywords["minimum"]?.doubleValue, let number = value.doubleValue, number < minimum {
                return false
            }
            if let minimum = keywords["minLength"]?.intValue, let text = value.stringValue, text.count < minimum {
                return false
            }
            if case .object(let members) = value {
                for required in keywords["required"]?.arrayValue ?? [] {
                    guard let name = required.stringValue, members[name] != nil else { return false }
                }
                let properties = keywords["properties"]?.objectValue ?? [:]
                for (name, member) in members {
                    if let schema = properties[name] {
                        guard conforms(member, to: schema) else { return false }
                    } else if let additional = keywords["additionalProperties"], !conforms(member, to: additional) {
                        return false
                    }
                }
            }
            if case .array(let elements) = value, let items = keywords["items"] {
                guard elements.allSatisfy({ conforms($0, to: items) }) else { return false }
            }
            if let all = keywords["allOf"]?.arrayValue, !all.allSatisfy({ conforms(value, to: $0) }) { return false }
            if let any = keywords["anyOf"]?.arrayValue, !any.contains(where: { conforms(value, to: $0) }) {
                return false
            }
            if let one = keywords["oneOf"]?.arrayValue, one.filter({ conforms(value, to: $0) }).count != 1 {
                return false
            }
            return true
        default:
            return false
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .number):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func show(_ value: JSONValue) -> String {
        (try? WireCoding.encodeString(value)) ?? "\(value)"
    }

    /// Walks every schema in the document (not the data-shaped maps under `properties` and `definitions`).
    private static func collectKeywords(_ schema: JSONValue, unknown: inout Set<String>) {
        guard case .object(let keywords) = schema else { return }
        for (keyword, value) in keywords {
            switch keyword {
            case "properties", "definitions":
                for member in value.objectValue?.values.map({ $0 }) ?? [] {
                    // `definitions` nests namespaces (`v2`): maps of schemas that use no keyword themselves.
                    let keys = Set(member.objectValue?.keys.map { $0 } ?? [])
                    if keyword == "definitions", keys.isDisjoint(with: validating.union(annotations)) {
                        for inner in member.objectValue?.values.map({ $0 }) ?? [] {
                            collectKeywords(inner, unknown: &unknown)
                        }
                    } else {
                        collectKeywords(member, unknown: &unknown)
                    }
                }
            case "items", "additionalProperties":
                collectKeywords(value, unknown: &unknown)
            case "anyOf", "oneOf", "allOf":
                for branch in value.arrayValue ?? [] { collectKeywords(branch, unknown: &unknown) }
            default:
                if !validating.contains(keyword), !annotations.contains(keyword) { unknown.insert(keyword) }
            }
        }
    }
}

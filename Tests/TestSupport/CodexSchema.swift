import CodeswarmProtocol
import Foundation

/// The JSON Schema the pinned codex generates for its app-server protocol (`CodexFixtures/`, refreshed by
/// `scripts/codex/refresh-fixtures.sh`), applied to whole JSON-RPC messages.
package struct CodexSchema: Sendable {
    /// The codex version the fixture came from.
    package let version: String
    package let validator: JSONSchemaValidator

    /// Which side wrote a message: the client (the worker) or the server (codex, or the demo agent).
    package enum Side: Sendable, Hashable {
        case client, server
    }

    /// The folder of the committed codex fixtures.
    package static var fixturesDirectory: URL {
        Bundle.module.resourceURL?.appendingPathComponent("CodexFixtures")
            ?? URL(fileURLWithPath: "\(RealCodex.repositoryRoot)/Tests/TestSupport/CodexFixtures")
    }

    /// The committed schema, loaded once per test process (it is 0.7 MB of JSON).
    package static func load() throws -> CodexSchema {
        try shared.get()
    }

    private static let shared: Result<CodexSchema, any Error> = Result { try read() }

    private static func read() throws -> CodexSchema {
        let folder = fixturesDirectory
        let data = try Data(contentsOf: folder.appendingPathComponent("app-server-protocol.schema.json"))
        // JSONSerialization is far faster than Codable on a document this size.
        let root = JSONValue(foundation: try JSONSerialization.jsonObject(with: data))
        let version = (try? String(contentsOf: folder.appendingPathComponent("VERSION"), encoding: .utf8)) ?? "?"
        return CodexSchema(
            version: version.trimmingCharacters(in: .whitespacesAndNewlines),
            validator: try JSONSchemaValidator(root: root))
    }

    /// The variant of the union `union` (`ClientRequest`, `ServerNotification`, …) for `method`.
    package func variant(of union: String, method: String) -> JSONValue? {
        validator.definition(union)?["oneOf"]?.arrayValue?.first { branch in
            branch["properties"]?["method"]?["enum"]?.arrayValue?.contains(.string(method)) == true
        }
    }

    /// The definition path (`v2/TurnStartResponse`) of the result of request `method` from the union `union`.
    package func responseDefinition(of union: String, method: String) -> String? {
        guard let reference = variant(of: union, method: method)?["properties"]?["params"]?["$ref"]?.stringValue,
            reference.hasSuffix("Params")
        else { return nil }
        return String(reference.dropFirst("#/definitions/".count).dropLast("Params".count)) + "Response"
    }

    /// The definition path of the params of `method` in `union`.
    package func paramsDefinition(of union: String, method: String) -> String? {
        variant(of: union, method: method)?["properties"]?["params"]?["$ref"]?.stringValue
            .map { String($0.dropFirst("#/definitions/".count)) }
    }

    /// A conversation checked message by message: requests, notifications and errors against their unions,
    /// responses against the result type of the request they answer.
    package struct Conversation: Sendable {
        package let schema: CodexSchema
        /// Requests waiting for their response, by side that sent them, then id.
        private var pending: [Side: [JSONValue: String]] = [.client: [:], .server: [:]]
        /// Every method seen, by side (for "this mode was exercised" checks).
        package private(set) var methods: [Side: [String]] = [.client: [], .server: []]

        package init(schema: CodexSchema) { self.schema = schema }

        /// The violations of `message` written by `side`; empty when it conforms.
        package mutating func check(_ message: JSONValue, from side: Side) -> [String] {
            let unions =
                side == .client
                ? (request: "ClientRequest", notification: "ClientNotification", answered: "ServerRequest")
                : (request: "ServerRequest", notification: "ServerNotification", answered: "ClientRequest")
            let validator = schema.validator
            switch AppServer.Message(message) {
            case .request(let id, let method, _):
                pending[side]?[id] = method
                methods[side]?.append(method)
                guard let variant = schema.variant(of: unions.request, method: method) else {
                    return ["\(unions.request) has no method \"\(method)\""]
                }
                return validator.validate(message, against: variant).map { "\(method): \($0)" }
            case .notification(let method, _):
                methods[side]?.append(method)
                guard let variant = schema.variant(of: unions.notification, method: method) else {
                    return ["\(unions.notification) has no method \"\(method)\""]
                }
                return validator.validate(message, against: variant).map { "\(method): \($0)" }
            case .response(let id, let result):
                let other: Side = side == .client ? .server : .client
                guard let method = pending[other]?.removeValue(forKey: id) else {
                    return ["a response to id \(id) that no request of the other side had"]
                }
                guard let definition = schema.responseDefinition(of: unions.answered, method: method),
                    let resultSchema = validator.definition(definition)
                else { return ["no result type for \(method)"] }
                let envelope = validator.definition("JSONRPCResponse").map { validator.validate(message, against: $0) }
                return (envelope ?? [])
                    + validator.validate(result, against: resultSchema, path: "$.result")
                    .map { "\(method) result: \($0)" }
            case .errorResponse(let id, _):
                let other: Side = side == .client ? .server : .client
                if !id.isNull { pending[other]?.removeValue(forKey: id) }
                guard let envelope = validator.definition("JSONRPCError") else { return ["no JSONRPCError"] }
                return validator.validate(message, against: envelope).map { "error response: \($0)" }
            case .unrecognised:
                return ["not a JSON-RPC message: \(message)"]
            }
        }
    }
}

extension JSONValue {
    /// Converts what `JSONSerialization` returns.
    package init(foundation value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; their encoding ("c") tells them apart.
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}

/// The connection-level handshake: the `hello` command and the `token` envelope field.
///
/// They are answered by the router's connection gate, before and outside the command set the router core
/// handles: `hello {token, client}` gets `welcome` (or `command_rejected`), and any command envelope may carry
/// `token` instead. A seed-era client sends neither and keeps working unless `router.require_token` is on.
package enum Handshake {
    /// The `command` name of the handshake.
    package static let helloCommand = "hello"
    /// The router writes its token here, in its state directory (mode 0600, rotated at each start).
    package static let tokenFileName = "router.token"

    /// Who is connecting, for the router's log (`payload.client` of `hello`).
    package struct ClientInfo: Sendable, Hashable {
        package var name: String
        package var version: String?

        package init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }

        var jsonValue: JSONValue {
            var members: [String: JSONValue] = ["name": .string(name)]
            if let version { members["version"] = .string(version) }
            return .object(members)
        }
    }

    /// What the connection gate needs to know about one line from a client that has not authenticated.
    package enum Inspection: Sendable, Hashable {
        /// `hello`: its request id, the token it presents (nil when none), who it says it is.
        case hello(requestID: JSONValue, token: String?, client: ClientInfo?)
        /// Any other command, with the envelope's `token` when it has one; the router core validates the rest.
        case command(requestID: JSONValue, token: String?)
        /// Not a usable envelope at all (not JSON, not an object, a mistyped token).
        case invalid(CommandParser.Rejection)
    }

    /// Reads the handshake-relevant parts of one line (without its newline).
    package static func inspect(line: some Collection<UInt8>) -> Inspection {
        guard let value = try? WireCoding.decode(JSONValue.self, from: line) else {
            return .invalid(
                CommandParser.Rejection(
                    requestID: .null,
                    reason: "could not parse the line: it is not valid JSON; send one JSON object per line"))
        }
        return inspect(value: value)
    }

    /// Reads the handshake-relevant parts of a decoded line.
    package static func inspect(value: JSONValue) -> Inspection {
        guard let object = value.objectValue else {
            return .invalid(
                CommandParser.Rejection(
                    requestID: .null,
                    reason: "expected a JSON object (a command envelope), got \(value.typeDescription)"))
        }
        let requestID = object["request_id"] ?? .null
        func invalid(_ reason: String) -> Inspection {
            .invalid(CommandParser.Rejection(requestID: requestID, reason: reason))
        }
        var envelopeToken: String?
        if let token = object["token"], !token.isNull {
            guard let text = token.stringValue else {
                return invalid("token must be a string, got \(token.typeDescription)")
            }
            envelopeToken = text
        }
        guard object["command"]?.stringValue == helloCommand else {
            return .command(requestID: requestID, token: envelopeToken)
        }
        guard object["protocol"]?.stringValue == ProtocolName.router else {
            return invalid("hello needs \"protocol\": \"\(ProtocolName.router)\"")
        }
        let payload = object["payload"] ?? .object([:])
        guard let members = payload.objectValue else {
            return invalid("payload must be an object, got \(payload.typeDescription)")
        }
        var token = envelopeToken
        if let value = members["token"], !value.isNull {
            guard let text = value.stringValue else {
                return invalid("payload.token must be a string, got \(value.typeDescription)")
            }
            token = text
        }
        var client: ClientInfo?
        if let value = members["client"], !value.isNull {
            guard let info = value.objectValue, let name = info["name"]?.stringValue else {
                return invalid("payload.client must be an object with a string \"name\" (and optional \"version\")")
            }
            client = ClientInfo(name: name, version: info["version"]?.stringValue)
        }
        return .hello(requestID: requestID, token: token, client: client)
    }

    /// The `hello` command line a client sends first (with its newline).
    package static func helloLine(requestID: String, token: String?, client: ClientInfo) throws -> [UInt8] {
        var payload: [String: JSONValue] = ["client": client.jsonValue]
        if let token { payload["token"] = .string(token) }
        let envelope: JSONValue = [
            "protocol": .string(ProtocolName.router), "type": .string(ProtocolName.commandType),
            "command": .string(helloCommand), "request_id": .string(requestID), "payload": .object(payload),
        ]
        return try WireCoding.encodeLine(envelope)
    }

    /// True when `presented` equals `expected`, in time that does not depend on where they differ.
    package static func tokensMatch(_ presented: String, _ expected: String) -> Bool {
        let lhs = Array(presented.utf8)
        let rhs = Array(expected.utf8)
        guard lhs.count == rhs.count, !rhs.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

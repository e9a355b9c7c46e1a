/// The command envelope: `{protocol, type:"command", command, request_id, payload}`.
package struct CommandEnvelope: Sendable, Hashable, Codable {
    package var `protocol`: String
    package var type: String
    package var command: String
    /// Echoed unchanged in every reply; a string or a number.
    package var requestID: JSONValue
    package var payload: JSONValue

    /// Wraps a validated command.
    package init(requestID: String, command: RouterCommand) {
        self.protocol = ProtocolName.router
        self.type = ProtocolName.commandType
        self.command = command.name
        self.requestID = .string(requestID)
        self.payload = command.payload
    }

    enum CodingKeys: String, CodingKey {
        case `protocol`, type, command, payload
        case requestID = "request_id"
    }
}

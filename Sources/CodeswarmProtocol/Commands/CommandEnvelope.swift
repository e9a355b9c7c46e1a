/// The command envelope: `{protocol, type:"command", command, request_id, payload}`.
public struct CommandEnvelope: Sendable, Hashable, Codable {
    public var `protocol`: String
    public var type: String
    public var command: String
    /// Echoed unchanged in every reply; a string or a number.
    public var requestID: JSONValue
    public var payload: JSONValue

    /// Wraps a validated command.
    public init(requestID: String, command: RouterCommand) {
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

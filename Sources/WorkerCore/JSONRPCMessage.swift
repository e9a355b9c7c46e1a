import CodeswarmProtocol

/// One message read from the agent, sorted into the four JSON-RPC shapes (a `jsonrpc` member is ignored).
enum JSONRPCMessage: Sendable, Hashable {
    /// A server request: it has an id and a method, and must be answered.
    case request(id: JSONValue, method: String, params: JSONValue)
    /// A notification: a method without an id.
    case notification(method: String, params: JSONValue)
    /// A successful response to one of our requests.
    case response(id: JSONValue, result: JSONValue)
    /// An error response to one of our requests (the id may be null for a parse error).
    case errorResponse(id: JSONValue, error: JSONValue)
    /// An object that fits none of the shapes.
    case unrecognised

    init(_ value: JSONValue) {
        let id = value["id"]
        if let method = value["method"]?.stringValue {
            let params = value["params"] ?? .null
            if let id, !id.isNull {
                self = .request(id: id, method: method, params: params)
            } else {
                self = .notification(method: method, params: params)
            }
        } else if let error = value["error"], !error.isNull {
            self = .errorResponse(id: id ?? .null, error: error)
        } else if let id, let result = value["result"] {
            self = .response(id: id, result: result)
        } else {
            self = .unrecognised
        }
    }

    /// The turn a request or notification names: `params.turnId`, else `params.turn.id`.
    var turnID: String? {
        switch self {
        case .request(_, _, let params), .notification(_, let params):
            params["turnId"]?.stringValue ?? params["turn"]?["id"]?.stringValue
        default:
            nil
        }
    }

    /// The text of an error response's `error.message`, or a description of the error value.
    static func describe(error: JSONValue) -> String {
        if let message = error["message"]?.stringValue {
            if let code = error["code"]?.intValue { return "\(message) (code \(code))" }
            return message
        }
        return (try? WireCoding.encodeString(error)) ?? "unknown error"
    }
}

extension AppServer {
    /// One JSON-RPC message on the app-server's stdio, sorted into its four shapes (a `jsonrpc` member is ignored).
    ///
    /// Ids are kept as they came (`RequestId` is a string or an integer), so an answer echoes the same type.
    package enum Message: Sendable, Hashable {
        /// A request: it has an id and a method, and must be answered.
        case request(id: JSONValue, method: String, params: JSONValue)
        /// A notification: a method without an id.
        case notification(method: String, params: JSONValue)
        /// A successful response.
        case response(id: JSONValue, result: JSONValue)
        /// An error response (the id may be null for a parse error).
        case errorResponse(id: JSONValue, error: JSONValue)
        /// An object that fits none of the shapes.
        case unrecognised

        /// Sorts `value` into one of the shapes.
        package init(_ value: JSONValue) {
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

        /// The message as JSON-RPC (without a `jsonrpc` member, as codex writes it).
        package var json: JSONValue {
            switch self {
            case .request(let id, let method, let params):
                return ["id": id, "method": .string(method), "params": params]
            case .notification(let method, let params):
                return params.isNull ? ["method": .string(method)] : ["method": .string(method), "params": params]
            case .response(let id, let result):
                return ["id": id, "result": result]
            case .errorResponse(let id, let error):
                return ["id": id, "error": error]
            case .unrecognised:
                return [:]
            }
        }

        /// A request of ours to codex.
        package static func request(id: Int, _ method: ClientMethod, _ params: JSONValue) -> Message {
            .request(id: .number(Double(id)), method: method.rawValue, params: params)
        }

        /// A notification codex sends.
        package static func notification(_ method: NotificationMethod, _ params: JSONValue) -> Message {
            .notification(method: method.rawValue, params: params)
        }

        /// A request codex sends.
        package static func serverRequest(id: JSONValue, _ method: ServerRequestMethod, _ params: JSONValue)
            -> Message
        {
            .request(id: id, method: method.rawValue, params: params)
        }

        /// An error response with `code` and `message`.
        package static func error(id: JSONValue, code: Int, message: String) -> Message {
            .errorResponse(id: id, error: ["code": .number(Double(code)), "message": .string(message)])
        }

        /// The method of a request or notification.
        package var method: String? {
            switch self {
            case .request(_, let method, _), .notification(let method, _): method
            default: nil
            }
        }

        /// The params of a request or notification (`null` when absent).
        package var params: JSONValue {
            switch self {
            case .request(_, _, let params), .notification(_, let params): params
            default: .null
            }
        }

        /// The notification's method, when it is one Codeswarm knows.
        package var notificationMethod: NotificationMethod? {
            if case .notification(let method, _) = self { return NotificationMethod(rawValue: method) }
            return nil
        }

        /// The turn a request or notification names: `params.turnId`, else `params.turn.id`.
        package var turnID: String? {
            switch self {
            case .request(_, _, let params), .notification(_, let params):
                params["turnId"]?.stringValue ?? params["turn"]?["id"]?.stringValue
            default:
                nil
            }
        }

        /// The item a request or notification names: `params.itemId`, else `params.item.id`.
        package var itemID: String? {
            switch self {
            case .request(_, _, let params), .notification(_, let params):
                params["itemId"]?.stringValue ?? params["item"]?["id"]?.stringValue
            default:
                nil
            }
        }

        /// The text of an error response's `error.message` (with its code), or a description of the error value.
        package static func describe(error: JSONValue) -> String {
            if let message = error["message"]?.stringValue {
                if let code = error["code"]?.intValue { return "\(message) (code \(code))" }
                return message
            }
            return (try? WireCoding.encodeString(error)) ?? "unknown error"
        }
    }
}

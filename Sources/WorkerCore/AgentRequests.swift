import CodeswarmProtocol

/// The messages the worker sends to the agent, as JSON-RPC values without a `jsonrpc` member (as codex expects).
enum AgentRequests {
    static func initialize(id: Int) -> JSONValue {
        request(
            id: id, method: "initialize",
            params: [
                "clientInfo": [
                    "name": "codeswarm", "title": "Codeswarm",
                    "version": .string(AgentSessionConfiguration.clientVersion),
                ],
                "capabilities": ["experimentalApi": false],
            ])
    }

    static let initialized: JSONValue = ["method": "initialized"]

    /// `thread/start`, or `thread/resume` of `resumingThread` after an agent restart (codex keeps the history).
    static func openThread(id: Int, configuration: AgentSessionConfiguration, resumingThread: String?) -> JSONValue {
        var params: [String: JSONValue] = [
            "cwd": .string(configuration.workingDirectory),
            "sandbox": .string(configuration.sandbox),
            "approvalPolicy": .string(configuration.approvalPolicy),
        ]
        if let model = configuration.model { params["model"] = .string(model) }
        if let resumingThread {
            params["threadId"] = .string(resumingThread)
            return request(id: id, method: "thread/resume", params: .object(params))
        }
        return request(id: id, method: "thread/start", params: .object(params))
    }

    static func turnStart(id: Int, threadID: String, text: String) -> JSONValue {
        request(
            id: id, method: "turn/start",
            params: [
                "threadId": .string(threadID),
                "input": [["type": "text", "text": .string(text), "text_elements": []]],
            ])
    }

    static func turnInterrupt(id: Int, threadID: String, turnID: String) -> JSONValue {
        request(id: id, method: "turn/interrupt", params: ["threadId": .string(threadID), "turnId": .string(turnID)])
    }

    private static func request(id: Int, method: String, params: JSONValue) -> JSONValue {
        ["id": .number(Double(id)), "method": .string(method), "params": params]
    }

    /// The message as one line: compact JSON and a newline.
    static func line(_ message: JSONValue) -> [UInt8] {
        // Encoding a JSONValue fails only for non-finite numbers, which these messages never contain.
        (try? WireCoding.encodeLine(message)) ?? Array("{}\n".utf8)
    }
}

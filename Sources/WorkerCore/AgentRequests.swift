import CodeswarmProtocol

/// The messages the worker sends to the agent, built from the typed app-server protocol (`AppServer`).
enum AgentRequests {
    static func initialize(id: Int) -> JSONValue {
        AppServer.Message.request(
            id: id, .initialize,
            AppServer.InitializeParams(
                clientName: "codeswarm", clientTitle: "Codeswarm",
                clientVersion: AgentSessionConfiguration.clientVersion
            ).json
        ).json
    }

    static let initialized = AppServer.Message.notification(
        method: AppServer.ClientNotificationMethod.initialized.rawValue, params: .null
    ).json

    /// `thread/start`, or `thread/resume` of `resumingThread` after an agent restart (codex keeps the history).
    static func openThread(id: Int, configuration: AgentSessionConfiguration, resumingThread: String?) -> JSONValue {
        let params = AppServer.ThreadOpenParams(
            threadID: resumingThread, cwd: configuration.workingDirectory, sandbox: configuration.sandbox,
            approvalPolicy: configuration.approvalPolicy, model: configuration.model)
        return AppServer.Message.request(id: id, resumingThread == nil ? .threadStart : .threadResume, params.json).json
    }

    /// `turn/start`, asking for reasoning summaries (`summary: auto`) so people see what the model is thinking.
    static func turnStart(id: Int, threadID: String, text: String) -> JSONValue {
        AppServer.Message.request(
            id: id, .turnStart,
            AppServer.TurnStartParams(threadID: threadID, input: [.init(text: text)], summary: "auto").json
        ).json
    }

    /// `turn/steer`: more input for the running turn `turnID` (codex refuses when another turn runs by then).
    static func turnSteer(id: Int, threadID: String, turnID: String, text: String) -> JSONValue {
        AppServer.Message.request(
            id: id, .turnSteer,
            AppServer.TurnSteerParams(threadID: threadID, expectedTurnID: turnID, input: [.init(text: text)]).json
        ).json
    }

    static func turnInterrupt(id: Int, threadID: String, turnID: String) -> JSONValue {
        AppServer.Message.request(
            id: id, .turnInterrupt, AppServer.TurnInterruptParams(threadID: threadID, turnID: turnID).json
        ).json
    }

    /// The message as one line: compact JSON and a newline.
    static func line(_ message: JSONValue) -> [UInt8] {
        // Encoding a JSONValue fails only for non-finite numbers, which these messages never contain.
        (try? WireCoding.encodeLine(message)) ?? Array("{}\n".utf8)
    }
}

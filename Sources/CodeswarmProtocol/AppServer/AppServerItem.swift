extension AppServer {
    /// `CommandExecutionStatus`.
    package enum CommandStatus: String, Sendable, Hashable, CaseIterable {
        case inProgress, completed, failed, declined
    }

    /// A `commandExecution` item: a command codex runs (after approval, under some policies).
    package struct CommandExecution: Sendable, Hashable {
        package var id: String
        /// The command line as codex shows it (`/bin/bash -lc '…'`).
        package var command: String
        package var cwd: String
        package var status: CommandStatus
        /// `commandActions`: codex's parse of the command (`{type: unknown, command}` and others).
        package var actions: [JSONValue]
        package var processID: String?
        /// `CommandExecutionSource`: `agent`, `unifiedExecStartup`, …
        package var source: String
        package var aggregatedOutput: String?
        package var exitCode: Int?
        package var durationMs: Int?

        package init(
            id: String, command: String, cwd: String, status: CommandStatus, actions: [JSONValue] = [],
            processID: String? = nil, source: String = "agent", aggregatedOutput: String? = nil, exitCode: Int? = nil,
            durationMs: Int? = nil
        ) {
            self.id = id
            self.command = command
            self.cwd = cwd
            self.status = status
            self.actions = actions
            self.processID = processID
            self.source = source
            self.aggregatedOutput = aggregatedOutput
            self.exitCode = exitCode
            self.durationMs = durationMs
        }

        package init(_ json: JSONValue) {
            self.init(
                id: json["id"]?.stringValue ?? "", command: json["command"].flatMap(Self.commandText) ?? "",
                cwd: json["cwd"]?.stringValue ?? "",
                status: json["status"]?.stringValue.flatMap(CommandStatus.init(rawValue:)) ?? .inProgress,
                actions: json["commandActions"]?.arrayValue ?? [], processID: json["processId"]?.stringValue,
                source: json["source"]?.stringValue ?? "agent", aggregatedOutput: json["aggregatedOutput"]?.stringValue,
                exitCode: json["exitCode"]?.intValue, durationMs: json["durationMs"]?.intValue)
        }

        /// A command as text: a string as is, an argv (older agents) joined by spaces.
        package static func commandText(_ value: JSONValue) -> String? {
            if let text = value.stringValue { return text }
            if let parts = value.arrayValue?.compactMap(\.stringValue), !parts.isEmpty {
                return parts.joined(separator: " ")
            }
            return nil
        }

        package var json: JSONValue {
            [
                "type": "commandExecution", "id": .string(id), "pluginId": nil, "scriptPath": nil,
                "command": .string(command), "cwd": .string(cwd), "processId": .string(orNull: processID),
                "source": .string(source), "status": .string(status.rawValue), "commandActions": .array(actions),
                "aggregatedOutput": .string(orNull: aggregatedOutput), "exitCode": .int(orNull: exitCode),
                "durationMs": .int(orNull: durationMs),
            ]
        }
    }

    /// A `ThreadItem`, tagged by `type`: the kinds Codeswarm reads or plays; any other kept as its JSON.
    package enum ThreadItem: Sendable, Hashable {
        case userMessage(id: String, texts: [String])
        case agentMessage(id: String, text: String)
        case reasoning(id: String, summary: [String], content: [String])
        case commandExecution(CommandExecution)
        case other(JSONValue)

        package init(_ json: JSONValue) {
            let id = json["id"]?.stringValue ?? ""
            switch json["type"]?.stringValue {
            case "userMessage":
                self = .userMessage(id: id, texts: UserInput.texts(in: json["content"] ?? .null))
            case "agentMessage":
                guard let text = json["text"]?.stringValue else {
                    self = .other(json)
                    return
                }
                self = .agentMessage(id: id, text: text)
            case "reasoning":
                self = .reasoning(
                    id: id, summary: json["summary"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                    content: json["content"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            case "commandExecution":
                self = .commandExecution(CommandExecution(json))
            default:
                self = .other(json)
            }
        }

        package var json: JSONValue {
            switch self {
            case .userMessage(let id, let texts):
                [
                    "type": "userMessage", "id": .string(id), "clientId": nil,
                    "content": .array(texts.map { UserInput(text: $0).json }),
                ]
            case .agentMessage(let id, let text):
                [
                    "type": "agentMessage", "id": .string(id), "text": .string(text), "phase": nil,
                    "memoryCitation": nil, "delivery": nil, "questions": nil,
                ]
            case .reasoning(let id, let summary, let content):
                [
                    "type": "reasoning", "id": .string(id), "summary": .array(summary.map(JSONValue.string)),
                    "content": .array(content.map(JSONValue.string)),
                ]
            case .commandExecution(let command):
                command.json
            case .other(let json):
                json
            }
        }
    }
}

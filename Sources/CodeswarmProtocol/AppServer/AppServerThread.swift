extension AppServer {
    /// `AskForApproval`: when codex asks before running a command. Codex 0.163 dropped `on-failure`.
    package enum ApprovalPolicy: String, Sendable, Hashable, CaseIterable {
        case untrusted
        case onRequest = "on-request"
        case never
    }

    /// `SandboxMode` (kebab-case) as `thread/start` takes it.
    package enum SandboxMode: String, Sendable, Hashable, CaseIterable {
        case readOnly = "read-only"
        case workspaceWrite = "workspace-write"
        case dangerFullAccess = "danger-full-access"

        /// The `SandboxPolicy` object codex answers with for this mode (tagged by `type`, camelCase).
        package var policy: JSONValue {
            switch self {
            case .readOnly: ["type": "readOnly", "networkAccess": false]
            case .workspaceWrite:
                [
                    "type": "workspaceWrite", "writableRoots": [], "networkAccess": false,
                    "excludeTmpdirEnvVar": false, "excludeSlashTmp": false,
                ]
            case .dangerFullAccess: ["type": "dangerFullAccess"]
            }
        }
    }

    /// `ThreadStatus`, tagged by `type`: the node's agent state as codex sees it.
    package enum ThreadStatus: Sendable, Hashable {
        case notLoaded
        case idle
        case systemError
        /// Working; `flags` holds `waitingOnApproval` / `waitingOnUserInput`.
        case active(flags: [String])
        /// A type this version does not know.
        case other(String)

        /// The flag codex sets while an approval request waits for its answer.
        package static let waitingOnApproval = "waitingOnApproval"

        package init?(_ json: JSONValue) {
            guard let type = json["type"]?.stringValue else { return nil }
            switch type {
            case "notLoaded": self = .notLoaded
            case "idle": self = .idle
            case "systemError": self = .systemError
            case "active": self = .active(flags: json["activeFlags"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            default: self = .other(type)
            }
        }

        /// The `type` tag.
        package var type: String {
            switch self {
            case .notLoaded: "notLoaded"
            case .idle: "idle"
            case .systemError: "systemError"
            case .active: "active"
            case .other(let type): type
            }
        }

        /// The active flags (empty unless active).
        package var flags: [String] {
            if case .active(let flags) = self { return flags }
            return []
        }

        package var json: JSONValue {
            if case .active(let flags) = self {
                return ["type": "active", "activeFlags": .array(flags.map(JSONValue.string))]
            }
            return ["type": .string(type)]
        }
    }

    /// `thread/start` params (and, with `threadId`, `thread/resume`): the settings Codeswarm sends.
    package struct ThreadOpenParams: Sendable, Hashable {
        /// Set for `thread/resume`: the stored thread to continue.
        package var threadID: String?
        package var cwd: String?
        package var sandbox: String?
        package var approvalPolicy: String?
        package var model: String?

        package init(
            threadID: String? = nil, cwd: String? = nil, sandbox: String? = nil, approvalPolicy: String? = nil,
            model: String? = nil
        ) {
            self.threadID = threadID
            self.cwd = cwd
            self.sandbox = sandbox
            self.approvalPolicy = approvalPolicy
            self.model = model
        }

        package init(_ json: JSONValue) {
            self.init(
                threadID: json["threadId"]?.stringValue, cwd: json["cwd"]?.stringValue,
                sandbox: json["sandbox"]?.stringValue, approvalPolicy: json["approvalPolicy"]?.stringValue,
                model: json["model"]?.stringValue)
        }

        /// The params. A resume also sends `excludeTurns: true`: codex then leaves the history out of its answer
        /// (it still sends it to the model), and does not warn that full-history hydration is deprecated.
        package var json: JSONValue {
            var members: [String: JSONValue] = [:]
            if let threadID {
                members["threadId"] = .string(threadID)
                members["excludeTurns"] = true
            }
            if let cwd { members["cwd"] = .string(cwd) }
            if let sandbox { members["sandbox"] = .string(sandbox) }
            if let approvalPolicy { members["approvalPolicy"] = .string(approvalPolicy) }
            if let model { members["model"] = .string(model) }
            return .object(members)
        }
    }

    /// A `Thread` as codex describes it in `thread/start`, `thread/resume` and `thread/started`.
    package struct Thread: Sendable, Hashable {
        package var id: String
        package var preview: String
        package var ephemeral: Bool
        package var modelProvider: String
        package var model: String?
        /// Unix seconds.
        package var createdAt: Int
        package var updatedAt: Int
        package var status: ThreadStatus
        /// Where the rollout (the stored history) is, or nil for an ephemeral thread.
        package var path: String?
        package var cwd: String
        package var cliVersion: String
        /// `SessionSource`: `appServer`, `vscode`, `cli`, …
        package var source: String
        package var turns: [Turn]

        package init(
            id: String, preview: String = "", ephemeral: Bool = false, modelProvider: String, model: String?,
            createdAt: Int, updatedAt: Int, status: ThreadStatus, path: String?, cwd: String, cliVersion: String,
            source: String = "appServer", turns: [Turn] = []
        ) {
            self.id = id
            self.preview = preview
            self.ephemeral = ephemeral
            self.modelProvider = modelProvider
            self.model = model
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.status = status
            self.path = path
            self.cwd = cwd
            self.cliVersion = cliVersion
            self.source = source
            self.turns = turns
        }

        /// The id of a thread object (the only member Codeswarm reads).
        package static func id(of json: JSONValue) -> String? { json["id"]?.stringValue }

        package var json: JSONValue {
            [
                "id": .string(id), "sessionId": .string(id), "forkedFromId": nil, "parentThreadId": nil,
                "preview": .string(preview), "ephemeral": .bool(ephemeral), "section": nil, "sectionEnteredAt": nil,
                "projectId": nil, "historyMode": "paginated", "modelProvider": .string(modelProvider),
                "model": .string(orNull: model), "reasoningEffort": nil,
                "createdAt": .int(createdAt), "updatedAt": .int(updatedAt),
                "recencyAt": .int(updatedAt), "status": status.json,
                "path": .string(orNull: path), "cwd": .string(cwd), "cliVersion": .string(cliVersion),
                "source": .string(source), "threadSource": nil, "agentNickname": nil, "agentRole": nil,
                "gitInfo": nil, "name": nil, "turns": .array(turns.map(\.json)),
            ]
        }
    }

    /// The `thread/start` and `thread/resume` result: the thread and the settings codex applied.
    package struct ThreadOpenResponse: Sendable, Hashable {
        package var thread: Thread
        package var model: String
        package var modelProvider: String
        package var cwd: String
        package var approvalPolicy: String
        package var sandbox: SandboxMode

        package init(
            thread: Thread, model: String, modelProvider: String, cwd: String, approvalPolicy: String,
            sandbox: SandboxMode
        ) {
            self.thread = thread
            self.model = model
            self.modelProvider = modelProvider
            self.cwd = cwd
            self.approvalPolicy = approvalPolicy
            self.sandbox = sandbox
        }

        /// The thread id in a result, the one member the worker needs.
        package static func threadID(in result: JSONValue) -> String? { result["thread"].flatMap(Thread.id(of:)) }

        package var json: JSONValue {
            [
                "thread": thread.json, "model": .string(model), "modelProvider": .string(modelProvider),
                "serviceTier": nil, "disabledPluginIds": [], "cwd": .string(cwd),
                "runtimeWorkspaceRoots": [.string(cwd)], "instructionSources": [],
                "approvalPolicy": .string(approvalPolicy), "approvalsReviewer": "user", "sandbox": sandbox.policy,
                "activePermissionProfile": nil, "reasoningEffort": nil, "multiAgentMode": "explicitRequestOnly",
            ]
        }
    }
}

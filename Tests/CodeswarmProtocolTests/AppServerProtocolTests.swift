import CodeswarmProtocol
import TestSupport
import Testing

/// The typed app-server protocol against what the pinned codex really does: its JSON Schema and its golden
/// transcripts (`Tests/TestSupport/CodexFixtures/`).
@Suite struct AppServerProtocolTests {
    @Test("every message of every golden transcript of the real codex conforms to codex's own schema")
    func transcriptsConform() throws {
        let schema = try CodexSchema.load()
        for name in CodexTranscript.names {
            var conversation = CodexSchema.Conversation(schema: schema)
            for entry in try CodexTranscript.load(name).entries {
                let errors = conversation.check(entry.message, from: entry.side)
                #expect(errors.isEmpty, "\(name): \(errors)")
            }
        }
    }

    @Test("the validator reports a removed required member, a wrong type and an unknown method")
    func validatorCatchesViolations() throws {
        let schema = try CodexSchema.load()
        let transcript = try CodexTranscript.load("plain")
        let completed = try #require(transcript.fromCodex.first { $0["method"] == "turn/completed" })
        var conversation = CodexSchema.Conversation(schema: schema)
        #expect(conversation.check(completed, from: .server).isEmpty)

        var missing = completed
        missing.remove(path: ["params", "turn", "status"])
        #expect(
            conversation.check(missing, from: .server).contains { $0.contains("missing required member \"status\"") })
        var wrongType = completed
        wrongType.set(path: ["params", "threadId"], to: 7)
        #expect(conversation.check(wrongType, from: .server).contains { $0.contains("expected string") })
        #expect(
            conversation.check(["method": "demo/unknown", "params": [:]], from: .server)
                == ["ServerNotification has no method \"demo/unknown\""])
    }

    @Test("the initialize result's user agent gives codex's version, and versions compare by number")
    func versions() throws {
        let transcript = try CodexTranscript.load("plain")
        let result = try #require(transcript.fromCodex.first { $0["result"]?["userAgent"] != nil }?["result"])
        let response = try #require(AppServer.InitializeResponse(result))
        #expect(response.agentVersion == "0.163.0")
        let version = try #require(response.agentVersion.flatMap(AppServer.Version.init))
        #expect(AppServer.TestedVersions.contains(version))
        #expect(AppServer.Version("0.163.0-demo") == AppServer.Version("0.163.0"))
        #expect(AppServer.Version("0.163.0-demo")?.description == "0.163.0-demo")
        #expect(try #require(AppServer.Version("0.170.1")) > AppServer.TestedVersions.above.self)
        #expect(!AppServer.TestedVersions.contains(try #require(AppServer.Version("0.159.9"))))
        #expect(AppServer.Version("latest") == nil)
        #expect(AppServer.InitializeResponse(userAgent: "codex", codexHome: "").agentVersion == nil)
    }

    @Test("the typed shapes read codex's turn, item, usage, status, warning and error notifications")
    func typedShapesReadCodex() throws {
        var kinds: Set<String> = []
        for name in CodexTranscript.names {
            for message in try CodexTranscript.load(name).fromCodex {
                let parsed = AppServer.Message(message)
                switch parsed.notificationMethod {
                case .turnStarted, .turnCompleted:
                    let turn = try #require(AppServer.TurnNotification(parsed.params), "\(message)")
                    kinds.insert("turn:\(turn.turn.status.rawValue)")
                case .itemStarted, .itemCompleted:
                    let item = try #require(AppServer.ItemNotification(parsed.params), "\(message)")
                    if case .commandExecution(let command) = item.item, command.status != .inProgress {
                        kinds.insert("command:\(command.status.rawValue)")
                    }
                case .tokenUsageUpdated:
                    let usage = try #require(AppServer.TokenUsageUpdated(parsed.params))
                    #expect(usage.total.totalTokens >= usage.last.totalTokens)
                    kinds.insert("usage")
                case .threadStatusChanged:
                    kinds.insert("status:\(try #require(AppServer.ThreadStatusChanged(parsed.params)).status.type)")
                case .warning, .configWarning, .deprecationNotice:
                    let method = try #require(parsed.notificationMethod)
                    #expect(AppServer.Warning(method: method, params: parsed.params)?.message.isEmpty == false)
                    kinds.insert("warning:\(method.rawValue)")
                case .error:
                    let error = try #require(AppServer.ErrorNotification(parsed.params))
                    kinds.insert("error:\(error.willRetry)")
                default:
                    break
                }
            }
        }
        #expect(
            kinds.isSuperset(of: [
                "turn:inProgress", "turn:completed", "turn:interrupted", "turn:failed", "command:declined",
                "command:failed", "usage", "status:active", "status:idle", "status:systemError",
                "warning:warning", "warning:configWarning", "error:true", "error:false",
            ]), "\(kinds.sorted())")
    }
}

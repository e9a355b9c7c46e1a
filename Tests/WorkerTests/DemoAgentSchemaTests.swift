import CodeswarmProtocol
import TestSupport
import Testing

@testable import DemoAgent

/// Every message the demo agent sends, in every mode, conforms to the JSON Schema the pinned codex generates
/// (`Tests/TestSupport/CodexFixtures/`), so tests on the demo agent test what codex really speaks.
@Suite struct DemoAgentSchemaTests {
    /// One demo-agent mode and the conversation that plays it.
    struct Mode: Sendable, CustomTestStringConvertible {
        var name: String
        var options = DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3)
        var play: @Sendable (inout DemoAgentHarness) throws -> Void

        var testDescription: String { name }
    }

    static let modes: [Mode] = [
        Mode(name: "plain turn") { demo in
            let thread = demo.open()
            demo.turn("hello", thread: thread)
        },
        Mode(name: "approval accepted") { demo in
            let thread = demo.open(policy: "untrusted")
            demo.turn("go [demo:approval]", thread: thread)
            demo.answer(result: AppServer.ApprovalResponse(.accept).json)
        },
        Mode(name: "approval declined") { demo in
            let thread = demo.open(policy: "on-request")
            demo.turn("go [demo:approval]", thread: thread)
            demo.answer(result: AppServer.ApprovalResponse(.decline).json)
        },
        Mode(name: "approval cancelled") { demo in
            let thread = demo.open(policy: "untrusted")
            demo.turn("go [demo:approval]", thread: thread)
            demo.answer(result: AppServer.ApprovalResponse(.cancel).json)
        },
        Mode(name: "unsupported server request") { demo in
            let thread = demo.open()
            demo.turn("go [demo:unknown-request]", thread: thread)
            demo.answerError(code: AppServer.ErrorCode.methodNotFound)
        },
        Mode(name: "error") { demo in
            let thread = demo.open()
            demo.turn("go [demo:error]", thread: thread)
        },
        Mode(name: "stall", options: DemoAgentOptions(deltaDelayMilliseconds: 10, deltaCount: 4, stallSeconds: 30)) {
            demo in
            let thread = demo.open()
            demo.turn("go", thread: thread)
        },
        Mode(name: "crash", options: DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3, crashAfterTurn: 1)) {
            demo in
            let thread = demo.open()
            demo.turn("go", thread: thread)
        },
        Mode(name: "interrupt", options: DemoAgentOptions(deltaDelayMilliseconds: 100, deltaCount: 3)) { demo in
            let thread = demo.open()
            let started = demo.request(
                .turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "go")]).json)
            let turn = started.first?["result"]?["turn"]?["id"]?.stringValue ?? ""
            demo.runTimers(limit: 1)
            demo.request(.turnInterrupt, AppServer.TurnInterruptParams(threadID: thread, turnID: turn).json)
        },
        Mode(name: "steer", options: DemoAgentOptions(deltaDelayMilliseconds: 100, deltaCount: 3)) { demo in
            let thread = demo.open()
            let started = demo.request(
                .turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "go")]).json)
            let turn = started.first?["result"]?["turn"]?["id"]?.stringValue ?? ""
            demo.runTimers(limit: 1)
            demo.request(
                .turnSteer,
                AppServer.TurnSteerParams(threadID: thread, expectedTurnID: turn, input: [.init(text: "more")]).json)
            demo.runTimers()
            demo.request(
                .turnSteer,
                AppServer.TurnSteerParams(threadID: thread, expectedTurnID: turn, input: [.init(text: "late")]).json)
        },
        Mode(name: "warning and reasoning") { demo in
            let thread = demo.open()
            demo.turn("go [demo:warning=Model metadata not found] [demo:reasoning=Weighing it]", thread: thread)
        },
        Mode(name: "resume, with and without turns, and of an unknown thread") { demo in
            let thread = demo.open()
            demo.turn("remember", thread: thread)
            var second = try DemoAgentHarness(
                environment: DemoAgentServer.Environment(idPrefix: "2222demo", storedThreads: demo.saved))
            second.request(
                .initialize, AppServer.InitializeParams(clientName: "c", clientTitle: "c", clientVersion: "1").json)
            second.request(.threadResume, AppServer.ThreadOpenParams(threadID: "0000-unknown").json)
            second.request(.threadResume, ["threadId": .string(thread)])
            second.request(
                .threadResume, AppServer.ThreadOpenParams(threadID: thread, cwd: "/work", approvalPolicy: "never").json)
            second.turn("again", thread: thread)
            demo.violations += second.violations
            demo.sent += second.sent
        },
    ]

    @Test("every message of the mode conforms to codex's schema, in both directions", arguments: modes)
    func conforms(mode: Mode) throws {
        var demo = try DemoAgentHarness(mode.options)
        try mode.play(&demo)
        #expect(demo.violations.isEmpty, "\(demo.violations)")
        #expect(demo.sent.count > 3)
    }

    @Test("the modes exercise what they are named after")
    func modesAreReal() throws {
        var methods: Set<String> = []
        var statuses: Set<String> = []
        for mode in Self.modes {
            var demo = try DemoAgentHarness(mode.options)
            try mode.play(&demo)
            methods.formUnion(DemoAgentHarness.methods(demo.sent))
            statuses.formUnion(demo.sent.compactMap { $0["params"]?["turn"]?["status"]?.stringValue })
        }
        #expect(
            methods.isSuperset(of: [
                "thread/started", "turn/started", "turn/completed", "item/started", "item/completed",
                "item/agentMessage/delta", "item/commandExecution/requestApproval", "serverRequest/resolved",
                "thread/status/changed", "thread/tokenUsage/updated", "error", "warning", "deprecationNotice",
                "item/reasoning/summaryTextDelta", "account/chatgptAuthTokens/refresh",
            ]), "\(methods.sorted())")
        #expect(statuses == ["inProgress", "completed", "interrupted", "failed"])
    }

    @Test("removing any required member from any message of a plain and an approval turn fails validation")
    func removedRequiredMemberFails() throws {
        let schema = try CodexSchema.load()
        var demo = try DemoAgentHarness()
        let thread = demo.open(policy: "untrusted")
        demo.turn("go [demo:approval]", thread: thread)
        demo.answer(result: AppServer.ApprovalResponse(.accept).json)
        try #require(demo.violations.isEmpty)

        var checked = 0
        for message in demo.sent {
            guard let method = message["method"]?.stringValue else { continue }
            let union = message["id"] == nil ? "ServerNotification" : "ServerRequest"
            guard let definition = schema.paramsDefinition(of: union, method: method),
                let required = schema.validator.definition(definition)?["required"]?.arrayValue?.compactMap(
                    \.stringValue)
            else { continue }
            for member in required {
                var broken = message
                broken.remove(path: ["params", member])
                var conversation = CodexSchema.Conversation(schema: schema)
                let errors = conversation.check(broken, from: .server)
                #expect(
                    errors.contains { $0.contains("missing required member \"\(member)\"") },
                    "removing \(method).params.\(member) went unnoticed")
                checked += 1
            }
        }
        // The thread/start result: `approvalsReviewer` was missing from the old demo agent.
        let openReply = try #require(demo.sent.first { $0["result"]?["thread"] != nil })
        var broken = openReply
        broken.remove(path: ["result", "approvalsReviewer"])
        var conversation = CodexSchema.Conversation(schema: schema)
        _ = conversation.check(
            AppServer.Message.request(id: openReply["id"] ?? .null, method: "thread/start", params: [:]).json,
            from: .client)
        #expect(conversation.check(broken, from: .server).contains { $0.contains("\"approvalsReviewer\"") })
        #expect(checked > 30)
    }
}

import CodeswarmProtocol
import Testing

@testable import DemoAgent

/// The demo agent's protocol logic, driven without a process: scripts, modes, directives, answers, threads.
@Suite struct DemoAgentServerTests {
    @Test("FNV-1a 64 matches the published test vectors")
    func fnvVectors() {
        #expect(DemoAnswer.fnv1a64Hex([]) == "cbf29ce484222325")
        #expect(DemoAnswer.fnv1a64Hex(Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(DemoAnswer.fnv1a64Hex(Array("foobar".utf8)) == "85944171f73967e8")
    }

    @Test("the answer is deterministic, names the prompt's bytes and digest, and has the requested delta count")
    func answer() {
        let first = DemoAnswer(prompt: "Optimize GEMM tiling.", deltaCount: 5, notes: [])
        let second = DemoAnswer(prompt: "Optimize GEMM tiling.", deltaCount: 5, notes: [])

        #expect(first == second)
        #expect(first.deltas.count == 5)
        #expect(first.text.contains("bytes=21 fnv1a64=\(DemoAnswer.fnv1a64Hex(Array("Optimize GEMM tiling.".utf8)))"))
    }

    @Test("requests before initialize are refused, a second initialize too, and unknown methods get method-not-found")
    func errors() throws {
        var demo = try DemoAgentHarness()
        let early = demo.request(.threadStart, [:])
        demo.open()
        let again = demo.request(.initialize, ["clientInfo": ["name": "x"]])
        let unknown = demo.send(["id": "x", "method": "nope"])

        #expect(early.first?["error"]?["message"] == "Not initialized")
        #expect(again.first?["error"]?["message"] == "Already initialized")
        #expect(unknown.first?["id"] == "x")
        #expect(unknown.first?["error"]?["code"] == .int(AppServer.ErrorCode.methodNotFound))
    }

    @Test("initialize reports codex's pinned version marked as the demo, under the client's name")
    func userAgent() throws {
        var demo = try DemoAgentHarness()
        let reply = demo.request(
            .initialize, AppServer.InitializeParams(clientName: "codeswarm", clientTitle: "C", clientVersion: "9").json)
        let response = try #require(reply.first?["result"].flatMap(AppServer.InitializeResponse.init))
        #expect(response.agentVersion == "\(AppServer.TestedVersions.pinned)-demo")
        #expect(response.userAgent.hasPrefix("codeswarm/"))
        #expect(response.codexHome == "/codex-home")
    }

    @Test("a turn follows codex's order: status, started, the user item, the answer, usage, idle, completed")
    func plainTurn() throws {
        var demo = try DemoAgentHarness()
        let thread = demo.open()

        let messages = demo.turn("hello", thread: thread)

        #expect(messages.first?["result"]?["turn"]?["status"] == "inProgress")
        #expect(
            DemoAgentHarness.methods(messages) == [
                "thread/status/changed", "turn/started", "item/started", "item/completed", "item/started",
                "item/agentMessage/delta", "item/agentMessage/delta", "item/agentMessage/delta", "item/completed",
                "thread/tokenUsage/updated", "thread/status/changed", "turn/completed",
            ])
        let completed = messages.last { $0["method"] == "turn/completed" }
        #expect(completed?["params"]?["turn"]?["items"]?.arrayValue?.first?["type"] == "agentMessage")
        #expect(completed?["params"]?["turn"]?["durationMs"]?.intValue != nil)
        let deltas = messages.filter { $0["method"] == "item/agentMessage/delta" }
            .compactMap { $0["params"]?["delta"]?.stringValue }.joined()
        let final = messages.last { $0["method"] == "item/completed" }?["params"]?["item"]?["text"]?.stringValue
        #expect(deltas == final)
    }

    @Test("approval mode asks with codex's fields, waits, and puts the decision in the answer")
    func approval() throws {
        var demo = try DemoAgentHarness()
        let thread = demo.open(policy: "untrusted")

        let asked = demo.turn("deploy [demo:approval]", thread: thread)
        let request = try #require(demo.lastServerRequest)
        #expect(request["method"] == "item/commandExecution/requestApproval")
        #expect(request["params"]?["availableDecisions"]?.arrayValue?.isEmpty == false)
        #expect(request["params"]?["cwd"] == "/work")
        #expect(!DemoAgentHarness.methods(asked).contains("turn/completed"))

        let answered = demo.answer(result: ["decision": "decline"])
        #expect(DemoAgentHarness.methods(answered).first == "serverRequest/resolved")
        let command = answered.first {
            $0["method"] == "item/completed" && $0["params"]?["item"]?["type"] == "commandExecution"
        }
        #expect(command?["params"]?["item"]?["status"] == "declined")
        let item = answered.first {
            $0["method"] == "item/completed" && $0["params"]?["item"]?["type"] == "agentMessage"
        }
        #expect(item?["params"]?["item"]?["text"]?.stringValue?.contains("approval=decline") == true)
        #expect(DemoAgentHarness.methods(answered).last == "turn/completed")
    }

    @Test("an accepted command completes with output and exit code; cancel interrupts the turn")
    func acceptAndCancel() throws {
        var demo = try DemoAgentHarness()
        let thread = demo.open(policy: "untrusted")
        demo.turn("one [demo:approval]", thread: thread)
        let accepted = demo.answer(result: ["decision": "accept"])
        let command = accepted.first {
            $0["method"] == "item/completed" && $0["params"]?["item"]?["type"] == "commandExecution"
        }?["params"]?["item"]
        #expect(command?["exitCode"] == 0)
        #expect(command?["aggregatedOutput"] == .string(DemoAgentServer.demoCommandOutput))

        demo.turn("two [demo:approval]", thread: thread)
        let cancelled = demo.answer(result: ["decision": "cancel"])
        let completed = cancelled.last { $0["method"] == "turn/completed" }
        #expect(completed?["params"]?["turn"]?["status"] == "interrupted")
        #expect(!DemoAgentHarness.methods(cancelled).contains("item/agentMessage/delta"))
    }

    @Test("pauses become timers; a stale timer does nothing; interrupt completes the turn as interrupted")
    func pausesAndInterrupt() throws {
        var demo = try DemoAgentHarness(DemoAgentOptions(deltaDelayMilliseconds: 100, deltaCount: 3))
        let thread = demo.open()

        let started = demo.request(
            .turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "slow")]).json)
        let turnID = try #require(started.first?["result"]?["turn"]?["id"]?.stringValue)
        let timer = try #require(demo.timers.first)
        #expect(timer.delay == .milliseconds(100))
        #expect(DemoAgentHarness.methods(demo.runTimers(limit: 1)) == ["item/agentMessage/delta"])
        #expect(demo.server.timerFired(token: timer.token, nowMs: demo.nowMs).isEmpty)

        let interrupted = demo.request(
            .turnInterrupt, AppServer.TurnInterruptParams(threadID: thread, turnID: turnID).json)
        #expect(interrupted.first?["result"] == [:])
        #expect(interrupted.last?["params"]?["turn"]?["status"] == "interrupted")
        #expect(demo.server.turn == nil)
        let refused = demo.request(.turnInterrupt, AppServer.TurnInterruptParams(threadID: thread, turnID: turnID).json)
        #expect(refused.first?["error"]?["code"] == .int(AppServer.ErrorCode.invalidRequest))
    }

    @Test("turn/steer answers the running turn's id, drops the answer in progress and answers the steered text")
    func steer() throws {
        var demo = try DemoAgentHarness(DemoAgentOptions(deltaDelayMilliseconds: 50, deltaCount: 4))
        let thread = demo.open()
        let started = demo.request(
            .turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "count")]).json)
        let turnID = try #require(started.first?["result"]?["turn"]?["id"]?.stringValue)
        demo.runTimers(limit: 2)

        let steered = demo.request(
            .turnSteer,
            AppServer.TurnSteerParams(threadID: thread, expectedTurnID: turnID, input: [.init(text: "also this")]).json)
        #expect(steered.first?["result"] == ["turnId": .string(turnID)])
        let rest = steered + demo.runTimers()
        let users = rest.filter { $0["method"] == "item/started" && $0["params"]?["item"]?["type"] == "userMessage" }
        #expect(users.first?["params"]?["item"]?["content"]?.arrayValue?.first?["text"] == "also this")
        let answers = demo.sent.filter {
            $0["method"] == "item/completed" && $0["params"]?["item"]?["type"] == "agentMessage"
        }
        // Only the steered answer completes; the first one was dropped mid-stream, as codex does.
        #expect(answers.count == 1)
        #expect(answers.first?["params"]?["item"]?["text"]?.stringValue?.contains("steered=1") == true)
        #expect(demo.sent.last?["params"]?["turn"]?["status"] == "completed")

        let wrong = demo.request(
            .turnSteer,
            AppServer.TurnSteerParams(threadID: thread, expectedTurnID: turnID, input: [.init(text: "late")]).json)
        #expect(wrong.first?["error"]?["message"] == "no active turn to steer")
    }

    @Test("crash-after exits with 3 after the first delta of that turn only")
    func crashAfter() throws {
        var demo = try DemoAgentHarness(DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3, crashAfterTurn: 2))
        let thread = demo.open()

        let first = demo.turn("one", thread: thread)
        #expect(demo.exitCode == nil)
        let second = demo.turn("two", thread: thread)

        #expect(DemoAgentHarness.methods(first).contains("turn/completed"))
        #expect(demo.exitCode == 3)
        #expect(DemoAgentHarness.methods(second).last == "item/agentMessage/delta")
    }

    @Test("error mode reports systemError and an error notification, then fails the turn")
    func errorMode() throws {
        var demo = try DemoAgentHarness()
        let thread = demo.open()

        let messages = demo.turn("x [demo:error]", thread: thread)

        #expect(DemoAgentHarness.methods(messages).suffix(3) == ["thread/status/changed", "error", "turn/completed"])
        #expect(messages.last?["params"]?["turn"]?["status"] == "failed")
        #expect(messages.last?["params"]?["turn"]?["error"]?["message"] != nil)
    }

    @Test("a second turn/start while a turn runs is refused, and a turn on an unknown thread too")
    func oneTurnAtATime() throws {
        var demo = try DemoAgentHarness(DemoAgentOptions(deltaDelayMilliseconds: 50))
        let thread = demo.open()
        demo.request(.turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "first")]).json)

        let second = demo.request(
            .turnStart, AppServer.TurnStartParams(threadID: thread, input: [.init(text: "2")]).json)
        let elsewhere = demo.request(
            .turnStart, AppServer.TurnStartParams(threadID: "nope", input: [.init(text: "3")]).json)

        #expect(second.first?["error"] != nil)
        #expect(elsewhere.first?["error"]?["message"] == "thread not found: nope")
    }

    @Test("codex refuses approval policies and sandboxes it does not know, on-failure included")
    func refusesUnknownSettings() throws {
        var demo = try DemoAgentHarness()
        demo.request(
            .initialize, AppServer.InitializeParams(clientName: "c", clientTitle: "c", clientVersion: "1").json)

        let policy = demo.request(.threadStart, AppServer.ThreadOpenParams(approvalPolicy: "on-failure").json)
        let sandbox = demo.request(.threadStart, AppServer.ThreadOpenParams(sandbox: "none").json)

        #expect(policy.first?["error"]?["message"]?.stringValue?.contains("unknown variant `on-failure`") == true)
        #expect(sandbox.first?["error"]?["code"] == .int(AppServer.ErrorCode.invalidRequest))
    }

    @Test("prompt directives are parsed; unknown or malformed ones are ignored")
    func directives() {
        let parsed = DemoDirectives(
            parsing:
                "x [demo:stall=2.5] [demo:slow=200] [demo:deltas=4] [demo:crash] [demo:warning=careful] [demo:what] "
                + "[demo:slow=-1] [demo:reasoning=] [demo:"
        )

        #expect(parsed.stallSeconds == 2.5)
        #expect(parsed.deltaDelayMilliseconds == 200)
        #expect(parsed.deltaCount == 4)
        #expect(parsed.crashes)
        #expect(parsed.warning == "careful")
        #expect(parsed.reasoning == nil)
        #expect(!parsed.requestsApproval)
    }

    @Test("thread/resume continues only a stored thread, without thread/started; an unknown id gets codex's error")
    func resume() throws {
        var first = try DemoAgentHarness()
        let thread = first.open()
        first.turn("remember tangerine", thread: thread)
        let stored = try #require(first.saved.last)
        #expect(stored.turns.map(\.prompt) == ["remember tangerine"])

        var second = try DemoAgentHarness(
            environment: DemoAgentServer.Environment(idPrefix: "1111demo", home: "/h", storedThreads: [stored]))
        second.request(
            .initialize, AppServer.InitializeParams(clientName: "c", clientTitle: "c", clientVersion: "1").json)
        let unknown = second.request(.threadResume, AppServer.ThreadOpenParams(threadID: "thr_gone").json)
        let resumed = second.request(.threadResume, AppServer.ThreadOpenParams(threadID: thread, cwd: "/work").json)
        let next = second.turn("which word?", thread: thread)

        #expect(
            unknown.first?["error"] == ["code": .int(-32600), "message": "no rollout found for thread id thr_gone"])
        #expect(resumed.last?["result"].flatMap(AppServer.ThreadOpenResponse.threadID(in:)) == thread)
        #expect(!DemoAgentHarness.methods(resumed).contains("thread/started"))
        let answer = next.last { $0["method"] == "item/completed" }?["params"]?["item"]?["text"]?.stringValue
        #expect(answer?.contains("history=1") == true)
        #expect(second.saved.last?.turns.count == 2)
    }
}

import CodeswarmProtocol
import Testing

@testable import DemoAgent

/// The demo agent's protocol logic, driven without a process: scripts, modes, directives, answers.
@Suite struct DemoAgentServerTests {
    /// A server past `initialize` and `thread/start` (thread `thr_demo_1`).
    static func readyServer(_ options: DemoAgentOptions = DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3))
        -> DemoAgentServer
    {
        var server = DemoAgentServer(options: options)
        _ = server.received(["id": 0, "method": "initialize", "params": [:]])
        _ = server.received(["id": 1, "method": "thread/start", "params": ["cwd": "/w"]])
        return server
    }

    static func turnStart(_ text: String, id: Int = 2) -> JSONValue {
        [
            "id": .number(Double(id)), "method": "turn/start",
            "params": [
                "threadId": "thr_demo_1", "input": [["type": "text", "text": .string(text), "text_elements": []]],
            ],
        ]
    }

    static func sent(_ actions: [DemoAgentServer.Action]) -> [JSONValue] {
        actions.compactMap { action in
            if case .send(let message) = action { return message }
            return nil
        }
    }

    static func methods(_ actions: [DemoAgentServer.Action]) -> [String] {
        sent(actions).compactMap { $0["method"]?.stringValue }
    }

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

    @Test("requests before initialize are refused, and unknown methods get method-not-found")
    func errors() {
        var server = DemoAgentServer(options: DemoAgentOptions())
        let early = Self.sent(server.received(["id": 5, "method": "thread/start", "params": [:]]))
        _ = server.received(["id": 0, "method": "initialize"])
        let unknown = Self.sent(server.received(["id": "x", "method": "nope"]))

        #expect(early.first?["error"]?["message"] == "Not initialized")
        #expect(unknown.first?["id"] == "x")
        #expect(unknown.first?["error"]?["code"] == -32601)
    }

    @Test("a turn streams started, deltas, the completed item, usage and completion")
    func plainTurn() {
        var server = Self.readyServer()

        let actions = server.received(Self.turnStart("hello"))

        #expect(Self.sent(actions).first?["result"]?["turn"]?["status"] == "inProgress")
        #expect(
            Self.methods(actions) == [
                "turn/started", "thread/status/changed", "item/started", "item/agentMessage/delta",
                "item/agentMessage/delta", "item/agentMessage/delta", "item/completed", "thread/tokenUsage/updated",
                "turn/completed", "thread/status/changed",
            ])
        let usage = Self.sent(actions).first { $0["method"] == "thread/tokenUsage/updated" }
        #expect(usage?["params"]?["tokenUsage"]?["total"]?["totalTokens"] != nil)
        #expect(usage?["params"]?["tokenUsage"]?["last"]?["outputTokens"] != nil)
    }

    @Test("approval mode waits for the answer and puts the decision in the answer text")
    func approval() {
        var server = Self.readyServer()

        let asked = server.received(Self.turnStart("deploy [demo:approval]"))
        let request = Self.sent(asked).last
        #expect(request?["method"] == "item/commandExecution/requestApproval")
        #expect(!Self.methods(asked).contains("turn/completed"))

        let answered = server.received(["id": request?["id"] ?? .null, "result": ["decision": "decline"]])
        #expect(Self.methods(answered).first == "serverRequest/resolved")
        let item = Self.sent(answered).first {
            $0["method"] == "item/completed" && $0["params"]?["item"]?["type"] == "agentMessage"
        }
        #expect(item?["params"]?["item"]?["text"]?.stringValue?.contains("approval=decline") == true)
        #expect(Self.methods(answered).contains("turn/completed"))
    }

    @Test("pauses become timers; a stale timer does nothing; interrupt completes the turn as interrupted")
    func pausesAndInterrupt() {
        var server = Self.readyServer(DemoAgentOptions(deltaDelayMilliseconds: 100, deltaCount: 3))

        let started = server.received(Self.turnStart("slow"))
        guard case .schedule(let delay, let token) = started.last else {
            Issue.record("expected a pause")
            return
        }
        #expect(delay == .milliseconds(100))
        let stepped = server.timerFired(token: token)
        #expect(Self.methods(stepped) == ["item/agentMessage/delta"])
        #expect(server.timerFired(token: token).isEmpty)

        let interrupted = server.received([
            "id": 9, "method": "turn/interrupt", "params": ["threadId": "thr_demo_1", "turnId": "turn_1"],
        ])
        #expect(Self.sent(interrupted).first?["result"] == [:])
        #expect(Self.sent(interrupted)[1]["params"]?["turn"]?["status"] == "interrupted")
        #expect(server.turn == nil)
    }

    @Test("crash-after exits with 3 after the first delta of that turn only")
    func crashAfter() {
        var server = Self.readyServer(DemoAgentOptions(deltaDelayMilliseconds: 0, deltaCount: 3, crashAfterTurn: 2))

        let first = server.received(Self.turnStart("one"))
        let second = server.received(Self.turnStart("two", id: 3))

        #expect(Self.methods(first).contains("turn/completed"))
        guard case .exit(let code) = second.last else {
            Issue.record("expected an exit")
            return
        }
        #expect(code == 3)
        #expect(Self.methods(second).last == "item/agentMessage/delta")
    }

    @Test("error mode emits an error notification and fails the turn")
    func errorMode() {
        var server = Self.readyServer()

        let actions = server.received(Self.turnStart("x [demo:error]"))

        #expect(Self.methods(actions).contains("error"))
        let completed = Self.sent(actions).first { $0["method"] == "turn/completed" }
        #expect(completed?["params"]?["turn"]?["status"] == "failed")
    }

    @Test("a second turn/start while a turn runs is refused")
    func oneTurnAtATime() {
        var server = Self.readyServer(DemoAgentOptions(deltaDelayMilliseconds: 50))
        _ = server.received(Self.turnStart("first"))

        let second = Self.sent(server.received(Self.turnStart("second", id: 3)))

        #expect(second.first?["error"] != nil)
    }

    @Test("prompt directives are parsed; unknown or malformed ones are ignored")
    func directives() {
        let parsed = DemoDirectives(
            parsing: "x [demo:stall=2.5] [demo:slow=200] [demo:deltas=4] [demo:crash] [demo:what] [demo:slow=-1] [demo:"
        )

        #expect(parsed.stallSeconds == 2.5)
        #expect(parsed.deltaDelayMilliseconds == 200)
        #expect(parsed.deltaCount == 4)
        #expect(parsed.crashes)
        #expect(!parsed.requestsApproval)
    }

    @Test("thread/resume keeps the requested thread id")
    func resume() {
        var server = DemoAgentServer(options: DemoAgentOptions())
        _ = server.received(["id": 0, "method": "initialize"])

        let resumed = Self.sent(
            server.received(["id": 1, "method": "thread/resume", "params": ["threadId": "thr_old"]]))

        #expect(resumed.first?["result"]?["thread"]?["id"] == "thr_old")
    }
}

import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// A node's agent outlives its job: the thread is reported and recorded as soon as it is open, a node that had one
/// reopens it, a refused resume falls back to a new thread and says why, and the drain names what it interrupted.
@Suite struct AgentSessionResumeTests {
    /// A session for node 2 of `job2` whose swarm recorded `thread` for it in an earlier job.
    static func session(resuming thread: String?, missingReason: String? = nil) throws -> SessionHarness {
        var harness = try SessionHarness(drainSeconds: 10)
        var configuration = harness.session.configuration
        configuration.resumeThreadID = thread
        configuration.missingThreadReason = missingReason
        harness.session = AgentSession(configuration: configuration)
        return harness
    }

    /// Worker and agent started, `initialize` answered: the next message opens the thread.
    static func handshake(_ harness: inout SessionHarness) -> [AgentSessionEffect] {
        _ = harness.handle { .workerStarted(hostname: "node-a", pid: 42, now: $0) }
        _ = harness.handle { .agentStarted(pid: 100, now: $0) }
        return harness.agent(#"{"id":0,"result":{"userAgent":"x"}}"#)
    }

    @Test("a new thread is reported at once: a thread line with its id and rollout path, and recorded for later")
    func newThreadReported() throws {
        var harness = try Self.session(resuming: nil)
        #expect(Self.handshake(&harness).agentMethods == ["initialized", "thread/start"])
        let opened = harness.agent(#"{"id":1,"result":{"thread":{"id":"thr_new","path":"/h/sessions/r.jsonl"}}}"#)
        let line = try #require(opened.records.first { $0.type == .thread })
        #expect(line.threadID == "thr_new")
        #expect(line.rolloutPath == "/h/sessions/r.jsonl")
        #expect(line.resumed == false)
        #expect(line.error == nil, "a first thread needs no excuse")
        #expect(opened.contains(.saveThread(threadID: "thr_new", rolloutPath: "/h/sessions/r.jsonl")))
    }

    @Test("a node with a recorded thread reopens it with thread/resume and reports it resumed")
    func recordedThreadResumed() throws {
        var harness = try Self.session(resuming: "thr_old")
        let opening = Self.handshake(&harness)
        #expect(opening.agentMethods == ["initialized", "thread/resume"])
        #expect(opening.agentMessages.last?["params"]?["threadId"] == "thr_old")
        let opened = harness.agent(#"{"id":1,"result":{"thread":{"id":"thr_old","path":"/h/r.jsonl"}}}"#)
        let line = try #require(opened.records.first { $0.type == .thread })
        #expect(line.threadID == "thr_old")
        #expect(line.resumed == true)
        #expect(line.error == nil)

        // The held prompt that follows runs on the reopened thread.
        let turn = harness.inbox("continue", id: "held-1")
        #expect(turn.agentMessages.first?["params"]?["threadId"] == "thr_old")
    }

    @Test("a resume the agent refuses (history gone) starts a new thread and says why in the thread line")
    func refusedResumeFallsBack() throws {
        var harness = try Self.session(resuming: "thr_gone")
        _ = Self.handshake(&harness)
        let refused = harness.agent(
            #"{"id":1,"error":{"code":-32600,"message":"no rollout found for thread id thr_gone"}}"#)
        #expect(refused.agentMethods == ["thread/start"])
        #expect(refused.records.allSatisfy { $0.type != .thread }, "nothing is open yet")
        let opened = harness.agent(#"{"id":2,"result":{"thread":{"id":"thr_fresh"}}}"#)
        let line = try #require(opened.records.first { $0.type == .thread })
        #expect(line.threadID == "thr_fresh")
        #expect(line.resumed == false)
        #expect(line.error?.contains("could not resume thread thr_gone") == true)
        #expect(line.error?.contains("no rollout found for thread id thr_gone") == true)
        #expect(opened.contains(.saveThread(threadID: "thr_fresh", rolloutPath: nil)))
    }

    @Test("a node of a resumed swarm with no recorded thread starts one and reports why it could not resume")
    func missingThreadReported() throws {
        var harness = try Self.session(resuming: nil, missingReason: "no thread was recorded for node 2")
        _ = Self.handshake(&harness)
        let opened = harness.agent(#"{"id":1,"result":{"thread":{"id":"thr_fresh"}}}"#)
        let line = try #require(opened.records.first { $0.type == .thread })
        #expect(line.resumed == false)
        #expect(line.error == "no thread was recorded for node 2")
    }

    @Test("the drain's complete names the turn it interrupted and how long it took")
    func drainReportsInterruptedTurn() throws {
        var harness = try Self.session(resuming: nil)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox("prompt b", id: "b")
        harness.now = .seconds(100)
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        #expect(harness.session.unconsumedInjections == ["b"], "the dropped prompt is read again by the next worker")
        harness.now = .milliseconds(102_250)
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"interrupted"}}}"#)
        let exited = harness.handle { .agentExited(.exited(0), now: $0) }
        let complete = try #require(exited.records.last)
        #expect(complete.type == .complete)
        #expect(complete.interruptedInjectionID == "a")
        #expect(complete.drainSeconds == 2.25)
    }

    @Test("a turn that completes on its own during the drain finished: complete names no interrupted turn")
    func drainedTurnThatFinished() throws {
        var harness = try Self.session(resuming: nil)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.handle { .shutdownRequested(reason: "sigterm", now: $0) }
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"completed"}}}"#)
        let exited = harness.handle { .agentExited(.exited(0), now: $0) }
        let complete = try #require(exited.records.last)
        #expect(complete.interruptedInjectionID == nil)
        #expect(complete.drainSeconds == 0)
    }

    @Test("queued prompts count as unconsumed until their turn starts")
    func queuedPromptsAreUnconsumed() throws {
        var harness = try Self.session(resuming: nil)
        harness.ready()
        harness.runTurn("a", requestID: 2, turnID: "turn_a")
        _ = harness.inbox("b", id: "b")
        _ = harness.inbox("c", id: "c")
        #expect(harness.session.unconsumedInjections == ["b", "c"])
        _ = harness.agent(#"{"method":"turn/completed","params":{"turn":{"id":"turn_a","status":"completed"}}}"#)
        #expect(harness.session.unconsumedInjections == ["c"], "b started")
    }
}

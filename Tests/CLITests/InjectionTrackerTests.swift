import CodeswarmProtocol
import Testing

@testable import CLI

/// What `inject` reports for its injections: answers, per-turn usage, turn ends and the exit code.
@Suite("InjectionTracker")
struct InjectionTrackerTests {
    static let swarm: SwarmID = "s1"

    static func ack(_ node: Int, _ injection: InjectionID) -> RouterEvent {
        .injectAck(InjectionEvent(requestID: "r", swarmID: swarm, injectionID: injection, nodeID: node))
    }

    static func stream(_ node: Int, _ injection: InjectionID, _ body: StreamEvent.Body) -> RouterEvent {
        .stream(StreamEvent(swarmID: swarm, jobID: "local_1", nodeID: node, injectionID: injection, body: body))
    }

    @Test("usage is reported as the turn's own tokens, with its input and output, not the thread's total")
    func usageIsPerTurn() {
        var tracker = InjectionTracker(requestID: "r")
        _ = tracker.apply(Self.ack(0, "i0"))
        let usage = TokenUsage(
            totalTokens: 2599, inputTokens: 2570, outputTokens: 29, turnTotalTokens: 1299, turnInputTokens: 1287,
            turnOutputTokens: 12)
        #expect(
            tracker.apply(Self.stream(0, "i0", .usage(usage)))
                == [.note("node 0: 1299 tokens this turn (1287 input, 12 output)")])
        #expect(
            tracker.apply(Self.stream(0, "i0", .usage(TokenUsage(totalTokens: 40))))
                == [.note("node 0: 40 tokens (thread total)")], "an older router sends no turn figures")
    }

    @Test("deltas stream as text, the answer ends with its turn, and the command ends when every turn has")
    func answersAndExit() {
        var tracker = InjectionTracker(requestID: "r")
        _ = tracker.apply(Self.ack(0, "i0"))
        _ = tracker.apply(Self.ack(1, "i1"))
        #expect(tracker.unfinishedNodes == [0, 1])
        #expect(tracker.apply(Self.stream(0, "i0", .assistantDelta(content: "hi"))) == [.text(nodeID: 0, "hi")])
        #expect(tracker.apply(Self.stream(0, "i0", .assistant(content: "hi"))) == [.endOfAnswer(nodeID: 0)])
        #expect(
            tracker.apply(Self.stream(1, "i1", .assistant(content: "whole")))
                == [.text(nodeID: 1, "whole"), .endOfAnswer(nodeID: 1)], "without deltas the message is the answer")
        _ = tracker.apply(Self.stream(0, "i0", .turnComplete(status: "completed", error: nil)))
        #expect(tracker.exitCode == nil)
        #expect(tracker.unfinishedNodes == [1])
        #expect(
            tracker.apply(Self.stream(1, "i1", .turnComplete(status: "interrupted", error: nil)))
                == [.endOfAnswer(nodeID: 1), .note("node 1: turn interrupted")])
        #expect(tracker.exitCode == ExitCodes.failed)
    }

    @Test("events of other commands' injections are not this command's")
    func othersIgnored() {
        var tracker = InjectionTracker(requestID: "r")
        _ = tracker.apply(Self.ack(0, "i0"))
        #expect(tracker.apply(Self.stream(0, "other", .assistantDelta(content: "x"))).isEmpty)
        #expect(!tracker.isRelevant(Self.stream(0, "other", .turnStarted)))
        #expect(tracker.isRelevant(Self.stream(0, "i0", .turnStarted)))
    }

    @Test("the early-exit message says the turns go on, on which nodes, and how to follow or stop them")
    func stillRunningMessage() {
        let text = InjectCommand.stillRunning([0, 1, 2, 5], swarm: "s1", cause: "interrupted")
        #expect(text.hasPrefix("interrupted: "))
        #expect(text.contains("the turn goes on on node(s) 0-2,5"))
        #expect(text.contains("codeswarm attach s1"))
        #expect(text.contains("codeswarm terminate s1"))
    }
}

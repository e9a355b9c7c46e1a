import CodeswarmProtocol
import Testing

@testable import CLI

/// Codex's own warnings reach people through `attach` and `inject` (issue 8).
@Suite("agent_warning in the CLI")
struct AgentWarningOutputTests {
    static let warning = RouterEvent.stream(
        StreamEvent(
            swarmID: "s1", jobID: "local_1", nodeID: 2, injectionID: "i2",
            body: .agentWarning(message: "Codex could not find bubblewrap on PATH.", kind: "configWarning")))

    @Test("attach prints the warning with its kind on the node's line")
    func attach() {
        var formatter = EventFormatter()
        #expect(
            formatter.format(Self.warning) == [
                "[node 2] -- warning (configWarning): Codex could not find bubblewrap on PATH."
            ])
    }

    @Test("inject notes the warning on stderr without ending or failing the turn")
    func inject() {
        var tracker = InjectionTracker(requestID: "r")
        _ = tracker.apply(.injectAck(InjectionEvent(requestID: "r", swarmID: "s1", injectionID: "i2", nodeID: 2)))
        #expect(tracker.apply(Self.warning) == [.note("node 2: warning: Codex could not find bubblewrap on PATH.")])
        #expect(tracker.unfinishedNodes == [2])
        #expect(tracker.exitCode == nil)
    }
}

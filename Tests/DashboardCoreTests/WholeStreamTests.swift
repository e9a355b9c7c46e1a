import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Issue 9's "whole stream" in the node pane: command output and reasoning (folded, unfolded with o and z), file
/// changes and the diff view, plan updates, warnings and steering notes, each with its own style role.
@Suite struct WholeStreamTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// A harness whose node 0 response pane is focused, at 100×30.
    func focusedPane(monochrome: Bool = false) -> DashboardHarness {
        var harness = DashboardFixtures.harness(
            swarm: swarm, size: ScreenSize(width: 100, height: 30), monochrome: monochrome)
        harness.press(.tab, .tab)
        return harness
    }

    func event(_ seq: Int, _ body: StreamEvent.Body) -> RouterEvent {
        DashboardFixtures.stream(swarm, node: 0, seq: seq, body)
    }

    /// The screen's row that contains `text`, with its role letters.
    func row(_ harness: DashboardHarness, containing text: String) -> (text: String, roles: String)? {
        let screen = harness.screen
        guard let index = screen.textLines.firstIndex(where: { $0.contains(text) }) else { return nil }
        return (screen.textLines[index], screen.roleLines[index])
    }

    @Test("streamed command output is one line until o unfolds it; its completion shows the exit code once")
    func commandOutputFolds() throws {
        var harness = focusedPane()
        harness.receive(
            event(1, .commandStarted(command: "pytest -q", cwd: "/work")),
            event(2, .commandOutput(itemID: "c1", content: "collected 3 items\n")),
            event(3, .commandOutput(itemID: "c1", content: "test_a PASSED\ntest_b FAILED\n")))
        let folded = try #require(row(harness, containing: "3 lines of output"))
        #expect(folded.text.contains("▸ 3 lines of output… (o) · test_b FAILED"))
        #expect(!harness.screen.contains("collected 3 items"))
        harness.receive(event(4, .commandCompleted(command: "pytest -q", exitCode: 1, output: "collected 3 items\n…")))
        #expect(harness.screen.contains("▸ 3 lines of output (o) · test_b FAILED"))
        #expect(harness.screen.contains("exit 1"))

        harness.press(.character("o"))
        #expect(harness.state.transcriptDetail.showsCommandOutput)
        let line = try #require(row(harness, containing: "│ collected 3 items"))
        #expect(line.roles.contains("O"), "command output has its own role: \(line.roles)")
        #expect(harness.screen.contains("│ test_b FAILED"))
        harness.press(.character("o"))
        #expect(!harness.screen.contains("collected 3 items"))
    }

    @Test("a command without streamed output gets its aggregated output as one folded entry")
    func aggregatedOutput() {
        var harness = focusedPane()
        harness.receive(
            event(1, .commandStarted(command: "ls", cwd: nil)),
            event(2, .commandCompleted(command: "ls", exitCode: 0, output: "a.txt\nb.txt\n")))
        #expect(harness.screen.contains("▸ 2 lines of output (o) · b.txt"))
        #expect(harness.screen.contains("exit 0"))
    }

    @Test("reasoning streams folded to its first line in the reasoning role; z shows it whole")
    func reasoningFolds() throws {
        var harness = focusedPane()
        harness.receive(
            event(1, .reasoningDelta(itemID: "r1", content: "Weighing the options")),
            event(2, .reasoningDelta(itemID: "r1", content: "\nthen picking the safe one")))
        let folded = try #require(row(harness, containing: "∴ Weighing the options"))
        #expect(folded.text.contains("… (z: 2 lines)"))
        #expect(folded.roles.contains("R"))
        #expect(!harness.screen.contains("then picking the safe one"))
        harness.receive(event(3, .reasoning(itemID: "r1", content: "Weighing the options\nthen picking the safe one")))
        harness.press(.character("z"))
        #expect(harness.screen.contains("then picking the safe one"))
        // One entry: the final summary replaced the streamed one.
        let reasoning = harness.state.transcripts[NodeKey(SwarmID(swarm), 0)]?.entries.filter { $0.kind == .reasoning }
        #expect(reasoning?.count == 1)
        #expect(reasoning?.first?.isStreaming == false)
    }

    @Test("a file change shows its files and line counts, updated in place; D shows the diff coloured by line")
    func fileChangeAndDiffView() throws {
        var harness = focusedPane()
        let change = FileChange(path: "hello.txt", kind: "add", diff: "@@ -0,0 +1,2 @@\n+hello\n+world")
        harness.receive(event(1, .fileChange(itemID: "f1", status: "inProgress", changes: [change])))
        #expect(harness.screen.contains("✎ editing: add hello.txt (+2) · D shows the diff"))
        harness.receive(event(2, .fileChange(itemID: "f1", status: "completed", changes: [change])))
        #expect(harness.screen.contains("✎ applied: add hello.txt (+2)"))
        #expect(!harness.screen.contains("editing: add hello.txt"), "updated in place, not repeated")

        harness.receive(
            event(
                3,
                .turnDiff(
                    diff:
                        "diff --git a/hello.txt b/hello.txt\n--- /dev/null\n+++ b/hello.txt\n@@ -0,0 +1,2 @@\n+hello\n-gone"
                )))
        harness.press(.character("D"))
        guard case .plainView(let position) = harness.state.mode else {
            Issue.record("D did not open the diff view")
            return
        }
        #expect(position.showsDiff)
        let screen = harness.screen
        #expect(screen.textLines[0].hasPrefix("diff --git a/hello.txt"))
        #expect(screen.textLines[29].contains("diff of node 0"))
        let added = try #require(screen.textLines.firstIndex { $0.hasPrefix("+hello") })
        let removed = try #require(screen.textLines.firstIndex { $0.hasPrefix("-gone") })
        let hunk = try #require(screen.textLines.firstIndex { $0.hasPrefix("@@") })
        #expect(screen.roleLines[added].hasPrefix("+"))
        #expect(screen.roleLines[removed].hasPrefix("-"))
        #expect(screen.roleLines[hunk].hasPrefix("@"))
        harness.press(.character("D"))
        #expect(harness.state.mode == .browse)
    }

    @Test("D without a diff says why and stays in the pane")
    func noDiff() {
        var harness = focusedPane()
        harness.press(.character("D"))
        #expect(harness.state.mode == .browse)
        #expect(harness.state.flash?.text == "Node 0 has changed no files in what is shown.")
    }

    @Test("a plan update shows the steps with their marks; the next update replaces it")
    func planUpdates() throws {
        var harness = focusedPane()
        harness.receive(
            event(
                1,
                .planUpdated(
                    explanation: "tile the loops",
                    plan: [
                        PlanStep(step: "read the kernel", status: "completed"),
                        PlanStep(step: "tile", status: "inProgress"),
                    ]
                )))
        let heading = try #require(row(harness, containing: "☰ plan 1/2: tile the loops"))
        #expect(heading.roles.contains("L"))
        #expect(harness.screen.contains("✓ read the kernel"))
        #expect(harness.screen.contains("▶ tile"))
        harness.receive(
            event(
                2,
                .planUpdated(
                    explanation: nil,
                    plan: [
                        PlanStep(step: "read the kernel", status: "completed"),
                        PlanStep(step: "tile", status: "completed"),
                    ])))
        #expect(harness.screen.contains("☰ plan 2/2"))
        #expect(!harness.screen.contains("plan 1/2"))
    }

    @Test("warnings, errors and steering notes each have their own prefix and role")
    func warningsErrorsAndRouting() throws {
        var harness = focusedPane()
        harness.receive(
            event(1, .agentWarning(message: "bubblewrap is missing", kind: "configWarning")),
            event(2, .agentError(message: "model overloaded", code: "serverOverloaded", willRetry: false)),
            event(3, .injectionRouted(how: "steered", reason: nil)),
            event(4, .injectionRouted(how: "queued", reason: "ActiveTurnNotSteerable")))
        let warning = try #require(row(harness, containing: "⚠ bubblewrap is missing"))
        let error = try #require(row(harness, containing: "✗ model overloaded"))
        #expect(warning.roles.contains("y"))
        #expect(error.roles.contains("r"))
        #expect(harness.screen.contains("· steered into the running turn"))
        #expect(harness.screen.contains("· queued for the next turn: ActiveTurnNotSteerable"))
    }

    @Test("with NO_COLOR every new role still differs from plain text by an attribute")
    func monochromeRoles() {
        for role in [StyleRole.attention, .reasoning, .output, .plan, .diffAdded, .diffRemoved, .diffHunk] {
            let style = Theme.monochrome.style(for: role)
            #expect(style.foreground == .default && style.background == .default, "\(role) uses no colour")
            #expect(style != CellStyle(), "\(role) looks like plain text in monochrome")
        }
    }
}

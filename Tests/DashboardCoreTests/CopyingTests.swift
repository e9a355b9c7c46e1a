import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Getting an answer out: `y` copies a turn, `Y` exports the conversation, `v` shows it unwrapped.
@Suite struct CopyingTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// A harness whose node 0 answered two prompts.
    func twoTurns(size: ScreenSize = ScreenSize(width: 80, height: 24)) -> DashboardHarness {
        var harness = DashboardFixtures.harness(swarm: swarm, size: size)
        let id = SwarmID(swarm)
        for (turn, (prompt, answer)) in [("first question", "first answer"), ("second question", "second\nanswer")]
            .enumerated()
        {
            let injection = "inj-\(turn)"
            let seq = turn * 10 + 1
            harness.receive(
                .injectAck(
                    InjectionEvent(
                        requestID: "other", swarmID: id, injectionID: InjectionID(injection), nodeID: 0, prompt: prompt,
                        seq: seq)),
                DashboardFixtures.stream(
                    swarm, node: 0, seq: seq + 1, injection: injection, turn: "t\(turn)", .turnStarted),
                DashboardFixtures.stream(
                    swarm, node: 0, seq: seq + 2, injection: injection, turn: "t\(turn)", .assistant(content: answer)),
                DashboardFixtures.stream(
                    swarm, node: 0, seq: seq + 3, injection: injection, turn: "t\(turn)",
                    .turnComplete(status: "completed", error: nil)))
        }
        return harness
    }

    @Test("y copies the newest turn while following: its prompt, answer and end, nothing of the turn before")
    func copyLatestTurn() throws {
        var harness = twoTurns()
        harness.press(.character("y"))
        let export = try #require(harness.exports.last)
        #expect(export.text.contains("› second question\nsecond\nanswer\n── turn completed"))
        #expect(!export.text.contains("first"))
        #expect(export.fileName == "1a2b3c4d-node0-turn-20260101T000000Z.md")
        #expect(export.subject == "node 0's turn")
    }

    @Test("y on a paused pane copies the turn at the bottom of the view")
    func copyPausedTurn() throws {
        // A pane three lines high, so the seven lines of the two turns need scrolling.
        var harness = twoTurns(size: ScreenSize(width: 80, height: 12))
        harness.press(.tab, .tab)
        // Up past the second turn's four lines: the first turn's end is now the bottom line.
        harness.press(.character("k"), .character("k"), .character("k"), .character("k"))
        harness.press(.character("y"))
        let export = try #require(harness.exports.last)
        #expect(export.text.contains("› first question\nfirst answer"))
        #expect(!export.text.contains("second"))
    }

    @Test("Y exports the whole conversation, and the saved path is shown")
    func exportConversation() throws {
        var harness = twoTurns()
        harness.press(.character("Y"))
        let export = try #require(harness.exports.last)
        #expect(export.text.contains("first question") && export.text.contains("second question"))
        #expect(export.fileName.contains("-conversation-"))
        harness.handle(
            .exported(
                ExportResult(
                    subject: export.subject, path: "~/.local/state/codeswarm/exports/x.md", copiedToClipboard: true)))
        #expect(
            harness.state.flash?.text
                == "Saved node 0's conversation to ~/.local/state/codeswarm/exports/x.md; copied to the clipboard.")
        harness.handle(
            .exported(ExportResult(subject: "node 0's turn", path: nil, failure: "disk full", copiedToClipboard: false))
        )
        #expect(harness.state.flash?.isError == true)
        #expect(harness.state.flash?.text.contains("disk full") == true)
    }

    @Test("with nothing to copy, y says so and asks for nothing")
    func nothingToCopy() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("y"))
        #expect(harness.exports.isEmpty)
        #expect(harness.state.flash?.text == "Node 0 has no output to copy yet.")
    }

    @Test("the plain view shows every line unwrapped and borderless; h/l scroll sideways; Esc closes")
    func plainView() {
        var harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 40, height: 10))
        let long = "0123456789" + String(repeating: "abcdefghij", count: 5)
        harness.receive(DashboardFixtures.stream(swarm, node: 0, seq: 1, .assistant(content: long + "\nsecond line")))
        harness.press(.character("v"))
        #expect(harness.state.keyContext == .plainView)
        let lines = harness.screen.textLines
        #expect(lines[0] == String(long.prefix(40)))
        #expect(lines[1].hasPrefix("second line "))
        #expect(!lines.joined().contains("│"))
        #expect(lines[9].contains("node 0"))
        harness.press(.character("l"))
        #expect(harness.screen.textLines[0] == String(long.dropFirst(20).prefix(40)))
        harness.press(.character("h"))
        #expect(harness.screen.textLines[0] == String(long.prefix(40)))
        harness.press(.escape)
        #expect(harness.state.mode == .browse)
    }

    @Test("the plain view scrolls a long conversation and follows new text at the end")
    func plainViewScrolls() {
        var harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 40, height: 10))
        for seq in 1...20 {
            harness.receive(
                DashboardFixtures.stream(swarm, node: 0, seq: seq, turn: "t\(seq)", .assistant(content: "line \(seq)")))
        }
        harness.press(.character("v"))
        #expect(harness.screen.textLines[8] == "line 20" + String(repeating: " ", count: 33))
        harness.press(.character("g"))
        #expect(harness.screen.textLines[0].hasPrefix("line 1 "))
        harness.press(.character("j"))
        #expect(harness.screen.textLines[0].hasPrefix("line 2 "))
        harness.press(.character("G"))
        harness.receive(DashboardFixtures.stream(swarm, node: 0, seq: 21, turn: "t21", .assistant(content: "line 21")))
        #expect(harness.screen.textLines[8].hasPrefix("line 21"))
    }
}

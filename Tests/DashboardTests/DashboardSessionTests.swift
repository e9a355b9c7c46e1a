import CodeswarmProtocol
import Dashboard
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Whole sessions on a fake terminal and a scripted router link: events in, frames out, no sleeping.
///
/// The time limit only guards against a hang. In the full parallel run the serialized Slurm suite and other
/// blocking integration tests hold the 2-thread cooperative pool for minutes, so these sessions may wait that long
/// for a thread; a one-minute limit failed them there (CI, 2026-12-01 18:20) although nothing hung.
@Suite(.timeLimit(.minutes(10))) struct DashboardSessionTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// Pacing for tests: no tick within the test, no frame delay, immediate reconnects.
    static let timing = SessionTiming(
        tickInterval: .seconds(3600), frameInterval: .zero, reconnectDelays: [.zero],
        now: { DashboardFixtures.epoch })

    @Test("a session connects, asks for the list, replay and approvals, shows the swarm, and q restores the terminal")
    func connectShowQuit() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        let supply = LinkSupply([link])
        try await confirmation { done in
            async let session: Void = DashboardApp.run(
                on: terminal, connect: supply.connect, options: DashboardOptions(), timing: Self.timing)
            await link.waitForSent(count: 3)
            #expect(link.sent.map(\.command) == [.list, .replay(sinceSeq: 0, swarmID: nil), .approvals])
            link.push(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID))
            let frame = await terminal.frame(containing: "1a2b3c4d")
            #expect(frame.textSnapshot.contains("● connected"))
            terminal.press(.character("q"))
            try await session
            done()
        }
        #expect(terminal.restoreCount >= 1)
    }

    @Test("typing a prompt sends inject on the link; the answer streams into the pane")
    func promptRoundTrip() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: DashboardOptions(), timing: Self.timing)
        await link.waitForSent(count: 2)
        link.push(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID))
        link.push(.replayComplete(ReplayComplete(requestID: .string(link.sent[1].requestID), lastSeq: 0)))
        link.push(DashboardFixtures.status(swarm: swarm))
        _ = await terminal.frame(containing: "gpu-node")
        terminal.press(.character("i"))
        terminal.type("say hi")
        terminal.press(.enter)
        // list, replay, approvals_list, swarm_status, then the inject.
        await link.waitForSent(count: 5)
        let inject = link.sent.last { $0.command.name == "inject" }
        #expect(
            inject?.command == .inject(swarmID: SwarmID(swarm), nodes: .nodes([0]), content: "say hi", mode: .steer))
        link.push(
            .injectAck(
                InjectionEvent(
                    requestID: .string(inject?.requestID ?? ""), swarmID: SwarmID(swarm), injectionID: "i-1", nodeID: 0)
            ))
        link.push(
            DashboardFixtures.stream(swarm, node: 0, seq: 1, injection: "i-1", .assistantDelta(content: "hi there")))
        let frame = await terminal.frame { $0.contains("› say hi") && $0.contains("hi there") }
        #expect(frame.textSnapshot.contains("• acked"))
        terminal.press(.escape, .character("q"))
        try await session
    }

    @Test("when the link drops the status bar says so and the session reconnects and replays from the last seq")
    func reconnect() async throws {
        let terminal = FakeTerminal()
        let first = ScriptedLink()
        let second = ScriptedLink()
        let supply = LinkSupply([first, second])
        async let session: Void = DashboardApp.run(
            on: terminal, connect: supply.connect, options: DashboardOptions(), timing: Self.timing)
        await first.waitForSent(count: 2)
        first.push(.replayComplete(ReplayComplete(requestID: .string(first.sent[1].requestID), lastSeq: 0)))
        first.push(DashboardFixtures.stream(swarm, node: 0, seq: 17, .assistantDelta(content: "before")))
        _ = await terminal.frame(containing: "1a2b3c4d")
        first.drop()
        await second.waitForSent(count: 2)
        #expect(second.sent.map(\.command).contains(.replay(sinceSeq: 17, swarmID: nil)))
        _ = await terminal.frame(containing: "Reconnected")
        #expect(supply.connectCount == 2)
        terminal.press(.character("q"))
        try await session
    }

    @Test("a refused connection shows the reason and the retry in the status bar")
    func refused() async throws {
        let terminal = FakeTerminal()
        let timing = SessionTiming(
            tickInterval: .seconds(3600), frameInterval: .zero, reconnectDelays: [.seconds(3600)],
            now: { DashboardFixtures.epoch })
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([]).connect, options: DashboardOptions(), timing: timing)
        let frame = await terminal.frame(containing: "connection refused")
        #expect(frame.textSnapshot.contains("retry in 3600s"))
        terminal.press(.character("q"))
        try await session
    }

    @Test("a signal ends the session with an error after the terminal is restored")
    func interrupted() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        let session = Task {
            try await DashboardApp.run(
                on: terminal, connect: LinkSupply([link]).connect, options: DashboardOptions(), timing: Self.timing)
        }
        await link.waitForSent(count: 2)
        terminal.send(.interrupted(signal: 15))
        await #expect(throws: DashboardError.interrupted(signal: 15)) { try await session.value }
        #expect(terminal.restoreCount >= 1)
    }

    @Test("CODESWARM_APPROVAL_BELL=1 rings the terminal's bell when an agent asks; without it the header alone says so")
    func approvalBell() async throws {
        for (environment, bells) in [(["CODESWARM_APPROVAL_BELL": "1"], 1), ([:], 0)] {
            let terminal = FakeTerminal()
            let link = ScriptedLink()
            let options = DashboardOptions.fromEnvironment(environment)
            async let session: Void = DashboardApp.run(
                on: terminal, connect: LinkSupply([link]).connect, options: options, timing: Self.timing)
            await link.waitForSent(count: 3)
            link.push(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID))
            link.push(.replayComplete(ReplayComplete(requestID: .string(link.sent[1].requestID), lastSeq: 0)))
            link.push(
                DashboardFixtures.stream(
                    swarm, node: 1, seq: 1,
                    .approvalRequested(
                        ApprovalRequest(
                            approvalID: "a-1", kind: "command", method: "item/commandExecution/requestApproval",
                            command: "make test", createdAt: DashboardFixtures.timestamp(secondsAgo: 0)))))
            _ = await terminal.frame(containing: "⚑ 1 approval")
            #expect(terminal.bells == bells, "\(environment)")
            terminal.press(.character("q"))
            try await session
        }
    }

    @Test("a resize re-lays out the screen at the new size")
    func resize() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: DashboardOptions(), timing: Self.timing)
        await link.waitForSent(count: 2)
        terminal.send(.resized(ScreenSize(width: 120, height: 40)))
        let frame = await terminal.frame { $0.size == ScreenSize(width: 120, height: 40) }
        #expect(frame.textLines[39].contains("● connected"))
        terminal.press(.character("q"))
        try await session
    }

    @Test("an event that changes nothing on screen draws no frame")
    func unchangedFramesAreSkipped() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: DashboardOptions(), timing: Self.timing)
        await link.waitForSent(count: 2)
        let list = DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID)
        link.push(list)
        _ = await terminal.frame(containing: "1a2b3c4d")
        let before = terminal.frames.count
        link.push(list)
        link.push(DashboardFixtures.status(swarm: swarm))
        _ = await terminal.frame(containing: "gpu-node")
        #expect(terminal.frames.count == before + 1)
        terminal.press(.character("q"))
        try await session
    }

    @Test("a burst of events within one frame interval is not drawn event by event")
    func burstsAreCoalesced() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        // A frame interval longer than the test: after the first frame, nothing may be drawn.
        let timing = SessionTiming(
            tickInterval: .seconds(3600), frameInterval: .seconds(3600), reconnectDelays: [.zero],
            now: { DashboardFixtures.epoch })
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: DashboardOptions(), timing: timing)
        await link.waitForSent(count: 2)
        link.push(.replayComplete(ReplayComplete(requestID: .string(link.sent[1].requestID), lastSeq: 0)))
        for seq in 1...200 {
            link.push(DashboardFixtures.stream(swarm, node: 0, seq: seq, .assistantDelta(content: "x")))
        }
        link.push(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID))
        terminal.press(.character("q"))
        try await session
        #expect(terminal.frames.count == 1)
    }

    @Test("y writes the turn to a new 0600 file in the export directory and copies it to the clipboard")
    func exportWritesFileAndClipboard() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("codeswarm-export-test-\(getpid())-\(UUIDCounter.next())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Wide enough for the whole message with its path.
        let terminal = FakeTerminal(size: ScreenSize(width: 200, height: 30), canCopyToClipboard: true)
        let link = ScriptedLink()
        let options = DashboardOptions(exportDirectory: directory + "/exports")
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: options, timing: Self.timing)
        await link.waitForSent(count: 2)
        link.push(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: link.sent[0].requestID))
        link.push(.replayComplete(ReplayComplete(requestID: .string(link.sent[1].requestID), lastSeq: 0)))
        link.push(
            DashboardFixtures.stream(
                swarm, node: 0, seq: 1, injection: "i-1", .assistant(content: "the answer\nin two lines")))
        _ = await terminal.frame(containing: "the answer")
        terminal.press(.character("y"))
        let frame = await terminal.frame(containing: "Saved node 0's turn")
        let name = "1a2b3c4d-node0-turn-20260101T000000Z.md"
        #expect(frame.textSnapshot.contains("copied"))
        let path = directory + "/exports/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("the answer\nin two lines\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(terminal.clipboard.last == text)
        // A second copy in the same second gets a file of its own.
        terminal.press(.character("y"))
        _ = await terminal.frame(containing: "-2.md")
        #expect(
            FileManager.default.fileExists(atPath: directory + "/exports/1a2b3c4d-node0-turn-20260101T000000Z-2.md"))
        terminal.press(.character("q"))
        try await session
    }

    @Test("the initial swarm option selects that swarm")
    func initialSwarm() async throws {
        let terminal = FakeTerminal()
        let link = ScriptedLink()
        let options = DashboardOptions(initialSwarmID: "second")
        async let session: Void = DashboardApp.run(
            on: terminal, connect: LinkSupply([link]).connect, options: options, timing: Self.timing)
        await link.waitForSent(count: 2)
        link.push(
            DashboardFixtures.list(
                [("first", DashboardFixtures.summary(createdSecondsAgo: 1)), ("second", DashboardFixtures.summary())],
                requestID: link.sent[0].requestID))
        let frame = await terminal.frame(containing: "Nodes · second")
        #expect(frame.textSnapshot.contains("second"))
        terminal.press(.character("q"))
        try await session
    }
}

/// Options and pacing.
@Suite struct DashboardOptionsTests {
    @Test("NO_COLOR set to anything non-empty means monochrome")
    func noColor() {
        #expect(DashboardOptions.fromEnvironment(["NO_COLOR": "1"]).isMonochrome)
        #expect(!DashboardOptions.fromEnvironment(["NO_COLOR": ""]).isMonochrome)
        #expect(!DashboardOptions.fromEnvironment([:]).isMonochrome)
    }

    @Test("reconnect delays back off and then repeat the last")
    func backoff() {
        let timing = SessionTiming.standard
        #expect(timing.reconnectDelay(attempt: 1) == .milliseconds(250))
        #expect(timing.reconnectDelay(attempt: 3) == .seconds(1))
        #expect(timing.reconnectDelay(attempt: 50) == .seconds(4))
    }

    @Test("CODESWARM_CLIPBOARD picks the clipboard setting; exports go to the state directory")
    func clipboardAndExports() {
        #expect(DashboardOptions.fromEnvironment([:]).clipboard == .auto)
        #expect(DashboardOptions.fromEnvironment(["CODESWARM_CLIPBOARD": "off"]).clipboard == .off)
        #expect(DashboardOptions.fromEnvironment(["CODESWARM_CLIPBOARD": "OSC52"]).clipboard == .osc52)
        #expect(
            DashboardOptions.fromEnvironment(["CODESWARM_STATE_DIR": "/s"]).exportDirectory == "/s/exports")
        #expect(
            DashboardOptions.fromEnvironment(["XDG_STATE_HOME": "/x", "HOME": "/h"]).exportDirectory
                == "/x/codeswarm/exports")
    }

    @Test("errors explain what to do")
    func errorMessages() {
        #expect(DashboardError.unsupportedTerminal("dumb").message.contains("no cursor addressing"))
        #expect(DashboardError.unknownTerminal("vt9000").message.contains("'vt9000'"))
        #expect(DashboardError.unknownTerminal(nil).message.contains("TERM is not set"))
        #expect(DashboardError.notATerminal.message.contains("codeswarm status"))
    }
}

import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// The dashboard items of issue 12 (a new user's walk-through), each checked on the state and the screen.
@Suite struct NewUserWalkthroughTests {
    let swarm = "38c1f2ab-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    @Test("at 220 columns the job id, status and time left are whole and the swarm id is 8 characters")
    func wideColumns() throws {
        var harness = DashboardHarness(size: ScreenSize(width: 220, height: 40))
        let summary = DashboardFixtures.summary(
            job: "local_38c1f2ab", status: .starting, provider: "local", slurmState: "RUNNING", timeLeft: 7 * 3600)
        harness.receive(DashboardFixtures.list([(swarm, summary)], requestID: "dash-1"))
        harness.receive(
            .swarmLaunchProgress(
                SwarmLaunchProgress(
                    requestID: "other", swarmID: SwarmID(swarm), stage: "workers_starting", message: "1/4 started",
                    reason: "waiting for node 3")))
        let screen = harness.screen
        let row = try #require(screen.textLines.first { $0.contains("local_38c1f2ab") })
        #expect(row.contains("starting: workers starting (waiting for node 3)"))
        #expect(row.contains("7:00:00"))
        #expect(row.contains("38c1f2ab "))
        #expect(!row.contains("38c1f2ab-"))
        // The id is not padded out to take the room: job and status start within the first 40 columns.
        #expect(
            (row.range(of: "local_38c1f2ab").map { row.distance(from: row.startIndex, to: $0.lowerBound) } ?? 99) < 30)
    }

    @Test("two swarm ids that share 8 characters show as long a prefix as tells them apart")
    func uniquePrefixes() {
        let prefixes = TextFormat.uniquePrefixes(of: ["1a2b3c4d-aaaa", "1a2b3c4d-abbb", "ffff0000-0000", "short"])
        #expect(prefixes["1a2b3c4d-aaaa"] == "1a2b3c4d-aa")
        #expect(prefixes["1a2b3c4d-abbb"] == "1a2b3c4d-ab")
        #expect(prefixes["ffff0000-0000"] == "ffff0000")
        #expect(prefixes["short"] == "short")
    }

    @Test("a connection failure's reason is shown whole: the header points to the messages overlay, ! shows it")
    func connectionReasonWhole() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        let reason =
            "could not connect to 127.0.0.1:8765: connection refused; the router was started with another "
            + "configuration (/home/user/.config/codeswarm/slurm.json) and its log is /tmp/router.log"
        harness.handle(.connection(.disconnected(reason: reason, retryAt: harness.state.now.addingTimeInterval(4))))
        let header = harness.screen.textLines[0]
        #expect(header.contains("No link to the router: could not connect"))
        #expect(header.contains("! shows all"))
        #expect(harness.screen.textLines[23].contains("✗ disconnected · retry in 4s"))
        harness.press(.character("!"))
        let overlay = harness.screen.textLines.joined(separator: " ").replacingOccurrences(of: "│", with: " ")
        let words = overlay.split(separator: " ").joined(separator: " ")
        #expect(words.contains("/home/user/.config/codeswarm/slurm.json) and its log is /tmp/router.log"))
        harness.press(.escape)
        #expect(harness.state.mode == .browse)
    }

    @Test("a router that stops answering shows as not responding and recovers when it answers")
    func heartbeat() throws {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        harness.advance(seconds: 1)
        #expect(harness.sent.isEmpty)
        harness.advance(seconds: 1)
        // Quiet for 2 s: a probe goes out.
        let probe = try #require(harness.sent.last)
        #expect(probe.command == .list)
        #expect(harness.state.ledger.purpose(of: probe.requestID) == .heartbeat)
        harness.clearSent()
        harness.advance(seconds: 2)
        #expect(harness.screen.textLines[23].contains("● connected"))
        harness.advance(seconds: 1)
        // Unanswered for 3 s: not responding, and no second probe meanwhile.
        #expect(harness.screen.textLines[23].contains("◌ not responding"))
        #expect(!harness.screen.contains("● connected"))
        harness.advance(seconds: 5)
        #expect(harness.sent.allSatisfy { harness.state.ledger.purpose(of: $0.requestID) != .heartbeat })
        #expect(harness.screen.textLines[23].contains("not responding · 8s"))
        // It answers: connected again, and it says so.
        harness.clearSent()
        harness.receive(
            DashboardFixtures.list(
                [(swarm, DashboardFixtures.summary())], requestID: probe.requestID))
        #expect(harness.screen.textLines[23].contains("● connected"))
        #expect(harness.state.flash?.text.contains("answers again") == true)
        // The answer to a probe does not force a status request on top.
        #expect(!harness.sent.contains { $0.command.name == "swarm_status" })
    }

    @Test("the paused footer counts lines below, not entries")
    func pausedCountsLines() {
        var harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 80, height: 24))
        for seq in 1...30 {
            harness.receive(
                DashboardFixtures.stream(swarm, node: 0, seq: seq, turn: "t\(seq)", .assistant(content: "line \(seq)")))
        }
        harness.press(.tab, .tab, .character("k"), .character("k"), .character("k"))
        // One long answer arrives below the paused view: 40 words wrap to several lines of the 40-cell pane.
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 0, seq: 31, turn: "t31",
                .assistant(content: Array(repeating: "word", count: 40).joined(separator: " "))))
        let footer = harness.screen.textLines.first { $0.contains("paused") } ?? ""
        // 3 lines scrolled past, plus the long answer's 5 lines (40 words at 40 cells).
        #expect(footer.contains("paused · 8 lines below · G follows"), "\(footer)")
    }

    @Test("the terminate dialog says what happens for the swarm's provider")
    func terminateWording() {
        var local = DashboardHarness()
        local.receive(
            DashboardFixtures.list([(swarm, DashboardFixtures.summary(job: "local_38c1f2ab", provider: "local"))]))
        local.press(.character("T"))
        guard case .confirm(let localDialog) = local.state.mode else {
            Issue.record("no confirm dialog")
            return
        }
        #expect(localDialog.message.contains("its worker processes are stopped"))
        #expect(!localDialog.message.contains("Slurm"))
        var slurm = DashboardHarness()
        slurm.receive(DashboardFixtures.list([(swarm, DashboardFixtures.summary(provider: "slurm"))]))
        slurm.press(.character("T"))
        guard case .confirm(let slurmDialog) = slurm.state.mode else {
            Issue.record("no confirm dialog")
            return
        }
        #expect(slurmDialog.message.contains("the Slurm job is cancelled"))
    }

    @Test("status-bar hints follow the focused pane: the response pane shows h/l and G")
    func hintsFollowFocus() {
        var harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 100, height: 30))
        harness.receive(DashboardFixtures.stream(swarm, node: 0, seq: 1, .assistant(content: "hello")))
        let swarmsBar = harness.screen.textLines[29]
        #expect(!swarmsBar.contains("h/l node"))
        harness.press(.tab, .tab)
        #expect(harness.state.keyContext == .output)
        let outputBar = harness.screen.textLines[29]
        #expect(outputBar.contains("h/l node"))
        #expect(outputBar.contains("G follow"))
        #expect(outputBar.contains("y copy"))
        #expect(outputBar.hasPrefix(" ? help  q quit"))
    }

    @Test("hints of keys that cannot act now are left out")
    func disabledHintsHidden() {
        let harness = DashboardHarness(size: ScreenSize(width: 120, height: 30), connected: false)
        let bar = harness.screen.textLines[29]
        #expect(!bar.contains("terminate"))
        #expect(bar.contains("? help"))
    }

    @Test("after an agent crash its error shows once, not again with the failed turn")
    func crashErrorOnce() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        let message = "the agent exited with status 3"
        harness.receive(
            DashboardFixtures.stream(swarm, node: 0, seq: 1, .turnStarted),
            DashboardFixtures.stream(
                swarm, node: 0, seq: 2, .agentError(message: message, code: "agent_exited", willRetry: true)),
            DashboardFixtures.stream(swarm, node: 0, seq: 3, .turnComplete(status: "failed", error: message)))
        let texts = harness.state.transcripts[NodeKey(SwarmID(swarm), 0)]?.entries.map(\.text) ?? []
        #expect(texts.filter { $0.contains(message) }.count == 1, "\(texts)")
        // The restart that follows is news, not another error.
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 0, seq: 10,
                .agentError(message: "the agent was restarted", code: "agent_restarted", willRetry: nil)))
        #expect(harness.state.transcripts[NodeKey(SwarmID(swarm), 0)]?.entries.last?.kind == .info)
        #expect(texts.contains { $0.hasPrefix("turn failed") })
        // A turn that fails with a different error still shows it.
        harness.receive(
            DashboardFixtures.stream(swarm, node: 0, seq: 4, turn: "t2", .turnStarted),
            DashboardFixtures.stream(
                swarm, node: 0, seq: 5, turn: "t2", .turnComplete(status: "failed", error: "stalled")))
        let after = harness.state.transcripts[NodeKey(SwarmID(swarm), 0)]?.entries.map(\.text) ?? []
        #expect(after.last == "stalled")
    }
}

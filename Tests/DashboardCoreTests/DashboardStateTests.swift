import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Update tests: one state, one event, the exact commands and the new state.
@Suite struct DashboardStateTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    @Test("connecting asks for the list, replays from the last sequence number, and asks for pending approvals")
    func connectSendsListAndReplay() {
        var state = DashboardState(size: ScreenSize(width: 80, height: 24), now: DashboardFixtures.epoch)
        let commands = state.handle(.connection(.connected))
        #expect(
            commands == [
                .send(.list, requestID: "dash-1"), .send(.replay(sinceSeq: 0, swarmID: nil), requestID: "dash-2"),
                .send(.approvals, requestID: "dash-3"),
            ])
        #expect(state.replayRequestID == "dash-2")
    }

    @Test("the header shows the selected swarm's walltime left and counts it down between refreshes")
    func headerTimeLeft() {
        var harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 160, height: 48))
        #expect(harness.screen.textLines[0].contains("· 52m10s left"))
        harness.advance(seconds: 70)
        #expect(harness.screen.textLines[0].contains("· 51m00s left"))
    }

    @Test("a reconnect replays only what came after the last event seen")
    func reconnectResumes() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.receive(
            DashboardFixtures.stream(swarm, node: 0, seq: 41, .turnStarted),
            .replayComplete(ReplayComplete(requestID: "dash-2", lastSeq: 41)))
        harness.handle(.connection(.disconnected(reason: "refused", retryAt: nil)))
        harness.clearSent()
        harness.handle(.connection(.connected))
        #expect(harness.sent.map(\.command).contains(.replay(sinceSeq: 41, swarmID: nil)))
        #expect(harness.state.flash?.text == "Reconnected to the router.")
    }

    @Test("live events that overtake the replay are held and merged in seq order")
    func replayOrdering() {
        var harness = DashboardHarness()
        harness.receive(DashboardFixtures.list([(swarm, DashboardFixtures.summary())], requestID: "dash-1"))
        let key = NodeKey(SwarmID(swarm), 0)
        // A live delta (seq 9) arrives first, then the history (seq 5…8) and the live delta again.
        harness.receive(
            DashboardFixtures.stream(swarm, node: 0, seq: 9, turn: "t2", .assistantDelta(content: "second answer")))
        #expect(harness.state.transcripts[key] == nil)
        harness.receive(
            .injectAck(
                InjectionEvent(
                    requestID: "other", swarmID: SwarmID(swarm), injectionID: "i-1", nodeID: 0, prompt: "first", seq: 5)
            ),
            DashboardFixtures.stream(swarm, node: 0, seq: 6, turn: "t1", .assistant(content: "first answer")),
            DashboardFixtures.stream(
                swarm, node: 0, seq: 7, turn: "t1", .turnComplete(status: "completed", error: nil)),
            .injectAck(
                InjectionEvent(
                    requestID: "other", swarmID: SwarmID(swarm), injectionID: "i-2", nodeID: 0, prompt: "second", seq: 8
                )),
            DashboardFixtures.stream(swarm, node: 0, seq: 9, turn: "t2", .assistantDelta(content: "second answer")))
        harness.completeReplay(lastSeq: 9)
        let texts = harness.state.transcripts[key]?.entries.map(\.text)
        #expect(texts == ["first", "first answer", "turn completed", "second", "second answer"])
        #expect(harness.state.replayRequestID == nil)
        #expect(harness.state.sequences.highest == 9)
    }

    @Test("losing the link during a replay applies what was held")
    func replayInterrupted() {
        var harness = DashboardHarness()
        harness.receive(DashboardFixtures.stream(swarm, node: 1, seq: 3, .assistant(content: "kept")))
        harness.handle(.connection(.disconnected(reason: "reset", retryAt: nil)))
        #expect(harness.state.transcripts[NodeKey(SwarmID(swarm), 1)]?.entries.map(\.text) == ["kept"])
        #expect(harness.state.replayBuffer.isEmpty)
    }

    @Test("a replay that is never answered stops holding live events after a while")
    func replayPatience() {
        var harness = DashboardHarness()
        harness.receive(DashboardFixtures.stream(swarm, node: 0, seq: 4, .assistant(content: "late")))
        harness.advance(seconds: DashboardState.replayPatience)
        #expect(harness.state.replayRequestID == nil)
        #expect(harness.state.transcripts[NodeKey(SwarmID(swarm), 0)]?.entries.map(\.text) == ["late"])
    }

    @Test("replayed events already applied are skipped by sequence number")
    func deduplication() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        let delta = DashboardFixtures.stream(swarm, node: 1, seq: 7, .assistantDelta(content: "once"))
        harness.receive(delta, delta)
        let text = harness.state.transcripts[NodeKey(SwarmID(swarm), 1)]?.entries.map(\.text)
        #expect(text == ["once"])
    }

    @Test("list ordering: active swarms first, newest first")
    func ordering() {
        var harness = DashboardHarness()
        harness.receive(
            DashboardFixtures.list([
                ("old", DashboardFixtures.summary(createdSecondsAgo: 900)),
                ("new", DashboardFixtures.summary(createdSecondsAgo: 10)),
                ("done", DashboardFixtures.summary(status: .terminated, createdSecondsAgo: 5, endedReason: "timeout")),
            ]))
        #expect(harness.state.orderedSwarms.map(\.id.rawValue) == ["new", "old", "done"])
        #expect(harness.state.selectedSwarm?.id == "new")
    }

    @Test("the selection follows the swarm, not the row, when a refresh reorders the list")
    func selectionSurvivesRefresh() {
        var harness = DashboardHarness()
        harness.receive(
            DashboardFixtures.list([
                ("a", DashboardFixtures.summary(createdSecondsAgo: 30)),
                ("b", DashboardFixtures.summary(createdSecondsAgo: 20)),
            ]))
        harness.press(.character("j"))
        #expect(harness.state.selectedSwarm?.id == "a")
        harness.receive(
            DashboardFixtures.list([
                ("a", DashboardFixtures.summary(createdSecondsAgo: 30)),
                ("b", DashboardFixtures.summary(createdSecondsAgo: 20)),
                ("c", DashboardFixtures.summary(createdSecondsAgo: 1)),
            ]))
        #expect(harness.state.selectedSwarm?.id == "a")
        #expect(harness.state.visibleSwarms.map(\.id.rawValue) == ["c", "b", "a"])
    }

    @Test("when the selected swarm disappears, the cursor stays on the same row")
    func selectionWhenRemoved() {
        var harness = DashboardHarness()
        harness.receive(
            DashboardFixtures.list([
                ("a", DashboardFixtures.summary(createdSecondsAgo: 30)),
                ("b", DashboardFixtures.summary(createdSecondsAgo: 20)),
                ("c", DashboardFixtures.summary(createdSecondsAgo: 10)),
            ]))
        harness.press(.character("j"))
        #expect(harness.state.selectedSwarm?.id == "b")
        harness.receive(
            DashboardFixtures.list([
                ("a", DashboardFixtures.summary(createdSecondsAgo: 30)),
                ("c", DashboardFixtures.summary(createdSecondsAgo: 10)),
            ]))
        #expect(harness.state.selectedSwarm?.id == "a")
    }

    @Test("the node selection is kept per swarm and survives a status refresh")
    func nodeSelection() {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 8)
        harness.press(.tab, .character("j"), .character("j"))
        #expect(harness.state.focusedNode?.nodeID == 2)
        harness.receive(DashboardFixtures.status(swarm: swarm, nodes: 8))
        #expect(harness.state.focusedNode?.nodeID == 2)
        harness.press(.character("G"))
        #expect(harness.state.focusedNode?.nodeID == 7)
        harness.press(.character("g"))
        #expect(harness.state.focusedNode?.nodeID == 0)
    }

    @Test("sending a prompt to the focused node sends inject and clears the line")
    func sendFocused() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        harness.press(.character("i"))
        harness.type("run tests")
        harness.press(.enter)
        #expect(
            harness.sent.map(\.command) == [.inject(swarmID: SwarmID(swarm), nodes: .nodes([0]), content: "run tests")])
        #expect(harness.state.prompt.field.isEmpty)
        #expect(harness.state.swarms[SwarmID(swarm)]?.nodes[0]?.inject == .sending)
        #expect(harness.state.mode == .prompt)
    }

    @Test("targets: marked nodes, then all nodes")
    func targets() {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 4)
        harness.press(.tab, .character(" "), .character("j"), .character("j"), .character(" "))
        #expect(harness.state.markedNodeIDs == [0, 2])
        #expect(harness.state.prompt.target == .marked)
        #expect(harness.state.targetLabel == "2 marked")
        harness.clearSent()
        harness.press(.character("i"))
        harness.type("a")
        // Two nodes: the send asks first.
        harness.press(.enter, .character("y"))
        #expect(harness.sent.last?.command == .inject(swarmID: SwarmID(swarm), nodes: .nodes([0, 2]), content: "a"))
        harness.press(.tab)
        #expect(harness.state.prompt.target == .all)
        harness.type("b")
        harness.press(.enter, .character("y"))
        #expect(harness.sent.last?.command == .inject(swarmID: SwarmID(swarm), nodes: .all, content: "b"))
        harness.press(.tab)
        #expect(harness.state.prompt.target == .focused)
    }

    @Test("the marked target without marks is refused with a reason and the target stays")
    func markedWithoutMarks() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character(":"))
        harness.type("target marked")
        harness.clearSent()
        harness.press(.enter)
        #expect(harness.sent.isEmpty)
        #expect(harness.state.prompt.target == .focused)
        #expect(harness.state.palette.error?.hasPrefix("No nodes are marked") == true)
    }

    @Test("inject lifecycle: ack adds the prompt to the transcript, delivered and failed update the node")
    func injectLifecycle() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("i"))
        harness.type("hello")
        harness.press(.enter)
        let requestID = harness.lastRequestID(of: "inject") ?? ""
        let id = SwarmID(swarm)
        harness.receive(
            .injectAck(InjectionEvent(requestID: .string(requestID), swarmID: id, injectionID: "i-1", nodeID: 0)))
        #expect(harness.state.swarms[id]?.nodes[0]?.inject == .acknowledged("i-1"))
        #expect(harness.state.transcripts[NodeKey(id, 0)]?.entries.map(\.text) == ["hello"])
        harness.receive(
            .injectDelivered(InjectionEvent(requestID: .string(requestID), swarmID: id, injectionID: "i-1", nodeID: 0)))
        #expect(harness.state.swarms[id]?.nodes[0]?.inject == .delivered("i-1"))
        harness.receive(
            .injectAck(InjectionEvent(requestID: .string(requestID), swarmID: id, injectionID: "i-1", nodeID: 0)))
        #expect(harness.state.swarms[id]?.nodes[0]?.inject == .delivered("i-1"))
        harness.receive(
            .injectFailed(
                InjectionEvent(
                    requestID: .string(requestID), swarmID: id, injectionID: "i-2", nodeID: 1, error: "inbox full")))
        #expect(harness.state.swarms[id]?.nodes[1]?.inject == .failed("i-2", reason: "inbox full"))
        #expect(harness.state.flash?.isError == true)
    }

    @Test("a rejected prompt marks its nodes failed with the router's reason")
    func rejectedInject() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("i"))
        harness.type("x")
        harness.press(.enter)
        let requestID = harness.lastRequestID(of: "inject") ?? ""
        harness.receive(.commandRejected(CommandRejected(requestID: .string(requestID), reason: "swarm is ending")))
        #expect(harness.state.swarms[SwarmID(swarm)]?.nodes[0]?.inject == .failed(nil, reason: "swarm is ending"))
        #expect(harness.state.flash?.text == "Prompt rejected: swarm is ending")
    }

    @Test("losing the connection fails prompts the router never answered")
    func disconnectFailsPending() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("i"))
        harness.type("x")
        harness.press(.enter)
        harness.handle(.connection(.disconnected(reason: "reset", retryAt: nil)))
        #expect(harness.state.swarms[SwarmID(swarm)]?.nodes[0]?.inject == .failed(nil, reason: "connection lost"))
    }

    @Test("stream events drive node state and the transcript")
    func streamDrivesState() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        let id = SwarmID(swarm)
        harness.receive(.replayComplete(ReplayComplete(requestID: "dash-2", lastSeq: 0)))
        harness.receive(DashboardFixtures.stream(swarm, node: 1, seq: 1, .turnStarted))
        #expect(harness.state.swarms[id]?.nodes[1]?.state == .working)
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 1, seq: 2, .agentStatus(status: "active", flags: ["waitingOnApproval"])))
        #expect(harness.state.swarms[id]?.nodes[1]?.state == .waitingForApproval)
        harness.receive(DashboardFixtures.stream(swarm, node: 1, seq: 3, .usage(TokenUsage(totalTokens: 5000))))
        #expect(harness.state.swarms[id]?.nodes[1]?.totalTokens == 5000)
        harness.advance(seconds: 12)
        harness.receive(
            DashboardFixtures.stream(swarm, node: 1, seq: 4, .turnComplete(status: "completed", error: nil)))
        #expect(harness.state.swarms[id]?.nodes[1]?.state == .idle)
        #expect(harness.state.transcripts[NodeKey(id, 1)]?.entries.last?.text == "turn completed · 12s")
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 1, seq: 5, .agentError(message: "crashed", code: nil, willRetry: false)))
        #expect(harness.state.swarms[id]?.nodes[1]?.state == .error)
        harness.receive(DashboardFixtures.stream(swarm, node: 1, seq: 6, .nodeEnded(reason: "complete")))
        #expect(harness.state.swarms[id]?.nodes[1]?.state == .ended)
    }

    @Test("a stream event for an unknown swarm shows it and asks for the list")
    func unknownSwarm() {
        var harness = DashboardHarness()
        harness.receive(DashboardFixtures.list([], requestID: "dash-1"))
        harness.completeReplay()
        harness.clearSent()
        harness.receive(DashboardFixtures.stream("zzz", node: 2, seq: 1, .assistantDelta(content: "hi")))
        #expect(harness.state.swarms["zzz"]?.nodeCount == 3)
        #expect(harness.sent.map(\.command) == [.list])
    }

    @Test("ticks refresh the list and the selected swarm's status, no more often than their intervals")
    func periodicRefresh() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        // The heartbeat's probes of a quiet link are tested on their own; here only the refreshes count.
        func refreshes() -> [RouterCommand] {
            harness.sent.filter { harness.state.ledger.purpose(of: $0.requestID) != .heartbeat }.map(\.command)
        }
        harness.clearSent()
        harness.advance(seconds: 1)
        #expect(refreshes().isEmpty)
        harness.advance(seconds: 5)
        #expect(refreshes() == [.status(swarmID: SwarmID(swarm))])
        harness.clearSent()
        harness.advance(seconds: 10)
        #expect(refreshes() == [.list])
    }

    @Test("nothing is sent while disconnected")
    func quietWhenDisconnected() {
        var harness = DashboardHarness(connected: false)
        harness.advance(seconds: 60)
        harness.press(.character("r"))
        #expect(harness.sent.isEmpty)
    }

    @Test("terminate asks first; n cancels; y sends terminate")
    func terminateConfirm() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        harness.press(.character("T"))
        guard case .confirm = harness.state.mode else {
            Issue.record("no confirm dialog")
            return
        }
        harness.press(.character("n"))
        #expect(harness.state.mode == .browse)
        #expect(harness.sent.isEmpty)
        harness.press(.character("T"), .character("x"), .character("y"))
        #expect(harness.sent.map(\.command) == [.terminate(swarmID: SwarmID(swarm), force: false)])
        let requestID = harness.lastRequestID(of: "swarm_terminate") ?? ""
        harness.receive(
            .swarmTerminated(
                SwarmTerminated(requestID: .string(requestID), swarmID: SwarmID(swarm), reason: "cancelled")))
        #expect(harness.state.swarms[SwarmID(swarm)]?.statusLabel == "ended: cancelled")
        harness.press(.character("T"))
        #expect(harness.state.mode == .browse)
        #expect(harness.state.flash?.text.contains("already ended") == true)
    }

    @Test("the launch form validates before sending and selects the launched swarm")
    func launchForm() {
        var harness = DashboardHarness()
        harness.press(.character("n"), .control("u"))
        harness.type("abc")
        harness.press(.enter)
        guard case .launch(let form) = harness.state.mode else {
            Issue.record("the form closed")
            return
        }
        #expect(form.error?.contains("whole number") == true)
        harness.press(.control("u"))
        harness.type("2")
        harness.press(.tab, .tab)
        harness.type("1 hour")
        harness.press(.enter)
        guard case .launch(let second) = harness.state.mode else {
            Issue.record("the form closed")
            return
        }
        #expect(second.focused == .time)
        #expect(second.error?.contains("a space") == true)
        harness.press(.control("u"))
        harness.type("01:00:00")
        harness.press(.down, .down, .down)
        harness.paste("You are\na tester.")
        harness.clearSent()
        harness.press(.enter)
        #expect(harness.state.mode == .browse)
        let expected = LaunchRequest(nodes: 2, time: "01:00:00", systemPrompt: "You are\na tester.")
        #expect(harness.sent.map(\.command) == [.launch(expected)])
        let requestID = harness.lastRequestID(of: "swarm_launch") ?? ""
        harness.receive(
            .swarmLaunched(
                SwarmLaunched(requestID: .string(requestID), swarmID: "new-swarm", jobID: "77", nodeCount: 2)))
        #expect(harness.state.selectedSwarm?.id == "new-swarm")
        #expect(harness.state.focus == .nodes)
    }

    @Test("the filter narrows the focused table; Esc clears it")
    func filter() {
        var harness = DashboardHarness()
        harness.receive(
            DashboardFixtures.list([
                ("alpha", DashboardFixtures.summary(createdSecondsAgo: 30)),
                ("beta", DashboardFixtures.summary(createdSecondsAgo: 20)),
                ("gamma", DashboardFixtures.summary(createdSecondsAgo: 10)),
            ]))
        harness.press(.character("/"))
        harness.type("ta")
        #expect(harness.state.visibleSwarms.map(\.id.rawValue) == ["beta"])
        #expect(harness.state.selectedSwarm?.id == "beta")
        harness.press(.enter)
        #expect(harness.state.mode == .browse)
        #expect(harness.state.swarmFilter.text == "ta")
        harness.press(.character("/"), .escape)
        #expect(harness.state.visibleSwarms.count == 3)
    }

    @Test("pasting while browsing starts a prompt with the text")
    func pasteStartsPrompt() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.paste("line one\nline two")
        #expect(harness.state.mode == .prompt)
        #expect(harness.state.prompt.field.text == "line one\nline two")
    }

    @Test("flash messages expire with the clock; Esc dismisses them")
    func flashExpiry() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.state.showFlash("hello", isError: false)
        harness.advance(seconds: Flash.infoSeconds + 1)
        #expect(harness.state.flash == nil)
        harness.state.showFlash("again", isError: true)
        harness.press(.escape)
        #expect(harness.state.flash == nil)
    }

    @Test("Esc typed quickly before a key arrives as Alt; unbound, it acts as Esc then the key")
    func altFallsBackToEscape() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("?"))
        #expect(harness.state.mode == .help)
        harness.clearSent()
        harness.press(.alt("q"))
        #expect(harness.state.mode == .browse)
        #expect(harness.didQuit)
    }

    @Test("the split view lays out even rows: 4 nodes on a 3-column-wide screen make 2×2")
    func splitGrid() {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 4, size: ScreenSize(width: 120, height: 32))
        harness.press(.character("s"))
        let layout = ScreenLayout(state: harness.state)
        #expect(layout.panes.map(\.nodeID) == [0, 1, 2, 3])
        #expect(Set(layout.panes.map(\.rect.width)) == [60])
        #expect(Set(layout.panes.map(\.rect.y)).count == 2)
    }

    @Test("the split view pages through more nodes than fit, following the focused pane")
    func splitPaging() {
        var harness = DashboardFixtures.harness(swarm: swarm, nodes: 16)
        harness.press(.character("s"))
        #expect(ScreenLayout(state: harness.state).panes.map(\.nodeID) == [0, 1, 2, 3])
        for _ in 0..<5 { harness.press(.tab) }
        #expect(harness.state.focus == .swarms)
        harness.press(.tab)
        harness.press(.character("l"), .character("l"), .character("l"), .character("l"), .character("l"))
        #expect(harness.state.focusedNode?.nodeID == 5)
        let layout = ScreenLayout(state: harness.state)
        #expect(layout.panes.map(\.nodeID) == [4, 5, 6, 7])
        #expect(harness.screen.textSnapshot.contains("panes 5–8 of 16"))
    }

    @Test("scrolling a response pane pauses following; G resumes it")
    func pauseAndFollow() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        let key = NodeKey(SwarmID(swarm), 0)
        for seq in 1...40 {
            harness.receive(
                DashboardFixtures.stream(swarm, node: 0, seq: seq, turn: "t\(seq)", .assistant(content: "line \(seq)")))
        }
        harness.press(.tab, .tab)
        #expect(harness.state.focus == .output)
        harness.press(.character("k"), .character("k"))
        guard case .pinned = harness.state.scroll[key] ?? .following else {
            Issue.record("not paused")
            return
        }
        harness.receive(DashboardFixtures.stream(swarm, node: 0, seq: 41, turn: "t41", .assistant(content: "line 41")))
        #expect(!harness.screen.textSnapshot.contains("line 41"))
        #expect(harness.screen.textSnapshot.contains("paused"))
        harness.press(.character("G"))
        #expect(harness.state.scroll[key] == .following)
        #expect(harness.screen.textSnapshot.contains("line 41"))
    }

    @Test("the help overlay scrolls within its length, and back from the end at once")
    func helpScrolling() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("?"), .character("G"))
        let bottom = harness.state.helpScroll
        #expect(bottom > 0)
        harness.press(.character("j"))
        #expect(harness.state.helpScroll == bottom)
        harness.press(.character("k"))
        #expect(harness.state.helpScroll == bottom - 1)
        harness.press(.character("g"))
        #expect(harness.state.helpScroll == 0)
    }

    @Test("q and Ctrl-C quit")
    func quit() {
        var state = DashboardState(size: ScreenSize(width: 80, height: 24), now: DashboardFixtures.epoch)
        #expect(state.handle(.key(.character("q"))) == [.quit])
        _ = state.handle(.key(.character("?")))
        #expect(state.handle(.key(.control("c"))) == [.quit])
    }
}

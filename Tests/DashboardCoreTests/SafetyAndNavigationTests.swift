import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Issue 9's "Dashboard safety and navigation": the `:` palette, asking before a broadcast, marks and targets.
@Suite struct SafetyAndNavigationTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// Types `text` on a freshly opened palette.
    func palette(_ harness: inout DashboardHarness, _ text: String) {
        harness.press(.character(":"))
        harness.type(text)
    }

    @Test(":q quits and sends nothing; so do its spellings")
    func colonQuitSendsNothing() {
        for spelling in ["q", "quit", "q!", "exit", "QUIT"] {
            var harness = DashboardFixtures.harness(swarm: swarm)
            harness.clearSent()
            palette(&harness, spelling)
            harness.press(.enter)
            #expect(harness.didQuit, "\(spelling)")
            #expect(harness.sent.isEmpty, "\(spelling) sent \(harness.sent.map(\.command))")
        }
    }

    @Test("i still opens the prompt line; : opens the palette, not the prompt")
    func promptStaysOnI() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character(":"))
        #expect(harness.state.mode == .palette)
        #expect(harness.screen.textLines[22].hasPrefix(":"))
        harness.press(.escape)
        harness.press(.character("i"))
        #expect(harness.state.mode == .prompt)
    }

    @Test("an unknown verb is refused with a reason, sends nothing, and keeps the palette open")
    func unknownVerb() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        palette(&harness, "fix the tests")
        harness.press(.enter)
        #expect(harness.sent.isEmpty)
        #expect(harness.state.mode == .palette)
        #expect(harness.state.palette.error?.contains("Unknown command “fix”") == true)
        #expect(harness.screen.contains("✗ Unknown command"))
        // Typing clears the stale error.
        harness.type("x")
        #expect(harness.state.palette.error == nil)
    }

    /// A harness whose only swarm has ended (its job hit the time limit).
    func endedSwarm() -> DashboardHarness {
        var harness = DashboardHarness(size: ScreenSize(width: 160, height: 40))
        harness.receive(
            DashboardFixtures.list(
                [
                    (
                        swarm,
                        DashboardFixtures.summary(status: .terminated, slurmState: "TIMEOUT", endedReason: "time limit")
                    )
                ],
                requestID: harness.lastRequestID(of: "swarm_list") ?? ""))
        harness.completeReplay()
        return harness
    }

    /// The `swarm_resume` commands sent, by swarm id.
    func resumes(_ harness: DashboardHarness) -> [String] {
        harness.sent.compactMap { sent in
            guard case .resume(let request) = sent.command else { return nil }
            return request.swarmID.rawValue
        }
    }

    @Test(":resume completes the swarm id and resumes an ended swarm; the router's answer is shown")
    func paletteResumesAnEndedSwarm() {
        var harness = endedSwarm()
        palette(&harness, "resu")
        harness.press(.tab)
        #expect(harness.state.palette.text == "resume ")
        harness.type("1a2b")
        harness.clearSent()
        harness.press(.enter)
        #expect(resumes(harness) == [swarm])
        #expect(harness.state.mode == .browse)
        #expect(harness.state.flash?.text.contains("Resuming swarm 1a2b3c4d") == true)
        // While the router works on it, a second R does not ask again.
        harness.press(.character("R"))
        #expect(resumes(harness).count == 1)
        #expect(harness.state.flash?.text.contains("already resuming") == true)

        let requestID = harness.lastRequestID(of: "swarm_resume") ?? ""
        harness.receive(
            .swarmResumed(
                SwarmResumed(
                    requestID: .string(requestID), swarmID: SwarmID(swarm), jobID: JobID("4343"),
                    previousJobID: JobID("4242"), nodeCount: 4, provider: .slurm, cause: "manual",
                    nodes: (0..<4).map { NodeResumeOutcome(nodeID: $0, threadID: "t\($0)", resumed: $0 != 2) })))
        #expect(harness.state.swarms[SwarmID(swarm)]?.status == .running)
        #expect(harness.state.flash?.text.contains("resumed on job 4343; node(s) 2 started new threads") == true)
    }

    @Test("R resumes the selected ended swarm; a running one is refused with why; a rejection is shown")
    func resumeKeyAndRefusals() {
        var running = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 160, height: 40))
        running.clearSent()
        running.press(.character("R"))
        #expect(running.sent.isEmpty)
        #expect(running.state.flash?.text.contains("is running; only an ended swarm can be resumed") == true)

        var ended = endedSwarm()
        ended.clearSent()
        ended.press(.character("R"))
        #expect(resumes(ended) == [swarm])
        let requestID = ended.lastRequestID(of: "swarm_resume") ?? ""
        ended.receive(.commandRejected(CommandRejected(requestID: .string(requestID), reason: "no such partition")))
        #expect(ended.state.flash?.text == "Resume rejected: no such partition")
        #expect(ended.state.flash?.isError == true)
        // Answered: it may be asked again.
        ended.press(.character("R"))
        #expect(resumes(ended).count == 2)
    }

    @Test("Tab completes a verb, cycles through several, and completes a swarm id prefix")
    func completion() {
        var harness = DashboardHarness(size: ScreenSize(width: 120, height: 30))
        harness.receive(
            DashboardFixtures.list(
                [
                    ("1a2b3c4d-aaaa", DashboardFixtures.summary(createdSecondsAgo: 10)),
                    ("9f8e7d6c-bbbb", DashboardFixtures.summary(createdSecondsAgo: 20)),
                ], requestID: "dash-1"))
        palette(&harness, "te")
        harness.press(.tab)
        #expect(harness.state.palette.text == "terminate ")
        harness.type("9f")
        harness.press(.tab)
        #expect(harness.state.palette.text == "terminate 9f8e7d6c ")
        harness.press(.escape)
        palette(&harness, "t")
        #expect(harness.screen.contains("terminate [SWARM]") && harness.screen.contains("target focused|marked|all"))
        harness.press(.tab)
        #expect(harness.state.palette.text == "terminate")
        harness.press(.tab)
        #expect(harness.state.palette.text == "target")
        harness.press(.tab)
        #expect(harness.state.palette.text == "terminate")
    }

    @Test(":terminate PREFIX asks first for that swarm; n cancels; :swarm selects by prefix")
    func terminateAndSelectByPrefix() {
        var harness = DashboardHarness()
        harness.receive(
            DashboardFixtures.list(
                [
                    ("1a2b3c4d-aaaa", DashboardFixtures.summary(createdSecondsAgo: 10)),
                    ("9f8e7d6c-bbbb", DashboardFixtures.summary(createdSecondsAgo: 20)),
                ], requestID: "dash-1"))
        #expect(harness.state.selectedSwarm?.id == "1a2b3c4d-aaaa")
        palette(&harness, "terminate 9f8e")
        harness.clearSent()
        harness.press(.enter)
        guard case .confirm(let dialog) = harness.state.mode else {
            Issue.record("no confirm dialog: \(harness.state.mode)")
            return
        }
        #expect(dialog.pending == .terminate("9f8e7d6c-bbbb"))
        #expect(harness.sent.isEmpty)
        harness.press(.character("n"))
        #expect(harness.sent.isEmpty)
        palette(&harness, "swarm 1a")
        harness.press(.enter)
        #expect(harness.state.selectedSwarm?.id == "1a2b3c4d-aaaa")
        palette(&harness, "swarm zz")
        harness.press(.enter)
        #expect(harness.state.palette.error == "No swarm id starts with “zz”.")
    }

    @Test(":inject -w NODES TEXT sends to those nodes (asking first for several); :inject alone opens the prompt line")
    func injectVerb() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        palette(&harness, "inject -w 2 run it")
        harness.press(.enter)
        #expect(
            harness.sent.map(\.command) == [.inject(swarmID: SwarmID(swarm), nodes: .nodes([2]), content: "run it")])
        #expect(harness.state.mode == .browse)
        palette(&harness, "inject -w 0,3 both")
        harness.clearSent()
        harness.press(.enter)
        #expect(harness.sent.isEmpty)
        harness.press(.character("y"))
        #expect(
            harness.sent.map(\.command) == [.inject(swarmID: SwarmID(swarm), nodes: .nodes([0, 3]), content: "both")])
        palette(&harness, "inject -w 9 nope")
        harness.press(.enter)
        #expect(harness.state.palette.error?.contains("has no node 9") == true)
        harness.press(.escape)
        palette(&harness, "inject")
        harness.press(.enter)
        #expect(harness.state.mode == .prompt)
    }

    @Test("sending to more than one node asks once; y sends one inject; n keeps the text on the prompt line")
    func broadcastAsksOnce() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("t"))
        #expect(harness.state.prompt.target == .all)
        harness.press(.character("i"))
        harness.type("everyone")
        harness.clearSent()
        harness.press(.enter)
        #expect(harness.sent.isEmpty)
        #expect(harness.screen.contains("Send to 4 nodes?"))
        harness.press(.character("n"))
        #expect(harness.sent.isEmpty)
        #expect(harness.state.mode == .prompt)
        #expect(harness.state.prompt.field.text == "everyone")
        harness.press(.enter)
        harness.press(.character("y"))
        #expect(harness.sent.map(\.command) == [.inject(swarmID: SwarmID(swarm), nodes: .all, content: "everyone")])
        #expect(harness.state.prompt.field.isEmpty)
        #expect(harness.state.mode == .prompt)
    }

    @Test("the broadcast question can be turned off; one node never asks")
    func broadcastQuestionOff() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.state.confirmsMultiNodeSends = false
        harness.press(.character("t"), .character("i"))
        harness.type("everyone")
        harness.clearSent()
        harness.press(.enter)
        #expect(harness.sent.map(\.command) == [.inject(swarmID: SwarmID(swarm), nodes: .all, content: "everyone")])
        var single = DashboardFixtures.harness(swarm: swarm)
        single.press(.character("i"))
        single.type("just you")
        single.clearSent()
        single.press(.enter)
        #expect(single.sent.count == 1)
    }

    @Test("marking retargets the prompt to the marked set whatever the target; clearing brings back the node")
    func marksRetarget() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("t"))
        #expect(harness.state.prompt.target == .all)
        harness.press(.tab, .character(" "))
        #expect(harness.state.prompt.target == .marked)
        #expect(harness.state.targetLabel == "1 marked")
        harness.press(.character(" "))
        #expect(harness.state.prompt.target == .focused)
        palette(&harness, "mark 1,2")
        harness.press(.enter)
        #expect(harness.state.markedNodeIDs == [1, 2])
        #expect(harness.state.prompt.target == .marked)
    }

    @Test("the target cycle has no [0 marked] stop")
    func cycleSkipsEmptyMarks() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        var seen: [PromptTarget] = []
        for _ in 0..<4 {
            seen.append(harness.state.prompt.target)
            harness.press(.character("t"))
        }
        #expect(seen == [.focused, .all, .focused, .all])
        #expect(!harness.screen.contains("[0 marked]"))
    }

    @Test("an error clears after the next successful send")
    func errorClearsOnSend() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("i"))
        harness.type("first")
        harness.press(.enter)
        let request = harness.lastRequestID(of: "inject") ?? ""
        harness.receive(.commandRejected(CommandRejected(requestID: .string(request), reason: "inbox full")))
        #expect(harness.state.flash?.isError == true)
        harness.type("second")
        harness.press(.enter)
        #expect(harness.state.flash == nil)
        #expect(!harness.screen.contains("inbox full"))
    }

    @Test("swarm ids show as 8 characters in every table and title")
    func eightCharacterIDs() {
        let harness = DashboardFixtures.harness(swarm: swarm, size: ScreenSize(width: 200, height: 40))
        #expect(harness.screen.contains("1a2b3c4d "))
        #expect(!harness.screen.contains("1a2b3c4d-"))
    }
}

import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Issue 9's steering from the dashboard: the steer/queue toggle on the prompt line and the interrupt keys.
@Suite struct SteeringControlTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

    /// The inject commands sent, as (nodes, mode).
    func injects(_ harness: DashboardHarness) -> [(NodeSelection, InjectMode)] {
        harness.sent.compactMap { sent in
            guard case .inject(_, let nodes, _, let mode) = sent.command else { return nil }
            return (nodes, mode)
        }
    }

    /// The interrupt commands sent.
    func interrupts(_ harness: DashboardHarness) -> [NodeSelection] {
        harness.sent.compactMap { sent in
            guard case .interrupt(_, let nodes) = sent.command else { return nil }
            return nodes
        }
    }

    @Test("prompts steer by default; Ctrl-T switches the prompt line to queue and back, shown in the prompt")
    func steerQueueToggle() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.press(.character("i"))
        #expect(harness.screen.textLines[22].hasPrefix("[node 0] steer ›"))
        harness.type("first")
        harness.clearSent()
        harness.press(.enter)
        harness.press(.control("t"))
        #expect(harness.screen.textLines[22].hasPrefix("[node 0] queue ›"))
        harness.type("second")
        harness.press(.enter)
        #expect(injects(harness).map(\.1) == [.steer, .queue])
        // The status bar names the toggle.
        #expect(harness.screen.textLines[23].contains("steer/queue"))
        harness.press(.control("t"))
        #expect(harness.state.prompt.mode == .steer)
    }

    @Test("the palette's steer and queue verbs send with that mode whatever the prompt line says")
    func paletteSteerAndQueue() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        harness.press(.character(":"))
        harness.type("queue -w 2 later please")
        harness.press(.enter)
        harness.press(.character(":"))
        harness.type("steer -w 1 now please")
        harness.press(.enter)
        #expect(injects(harness).map(\.0) == [.nodes([2]), .nodes([1])])
        #expect(injects(harness).map(\.1) == [.queue, .steer])
    }

    @Test("x interrupts the focused node at once; with nodes marked, the marked set after one question")
    func interruptTargets() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.clearSent()
        harness.press(.character("x"))
        #expect(interrupts(harness) == [.nodes([0])])
        harness.receive(
            .interruptSent(
                InterruptSent(
                    requestID: .string(harness.lastRequestID(of: "swarm_interrupt") ?? ""), swarmID: SwarmID(swarm),
                    nodes: [0], idleNodes: [])))
        #expect(harness.state.flash?.text == "Swarm 1a2b3c4d: interrupt sent to node 0.")

        harness.press(.tab)  // the node table
        harness.press(.character(" "), .character("j"), .character("j"), .character(" "))
        harness.clearSent()
        harness.press(.character("x"))
        guard case .confirm(let dialog) = harness.state.mode else {
            Issue.record("no question before interrupting two nodes")
            return
        }
        #expect(dialog.title == "Interrupt 2 nodes?")
        #expect(dialog.message.contains("nodes 0, 2"))
        #expect(interrupts(harness).isEmpty)
        harness.press(.character("y"))
        #expect(interrupts(harness) == [.nodes([0, 2])])
    }

    @Test("X interrupts the whole swarm after asking, even with the multi-send question off; idle nodes are named")
    func interruptSwarm() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.state.confirmsMultiNodeSends = false
        harness.clearSent()
        harness.press(.character("X"))
        #expect(harness.screen.contains("Interrupt 4 nodes?"))
        harness.press(.character("n"))
        #expect(interrupts(harness).isEmpty)
        harness.press(.character("X"), .character("y"))
        #expect(interrupts(harness) == [.all])
        harness.receive(
            .interruptSent(
                InterruptSent(
                    requestID: .string(harness.lastRequestID(of: "swarm_interrupt") ?? ""), swarmID: SwarmID(swarm),
                    nodes: [0, 4], idleNodes: [1, 2])))
        #expect(
            harness.state.flash?.text
                == "Swarm 1a2b3c4d: interrupt sent to nodes 0, 4; nodes 1, 2 had no turn running.")
    }

    @Test(":interrupt NODES interrupts those nodes; a bad node list is refused")
    func paletteInterrupt() {
        var harness = DashboardFixtures.harness(swarm: swarm)
        harness.state.confirmsMultiNodeSends = false
        harness.clearSent()
        harness.press(.character(":"))
        harness.type("interrupt -w 1,3")
        harness.press(.enter)
        #expect(interrupts(harness) == [.nodes([1, 3])])
        harness.press(.character(":"))
        harness.type("interrupt 9")
        harness.press(.enter)
        #expect(harness.state.palette.error?.contains("has no node 9") == true)
    }
}

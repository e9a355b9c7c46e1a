import CodeswarmProtocol
import DashboardCore
import Foundation
import TestSupport
import Testing

/// Issue 9's approvals inbox: requests from every swarm and node in one overlay, oldest first, answered by keys.
@Suite struct ApprovalsInboxTests {
    let swarm = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    let other = "9f8e7d6c-0000-4a7b-8c9d-0e1f2a3b4c5d"

    static let codexDecisions: [JSONValue] = [
        "accept", "acceptForSession", ["acceptWithExecpolicyAmendment": ["execpolicy_amendment": ["touch"]]], "cancel",
    ]

    /// An `approval_requested` for `node`, asked `secondsAgo` before the tests' clock.
    func requested(
        _ swarm: String, node: Int, id: String, command: String? = "touch approved.txt", secondsAgo: Int, seq: Int,
        decisions: [JSONValue] = codexDecisions, kind: String = "command", changes: [FileChange]? = nil,
        permissions: JSONValue? = nil, rule: JSONValue? = nil
    ) -> RouterEvent {
        DashboardFixtures.stream(
            swarm, node: node, seq: seq,
            .approvalRequested(
                ApprovalRequest(
                    approvalID: id, kind: kind, method: "item/commandExecution/requestApproval", itemID: "call_\(id)",
                    command: command, cwd: "/work/runs/agent_0\(node)", reason: "needs to write a file",
                    changes: changes, permissions: permissions, availableDecisions: decisions,
                    proposedExecpolicyAmendment: rule, createdAt: DashboardFixtures.timestamp(secondsAgo: secondsAgo))))
    }

    /// A harness with two swarms; the first selected.
    func twoSwarms() -> DashboardHarness {
        var harness = DashboardHarness(size: ScreenSize(width: 120, height: 36))
        harness.receive(
            DashboardFixtures.list(
                [
                    (swarm, DashboardFixtures.summary(createdSecondsAgo: 100)),
                    (other, DashboardFixtures.summary(job: "4343", createdSecondsAgo: 200)),
                ], requestID: harness.lastRequestID(of: "swarm_list") ?? ""))
        harness.receive(
            DashboardFixtures.status(swarm: swarm, requestID: harness.lastRequestID(of: "swarm_status") ?? ""))
        harness.completeReplay()
        return harness
    }

    /// The `approval_decide` commands sent, as (id, decision) pairs.
    func decisions(_ harness: DashboardHarness) -> [(String, String)] {
        harness.sent.compactMap { sent in
            guard case .decideApproval(let id, let decision) = sent.command else { return nil }
            return (id, decision.stringValue ?? "?")
        }
    }

    @Test("requests from two swarms are listed oldest first with swarm, node, command, cwd, reason, decisions, age")
    func listsEveryRequestOldestFirst() {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 2, id: "aaaa1111", secondsAgo: 30, seq: 1))
        harness.receive(requested(other, node: 0, id: "bbbb2222", command: "rm -rf build", secondsAgo: 95, seq: 2))
        #expect(harness.state.approvals.all.map(\.id) == ["bbbb2222", "aaaa1111"])
        // The header counts them whatever is on screen; the nodes wait.
        #expect(harness.screen.textLines[0].contains("⚑ 2 approvals · A"))
        #expect(harness.state.swarms[SwarmID(swarm)]?.nodes[2]?.state == .waitingForApproval)

        harness.press(.character("A"))
        #expect(harness.state.mode == .approvals)
        let screen = harness.screen
        #expect(screen.contains("Approvals · 2 waiting"))
        let lines = screen.textLines
        let first = lines.firstIndex { $0.contains("1/2 ⚑ 9f8e7d6c node 0") } ?? -1
        let second = lines.firstIndex { $0.contains("2/2 ⚑ 1a2b3c4d node 2 (gpu-node-03)") } ?? -1
        #expect(first >= 0 && second > first, "oldest first:\n\(screen.textLines.joined(separator: "\n"))")
        #expect(lines[first].contains("waiting 1m 35s") || lines[first].contains("waiting 1m"))
        #expect(screen.contains("$ rm -rf build"))
        #expect(screen.contains("in /work/runs/agent_02"))
        #expect(screen.contains("why: needs to write a file"))
        #expect(screen.contains("offers: accept, acceptForSession, acceptWithExecpolicyAmendment, cancel"))
        // The selected request is highlighted; the heading of each has the attention role.
        #expect(screen.roleLines[first].contains("s"))
        #expect(screen.roleLines[second].contains("A"))
    }

    @Test("a accepts the selected request, d declines the next; each is marked as sent, then leaves when decided")
    func acceptAndDecline() {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 50, seq: 1))
        harness.receive(
            requested(swarm, node: 1, id: "bbbb2222", command: "touch declined.txt", secondsAgo: 40, seq: 2))
        harness.press(.character("A"))
        harness.clearSent()
        harness.press(.character("a"))
        #expect(decisions(harness).map(\.0) == ["aaaa1111"])
        #expect(decisions(harness).map(\.1) == ["accept"])
        #expect(harness.screen.contains("sending accept…"))
        // A second key on a request already answered sends nothing and says why.
        harness.press(.character("d"))
        #expect(decisions(harness).count == 1)
        #expect(harness.state.flash?.text.contains("Already sent accept") == true)

        harness.press(.character("j"), .character("d"))
        #expect(decisions(harness).map(\.0) == ["aaaa1111", "bbbb2222"])
        #expect(decisions(harness).last?.1 == "decline")
        #expect(harness.state.approvals.openCount == 0)

        // The router's broadcasts take them out; the nodes work on.
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 0, seq: 3,
                .approvalDecided(approvalID: "aaaa1111", decision: "accept", by: "person", rule: nil)))
        harness.receive(
            DashboardFixtures.stream(
                swarm, node: 1, seq: 4,
                .approvalDecided(approvalID: "bbbb2222", decision: "decline", by: "person", rule: nil)))
        #expect(harness.state.approvals.isEmpty)
        #expect(harness.state.swarms[SwarmID(swarm)]?.nodes[0]?.state == .working)
        #expect(!harness.screen.textLines[0].contains("⚑"))
        #expect(harness.screen.contains("No approval is waiting."))
    }

    @Test("p accepts and remembers the rule the agent proposed, shown in the inbox; refused where not offered")
    func acceptWithTheProposedRule() {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 1, id: "cccc3333", secondsAgo: 5, seq: 1, rule: ["touch"]))
        harness.receive(
            requested(swarm, node: 0, id: "dddd4444", secondsAgo: 1, seq: 2, decisions: ["accept", "decline"]))
        harness.press(.character("A"))
        #expect(harness.screen.contains("rule to remember (p): touch"))
        #expect(harness.screen.contains("p remember rule"))
        harness.clearSent()
        harness.press(.character("p"))
        #expect(decisions(harness).map(\.0) == ["cccc3333"])
        #expect(decisions(harness).map(\.1) == ["acceptWithExecpolicyAmendment"])
        #expect(harness.screen.contains("sending acceptWithExecpolicyAmendment…"))

        harness.press(.character("j"), .character("p"))
        #expect(decisions(harness).count == 1)
        #expect(
            harness.state.flash?.text
                == "The agent does not offer accept and remember the rule here; it offers accept, decline.")
        #expect(harness.state.approvals["dddd4444"]?.isOpen == true)
    }

    @Test("a permissions request shows the paths and hosts it asks for, in the inbox and the header")
    func permissionsRequestNamesWhatItAsks() {
        var harness = twoSwarms()
        harness.receive(
            requested(
                swarm, node: 3, id: "eeee5555", command: nil, secondsAgo: 2, seq: 1, decisions: [],
                kind: "permissions", permissions: ["fileSystem": ["write": ["/work/out"]]]))
        #expect(harness.state.flash?.text.contains("grant fileSystem.write: /work/out") == true)
        harness.press(.character("A"))
        #expect(harness.screen.contains("asks for: fileSystem.write: /work/out"))
    }

    @Test("s accepts for the session; an accept the agent does not offer is refused with what it offers")
    func sessionAndOfferedDecisions() {
        var harness = twoSwarms()
        harness.receive(
            requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 50, seq: 1, decisions: ["accept", "cancel"]))
        harness.press(.character("A"))
        harness.clearSent()
        harness.press(.character("s"))
        #expect(decisions(harness).isEmpty)
        #expect(harness.state.flash?.text.contains("does not offer accept for the session") == true)
        #expect(harness.state.flash?.text.contains("accept, cancel") == true)
        harness.press(.character("c"))
        #expect(decisions(harness).map(\.1) == ["cancel"])

        var session = twoSwarms()
        session.receive(requested(swarm, node: 0, id: "cccc3333", secondsAgo: 5, seq: 1))
        session.press(.character("A"))
        session.clearSent()
        session.press(.character("s"))
        #expect(decisions(session).map(\.1) == ["acceptForSession"])
    }

    @Test("* accepts every waiting request with the same command, after asking once; others are left alone")
    func acceptSameCommand() {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 0, id: "aaaa1111", command: "make test", secondsAgo: 50, seq: 1))
        harness.receive(requested(other, node: 3, id: "bbbb2222", command: "make test", secondsAgo: 40, seq: 2))
        harness.receive(requested(swarm, node: 1, id: "cccc3333", command: "rm -rf /", secondsAgo: 30, seq: 3))
        harness.press(.character("A"))
        harness.clearSent()
        harness.press(.character("*"))
        guard case .confirm(let dialog) = harness.state.mode else {
            Issue.record("no question before accepting several")
            return
        }
        #expect(dialog.title == "Accept 2 approvals?")
        #expect(harness.sent.isEmpty)
        harness.press(.character("n"))
        #expect(harness.state.mode == .approvals)
        #expect(harness.sent.isEmpty)
        harness.press(.character("*"), .character("y"))
        #expect(harness.state.mode == .approvals)
        #expect(Set(decisions(harness).map(\.0)) == ["aaaa1111", "bbbb2222"])
        #expect(decisions(harness).allSatisfy { $0.1 == "accept" })
        #expect(harness.state.approvals["cccc3333"]?.isOpen == true)
    }

    @Test("Enter closes the inbox on the node that asked, in the other swarm, its responses focused")
    func jumpToNode() {
        var harness = twoSwarms()
        harness.receive(requested(other, node: 3, id: "bbbb2222", secondsAgo: 40, seq: 1))
        harness.press(.character("A"), .enter)
        #expect(harness.state.mode == .browse)
        #expect(harness.state.selectedSwarm?.id == SwarmID(other))
        #expect(harness.state.focusedNode?.nodeID == 3)
        #expect(harness.state.focus == .output)
        #expect(harness.screen.contains("waiting for approval"))
        #expect(harness.screen.contains("⚑ asks to run: touch approved.txt"))
    }

    @Test("the router's approvals list is asked for on connecting and replaces the inbox (answered elsewhere: gone)")
    func listOnConnect() throws {
        var harness = twoSwarms()
        let listID = try #require(harness.lastRequestID(of: "approvals_list"))
        harness.receive(requested(swarm, node: 0, id: "gone0000", secondsAgo: 50, seq: 1))
        let pending = ApprovalEntry(
            swarmID: SwarmID(other), jobID: "4343", nodeID: 1, injectionID: nil, turnID: nil, status: "pending",
            request: ApprovalRequest(
                approvalID: "kept1111", kind: "file_change", method: "item/fileChange/requestApproval",
                changes: [FileChange(path: "src/a.swift", kind: "update", diff: "@@ -1 +1 @@\n-old\n+new")],
                createdAt: DashboardFixtures.timestamp(secondsAgo: 20)))
        harness.receive(
            .approvalsList(
                ApprovalsListReply(requestID: .string(listID), approvalsVersion: 3, approvals: [:], pending: [pending]))
        )
        #expect(harness.state.approvals.all.map(\.id) == ["kept1111"])
        harness.press(.character("A"))
        let screen = harness.screen
        #expect(screen.contains("edit files"))
        #expect(screen.contains("update src/a.swift"))
        let added = try #require(screen.textLines.firstIndex { $0.contains("+new") })
        #expect(screen.roleLines[added].contains("+"))
    }

    @Test("a refused decision is said, the request is open again, and the list is asked for again")
    func refusedDecision() throws {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 50, seq: 1))
        harness.receive(
            .approvalsList(
                ApprovalsListReply(
                    requestID: .string(harness.lastRequestID(of: "approvals_list") ?? ""), approvalsVersion: 1,
                    approvals: [:],
                    pending: [
                        ApprovalEntry(
                            swarmID: SwarmID(swarm), jobID: "4242", nodeID: 0, injectionID: nil, turnID: nil,
                            status: "pending",
                            request: ApprovalRequest(
                                approvalID: "aaaa1111", kind: "command", method: "m", command: "touch approved.txt",
                                createdAt: DashboardFixtures.timestamp(secondsAgo: 50)))
                    ])))
        harness.press(.character("A"), .character("a"))
        let decideID = try #require(harness.lastRequestID(of: "approval_decide"))
        harness.clearSent()
        harness.receive(
            .commandRejected(
                CommandRejected(requestID: .string(decideID), reason: "approval aaaa1111 was already answered")))
        #expect(harness.state.approvals["aaaa1111"]?.isOpen == true)
        #expect(harness.state.flash?.text.contains("already answered") == true)
        #expect(harness.sent.contains { $0.command == .approvals })
    }

    @Test("a live request shows in the header flash and rings the bell only when asked; a replayed one is quiet")
    func bellAndFlash() {
        var quiet = twoSwarms()
        quiet.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 5, seq: 1))
        #expect(quiet.bells == 0)
        #expect(quiet.state.flash?.text.contains("Node 0 of 1a2b3c4d asks to run: touch approved.txt") == true)

        var loud = twoSwarms()
        loud.state.ringsBellOnApproval = true
        loud.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 5, seq: 1))
        #expect(loud.bells == 1)
        // The same request again (a replay after a reconnect) rings nothing.
        loud.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 5, seq: 1))
        loud.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 5, seq: 9))
        #expect(loud.bells == 1)
    }

    @Test("the palette approves the oldest or an id prefix, and declines")
    func paletteVerbs() {
        var harness = twoSwarms()
        harness.receive(requested(swarm, node: 0, id: "aaaa1111", secondsAgo: 50, seq: 1))
        harness.receive(requested(swarm, node: 1, id: "bbbb2222", secondsAgo: 40, seq: 2))
        harness.clearSent()
        harness.press(.character(":"))
        harness.type("decline bbbb")
        harness.press(.enter)
        harness.press(.character(":"))
        harness.type("approve acceptForSession")
        harness.press(.enter)
        #expect(decisions(harness).map { "\($0.0)=\($0.1)" } == ["bbbb2222=decline", "aaaa1111=acceptForSession"])
        harness.receive(requested(swarm, node: 2, id: "cccc3333", secondsAgo: 30, seq: 3))
        harness.press(.character(":"))
        harness.type("approve cccc acceptWithExecpolicyAmendment")
        harness.press(.enter)
        #expect(decisions(harness).last.map { "\($0.0)=\($0.1)" } == "cccc3333=acceptWithExecpolicyAmendment")
        harness.press(.character(":"))
        harness.type("approve")
        harness.press(.enter)
        #expect(harness.state.palette.error == "No approval is waiting.")
    }
}

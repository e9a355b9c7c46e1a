import CodeswarmProtocol
import Foundation
import Testing

@testable import CLI

/// How `attach` and `inject` print the cockpit's events, and how `approvals` describes one approval.
@Suite("CockpitLines")
struct CockpitLinesTests {
    @Test("routing, command output, reasoning, file changes, diffs, plans and approvals print as readable lines")
    func lines() {
        func text(_ body: StreamEvent.Body, turn: String? = "t1") -> [String] {
            CockpitLines.lines(body, nodeID: 2, turnID: turn) ?? ["<none>"]
        }
        #expect(text(.injectionRouted(how: "steered", reason: nil)) == ["[node 2] -- steered into the running turn t1"])
        #expect(
            text(.injectionRouted(how: "queued", reason: "steering was refused (x)"), turn: nil)
                == ["[node 2] -- queued for the next turn: steering was refused (x)"])
        #expect(text(.commandOutput(itemID: "c", content: "a\nb\n")) == ["[node 2] | a", "[node 2] | b"])
        #expect(text(.reasoningDelta(itemID: "r", content: "Thinking")) == ["[node 2] ~ Thinking"])
        #expect(text(.reasoning(itemID: "r", content: "Thinking")).isEmpty, "its deltas were printed already")
        #expect(
            text(
                .fileChange(itemID: "f", status: "completed", changes: [FileChange(path: "a.c", kind: "add", diff: "")])
            )
                == ["[node 2] -- file change completed: add a.c"])
        #expect(text(.turnDiff(diff: "+x\n")) == ["[node 2] -- diff of this turn:", "[node 2]   +x"])
        #expect(
            text(.planUpdated(explanation: nil, plan: [PlanStep(step: "read", status: "completed")]))
                == ["[node 2] -- plan", "[node 2]    [x] read"])
        let request = ApprovalRequest(
            approvalID: "5c2d7e9a-1b3f", kind: "command", method: "item/commandExecution/requestApproval",
            command: "touch x", cwd: "/w", createdAt: "2026-11-25T12:29:44.793876+00:00")
        #expect(
            text(.approvalRequested(request)) == [
                "[node 2] ?? approval 5c2d7e9a wanted for command: touch x (in /w)",
                "[node 2]    answer with `codeswarm approve 5c2d7e9a` or `codeswarm decline 5c2d7e9a`",
            ])
        #expect(
            text(.approvalDecided(approvalID: "5c2d7e9a-1b3f", decision: "accept", by: "rule", rule: "touch"))
                == ["[node 2] -- approval 5c2d7e9a: accept (by rule \"touch\")"])
        #expect(CockpitLines.lines(.turnStarted, nodeID: 2, turnID: nil) == nil, "other events are not cockpit lines")
    }

    @Test("approvals prints id, age, swarm/node, what and the offered decisions on one line")
    func approvalLine() throws {
        let created = try #require(WireTimestamp.date(from: "2026-11-25T12:29:44.793876+00:00"))
        let entry = ApprovalEntry(
            swarmID: "3f1c2a9e-5b7d", jobID: "local_1", nodeID: 1, injectionID: nil, turnID: nil, status: "pending",
            request: ApprovalRequest(
                approvalID: "5c2d7e9a-1b3f", kind: "command", method: "item/commandExecution/requestApproval",
                command: "touch x", cwd: "/w", availableDecisions: ["accept", ["acceptWithExecpolicyAmendment": [:]]],
                createdAt: "2026-11-25T12:29:44.793876+00:00"))
        #expect(
            ApprovalsCommand.describe(entry, now: created.addingTimeInterval(125))
                == "5c2d7e9a  2m  3f1c2a9e/node 1  command: touch x (in /w)  [accept, acceptWithExecpolicyAmendment]")
    }
}

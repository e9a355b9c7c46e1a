import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

/// The real dashboard in tmux on the official codex (only the model stubbed): issue 9's approvals inbox under
/// `approval_policy: untrusted` (one request accepted by a keypress, its file created; one declined, not created),
/// and the whole stream in the node's pane (command output, reasoning, a file change and its diff).
@Suite(
    .serialized,
    .enabled(
        if: RealCodex.shouldRun && DashboardInTmux.canRun,
        "needs \(RealCodex.missingComponent ?? "tmux") (bash scripts/codex/install.sh)"))
struct DashboardTmuxRealCodexTests {
    @Test("untrusted codex on 2 nodes: both requests in the inbox; a runs one (file created), d declines the other")
    func approvalsInTheInbox() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 2, agent: ["approval_policy": "untrusted"])
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 2)
        let dashboard = try DashboardInTmux.open(router: swarm.router, swarm: swarm.swarm, width: 150, height: 44)
        defer { dashboard.stopShell() }
        let shell = dashboard.shell
        try shell.waitFor("the swarm") { $0.contains(String(swarm.swarm.prefix(8))) && $0.contains("Nodes ·") }

        let yes = try swarm.injectNoWait("Create it [sim:exec=touch approved.txt]", nodes: [0])
        let no = try swarm.injectNoWait("Create it [sim:exec=touch declined.txt]", nodes: [1])
        let accepted = try #require(try swarm.injections(ofRequest: yes, count: 1).first)
        let declined = try #require(try swarm.injections(ofRequest: no, count: 1).first)

        try shell.waitFor("the header count", timeout: 90) { $0.contains("⚑ 2 approvals · A") }
        try shell.keys("A")
        let inbox = try shell.waitFor("both codex requests in the inbox") { screen in
            screen.contains("Approvals · 2 waiting") && screen.contains("approved.txt")
                && screen.contains("declined.txt")
        }
        #expect(inbox.contains("offers: accept"), "codex's available decisions are listed:\n\(inbox)")
        let block = try dashboard.answer(containing: "approved.txt", with: "a")
        #expect(block.contains("node 0"), "the accepted request is node 0's:\n\(block)")
        #expect(block.contains("in /"), "its working directory is shown:\n\(block)")
        try shell.waitFor("the accepted one answered") { !$0.contains("approved.txt") || $0.contains("sending") }
        try dashboard.answer(containing: "declined.txt", with: "d")
        try shell.waitFor("the inbox emptied", timeout: 30) { $0.contains("No approval is waiting.") }

        for injection in [accepted, declined] {
            _ = try swarm.client.waitFor(timeout: 120, "turn_complete of \(injection)") { event in
                event.eventName == "turn_complete" && event.data["injection_id"] as? String == injection
            }
        }
        let folder0 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 0)
        let folder1 = MailboxLayout.agentDirectory(base: swarm.base, jobID: JobID(swarm.job), nodeID: 1)
        #expect(FileManager.default.fileExists(atPath: "\(folder0)/approved.txt"), "the accepted command ran")
        #expect(!FileManager.default.fileExists(atPath: "\(folder1)/declined.txt"), "the declined command did not")
        let decided = swarm.client.received.filter { $0.eventName == "approval_decided" }.map {
            "\($0.data["node_id"] as? Int ?? -1)=\($0.data["decision"] as? String ?? "")/\($0.data["by"] as? String ?? "")"
        }
        #expect(Set(decided) == ["0=accept/person", "1=decline/person"], "\(decided)")
        try shell.keys("Escape")
        try shell.waitFor("no approvals left in the header") { screen in
            screen.contains("Nodes ·") && !(screen.split(separator: "\n").first?.contains("approval") ?? true)
        }
    }

    @Test(
        "command output and a reasoning summary show in the node's pane (folded; o unfolds the output); a patch shows as a file change and D shows its diff"
    )
    func wholeStreamInThePane() throws {
        try RealCodex.require()
        let swarm = try RealCodexSwarm(nodes: 1)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 1)
        let dashboard = try DashboardInTmux.open(router: swarm.router, swarm: swarm.swarm, width: 150, height: 44)
        defer { dashboard.stopShell() }
        let shell = dashboard.shell
        try shell.waitFor("the swarm") { $0.contains(String(swarm.swarm.prefix(8))) && $0.contains("Nodes ·") }
        try shell.keys("Tab")
        try shell.keys("Tab")

        try swarm.inject("Run it [sim:reasoning=Weighing the options] [sim:exec=echo hello-output]", nodes: [0])
        let folded = try shell.waitFor("folded reasoning and output in the pane") { screen in
            screen.contains("∴ Weighing the options") && screen.contains("of output (o) · hello-output")
        }
        #expect(folded.contains("$ "), "the command line:\n\(folded)")
        try shell.keys("o")
        try shell.waitFor("the output unfolded") { $0.contains("│ hello-output") }

        let patch =
            "apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: hello.txt\n+hello from the patch\n*** End Patch\nPATCH"
        try swarm.inject("Add the file [sim:exec=\(patch)]", nodes: [0])
        try shell.waitFor("the file change in the pane") { $0.contains("✎ applied: add") && $0.contains("hello.txt") }
        try shell.keys("D")
        let diff = try shell.waitFor("the diff view") { $0.contains("diff of node 0") }
        #expect(diff.contains("+hello from the patch"), "the diff view:\n\(diff)")
        try shell.keys("Escape")
        try shell.waitFor("the pane again") { $0.contains("Nodes ·") || $0.contains("node 0 ·") }
    }
}

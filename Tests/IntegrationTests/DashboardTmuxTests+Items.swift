import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12's dashboard items, seen as a user sees them: the real dashboard in tmux, a real router, a local
/// demo swarm.
@Suite(
    .serialized, .enabled(if: DashboardInTmux.canRun, "needs tmux and a built codeswarm (CI=true makes this a failure)")
)
struct DashboardTmuxItemTests {
    /// The screen's rows.
    static func rows(_ screen: String) -> [Substring] {
        screen.split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test(
        "at 220 columns: whole job id and status, 8-char id, local terminate wording, pane hints, y copies to a file and the tmux clipboard, v shows plain lines"
    )
    func wideScreenAndCopying() throws {
        let dashboard = try DashboardInTmux.start(
            width: 220, height: 50, tmuxOptions: [["set-option", "-g", "set-clipboard", "on"]])
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let swarm = try #require(dashboard.swarm)
        let screen = try dashboard.waitForIdleNodes(4)

        // Columns: the job id (local_xxxxxxxx) and the status whole, the swarm id as its 8-character prefix.
        let row = try #require(Self.rows(screen).first { $0.contains("local_") }, "no swarm row:\n\(screen)")
        #expect(row.contains(String(swarm.prefix(8)) + " "), "\(row)")
        #expect(!row.contains(String(swarm.prefix(9))), "the id is cut to 8 characters: \(row)")
        #expect(row.range(of: #"local_[0-9a-f]{8} "#, options: .regularExpression) != nil, "\(row)")
        #expect(row.contains("running"))

        // Terminate asks first, in words that fit a local swarm.
        try shell.keys("T")
        let dialog = try shell.waitFor("the terminate dialog") { $0.contains("Terminate swarm?") }
        let dialogText = dialog.replacingOccurrences(of: "║", with: " ").split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
        #expect(dialogText.contains("its worker processes are stopped"), "\(dialog)")
        #expect(!dialogText.contains("Slurm job"))
        try shell.keys("n")
        try shell.waitFor("the dialog closed") { !$0.contains("Terminate swarm?") }

        // An answer to copy.
        try dashboard.sendPrompt("please copy this answer")
        try shell.waitFor("the answer") { $0.contains("Demo answer") && $0.contains("turn completed") }
        try shell.keys("Escape")
        try shell.waitFor("browsing again") { !$0.contains("Enter sends") }

        // Hints follow the focus: in the response pane (Tab from the node table) they offer h/l, G and y.
        try shell.keys("Tab")
        let pane = try shell.waitFor("response-pane hints") { $0.contains("h/l node") }
        let bar = try #require(Self.rows(pane).last { !$0.isEmpty })
        #expect(bar.contains("G follow") && bar.contains("y copy"), "\(bar)")

        // y: the turn goes to a file in the state directory's exports and, via OSC 52, to tmux's buffer.
        try shell.keys("y")
        let saved = try shell.waitFor("the saved message") { $0.contains("Saved node 0's turn to") }
        #expect(saved.contains("copied to the clipboard"), "\(saved)")
        let exports = dashboard.router.stateDirectory + "/exports"
        let files = try FileManager.default.contentsOfDirectory(atPath: exports)
        let file = try #require(files.first { $0.hasPrefix(String(swarm.prefix(8)) + "-node0-turn-") }, "\(files)")
        let text = try String(contentsOfFile: exports + "/" + file, encoding: .utf8)
        #expect(text.contains("› please copy this answer"))
        #expect(text.contains("Demo answer"))
        let buffer = try shell.run(["show-buffer"])
        #expect(buffer.contains("Demo answer") && buffer.contains("please copy this answer"), "\(buffer)")

        // v: the conversation full screen, no borders, each line whole.
        try shell.keys("v")
        let plain = try shell.waitFor("the plain view") { $0.contains("Esc close") && $0.contains("sideways") }
        let answer = try #require(Self.rows(plain).first { $0.hasPrefix("Demo answer") }, "\(plain)")
        #expect(!answer.contains("│"))
        #expect(!plain.contains("┌"))
        try shell.keys("Escape")
        try shell.waitFor("the panes again") { $0.contains("┌─ Swarms") }
        let after = try dashboard.quit()
        #expect(after.contains("DASHBOARD-EXIT=0"))
    }

    @Test("a router stopped (SIGSTOP) for 8 s shows as not responding, then as connected again")
    func silentRouter() throws {
        let dashboard = try DashboardInTmux.start(nodes: 1)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        try dashboard.waitForIdleNodes(1)
        try shell.waitFor("connected") { $0.contains("● connected") }
        let process = try #require(dashboard.router.process)
        let stoppedAt = Date()
        process.send(signal: SIGSTOP)
        let noticed = try shell.becomes(within: 8) { $0.contains("not responding") }
        let noticedAfter = Date().timeIntervalSince(stoppedAt)
        let remaining = 8 - Date().timeIntervalSince(stoppedAt)
        if remaining > 0 { usleep(UInt32(remaining * 1_000_000)) }
        let stillStopped = try shell.screen()
        process.send(signal: SIGCONT)
        #expect(noticed, "no 'not responding' within 8 s:\n\(stillStopped)")
        #expect(!stillStopped.contains("● connected"), "\(stillStopped)")
        let back = try shell.waitFor("connected again", timeout: 10) { $0.contains("● connected") }
        #expect(back.contains("answers again"), "\(back)")
        #expect(noticedAfter < 8)
        try dashboard.quit()
    }

    @Test("when the router is gone and cannot be restarted, the reason is shown whole (header, then ! overlay)")
    func connectionReasonWhole() async throws {
        let dashboard = try DashboardInTmux.start(nodes: 0, width: 80, height: 24)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        try shell.waitFor("connected") { $0.contains("● connected") }
        // Without its config file the dashboard's automatic restart of the router fails, with a reason.
        let config = try #require(dashboard.router.configPath)
        try FileManager.default.removeItem(atPath: config)
        await dashboard.router.kill()
        // First the link drops ("closed the connection"), then the reconnect's restart fails with its reason.
        let header = try shell.waitFor("the restart's failure in the header", timeout: 30) {
            $0.contains("No link to the router") && !$0.contains("closed the connection")
        }
        #expect(header.contains("disconnected"), "\(header)")
        try shell.keys("!")
        // The overlay's words in order, without the box-drawing around it and the panes behind it.
        let words = { (screen: String) in
            Self.rows(screen).joined(separator: " ")
                .split { $0.isWhitespace || "│┌┐└┘╔╗╚╝║═─".contains($0) }.joined(separator: " ")
        }
        // Waits for the retry line too: while a reconnect attempt runs the overlay says so instead.
        let overlay = try shell.waitFor("the messages overlay with the next attempt") {
            $0.contains("Messages") && $0.contains("Router link") && words($0).contains(". Next attempt in")
        }
        let text = words(overlay)
        let start = try #require(text.range(of: "Not connected: "), "\(overlay)")
        let reason = try #require(
            text[start.upperBound...].range(of: ". Next attempt in").map {
                String(text[start.upperBound..<$0.lowerBound])
            }, "\(overlay)")
        #expect(!reason.contains("…"), "the reason is cut: \(reason)")
        #expect(reason.count > 40, "\(reason)")
        // The header had room for a few words; the overlay names the missing file in full.
        #expect(reason.contains(config), "the whole reason, with the config path: \(reason)")
        try shell.keys("Escape")
        try dashboard.quit()
    }

    @Test("after an agent crash its error appears once in the pane")
    func crashErrorOnce() throws {
        let dashboard = try DashboardInTmux.start(nodes: 1, width: 160, height: 40)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        try dashboard.waitForIdleNodes(1)
        try dashboard.sendPrompt("[demo:crash] please")
        let screen = try shell.waitFor("the failed turn", timeout: 30) { $0.contains("turn failed") }
        // Give a duplicate the time to arrive before counting.
        usleep(1_500_000)
        let settled = try shell.screen()
        let errorRows = Self.rows(settled).filter { $0.contains("✗ ") && $0.contains("│") }
        let texts = errorRows.map { row -> String in
            let start = row.range(of: "✗ ").map(\.upperBound) ?? row.startIndex
            return String(row[start...]).split(separator: "│").first.map(String.init) ?? ""
        }
        #expect(!texts.isEmpty, "no error line:\n\(screen)")
        let distinct = Set(texts.map { $0.split(separator: " ").prefix(4).joined(separator: " ") })
        #expect(distinct.count == texts.count, "an error line appears twice:\n\(settled)")
        try dashboard.quit()
    }

    @Test("the paused footer counts the lines that G then reveals")
    func pausedFooterCountsLines() throws {
        let dashboard = try DashboardInTmux.start(nodes: 1, width: 100, height: 30)
        defer { dashboard.stop() }
        let shell = dashboard.shell
        let swarm = try #require(dashboard.swarm)
        try dashboard.waitForIdleNodes(1)
        let client = try dashboard.router.plainClient()
        // The demo agent answers with the prompt's words: numbered words make every line of the answer unique,
        // and the first conversation is longer than the pane, so it can scroll.
        let first = "[demo:deltas=120] " + (1..<120).map { "a\($0)" }.joined(separator: " ")
        try client.injectAndWait(swarm: swarm, nodes: 0, content: first)
        try shell.waitFor("the first answer") { $0.contains("a119") && $0.contains("turn completed") }
        // Into the response pane (Tab from the node table), one line up: paused on the answer's last line.
        try shell.keys("Tab")
        try shell.keys("k")
        let paused = try shell.waitFor("paused") { $0.contains("paused") }
        let bottom = try #require(lastPaneLine(paused), "\(paused)")
        // A second answer arrives below the paused view.
        let second = "[demo:deltas=60] " + (1..<60).map { "b\($0)" }.joined(separator: " ")
        try client.injectAndWait(swarm: swarm, nodes: 0, content: second)
        // Counted once the second turn is over on screen too (the node idle again), not mid-stream.
        try shell.waitFor("the footer's count") { $0.contains("lines below") && $0.contains("1 idle") }
        usleep(1_000_000)
        let footerScreen = try shell.screen()
        let footer = try #require(Self.rows(footerScreen).first { $0.contains("lines below") })
        let count = try #require(
            footer.range(of: #"paused · [0-9]+ lines"#, options: .regularExpression).flatMap {
                Int(footer[$0].split(separator: " ")[2])
            })
        try shell.keys("G")
        let following = try shell.waitFor("following again") { !$0.contains("paused") }
        let lines = paneLines(following)
        let index = try #require(lines.lastIndex(of: bottom), "the old bottom line is gone:\n\(following)")
        #expect(count == lines.count - 1 - index, "footer said \(count):\n\(footerScreen)\nnow:\n\(following)")
        try dashboard.quit()
    }

    @Test("TERM=dumb refuses to start and exits non-zero; TERM=vt100 leaves no frame behind after q")
    func terminalTypes() throws {
        let dumb = try DashboardInTmux.start(nodes: 0, term: "dumb")
        defer { dumb.stop() }
        // The typed command line itself contains `DASHBOARD-EXIT=$?`: wait for the printed status.
        let refused = try dumb.shell.waitFor("the refusal") {
            $0.range(of: "DASHBOARD-EXIT=[0-9]", options: .regularExpression) != nil
        }
        #expect(refused.contains("no cursor addressing"), "\(refused)")
        #expect(!refused.contains("DASHBOARD-EXIT=0"))

        let vt100 = try DashboardInTmux.start(nodes: 0, term: "vt100")
        defer { vt100.stop() }
        try vt100.shell.waitFor("the dashboard") { $0.contains("Swarms") && $0.contains("connected") }
        let after = try vt100.quit()
        #expect(after.contains("DASHBOARD-EXIT=0"))
        #expect(!after.contains("Swarms") && !after.contains("codeswarm ") && !after.contains("┌"), "\(after)")
    }

    /// The text rows of the response pane (the right-hand box), in order.
    private func paneLines(_ screen: String) -> [String] {
        Self.rows(screen).compactMap { row -> String? in
            let parts = row.split(omittingEmptySubsequences: false) { $0 == "│" || $0 == "║" }
            // Rows of the side-by-side layout: │node table││pane│ splits into 5 parts.
            guard parts.count >= 5 else { return nil }
            return String(parts[3]).trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// The last non-empty line of the response pane.
    private func lastPaneLine(_ screen: String) -> String? { paneLines(screen).last }
}

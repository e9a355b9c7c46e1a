import CodeswarmProtocol
import DashboardCore
import TestSupport
import Testing

/// The walltime warning on screen: a swarm the router marks short of time shows a `!` and the warning style in the
/// swarm table and in the header, with and without colour.
@Suite struct TimeLeftWarningTests {
    static func short(_ summary: SwarmSummary) -> SwarmSummary { summary.with(timeLeftWarning: true) }

    /// `new` (selected, short of time), `mid` (short of time, not selected), `old` (plenty of time).
    static func harness(monochrome: Bool = false) -> DashboardHarness {
        var harness = DashboardHarness(size: ScreenSize(width: 80, height: 24), monochrome: monochrome)
        harness.receive(
            DashboardFixtures.list([
                ("new-1234", short(DashboardFixtures.summary(job: "301", createdSecondsAgo: 10, timeLeft: 420))),
                ("mid-1234", short(DashboardFixtures.summary(job: "302", createdSecondsAgo: 20, timeLeft: 300))),
                ("old-1234", DashboardFixtures.summary(job: "303", createdSecondsAgo: 30, timeLeft: 3130)),
            ]))
        harness.completeReplay()
        return harness
    }

    /// The role letters of `text` where it first appears on screen.
    static func roles(of text: String, in grid: ScreenGrid) throws -> String {
        let row = try #require(grid.rowIndex(containing: text), "\(text) is not on screen:\n\(grid.textSnapshot)")
        let line = grid.textLines[row]
        let start = line.distance(from: line.startIndex, to: try #require(line.range(of: text)).lowerBound)
        return String(Array(grid.roleLines[row])[start..<(start + text.count)])
    }

    @Test("the LEFT cell of a swarm under the margin reads !clock in the warning style; others stay plain")
    func tableMarksShortSwarms() throws {
        var harness = Self.harness()
        let screen = harness.screen
        #expect(harness.state.selectedSwarm?.id == "new-1234")
        let warning = String(StyleRole.warning.letter)
        #expect(try Self.roles(of: "!5:00", in: screen) == String(repeating: warning, count: 5))
        // The selected row keeps the selection style, but its `!` still reads.
        #expect(screen.contains("!7:00"))
        #expect(!screen.contains("!52:10"))
        #expect(screen.contains("52:10"))
        // The header names the selected swarm's short time in its own warning segment.
        let header = " ! 7m00s left: ending soon "
        #expect(screen.textLines[0].contains(header), "\(screen.textLines[0])")
        #expect(try Self.roles(of: header, in: screen) == String(repeating: warning, count: header.count))

        harness.advance(seconds: 60)
        #expect(harness.screen.contains("!4:00"), "the countdown goes on while marked")
    }

    @Test("under NO_COLOR the warning style is bold and the ! marker carries it")
    func monochrome() throws {
        let harness = Self.harness(monochrome: true)
        #expect(harness.state.isMonochrome)
        #expect(Theme.monochrome.style(for: .warning).isBold)
        #expect(Theme.monochrome.style(for: .warning).foreground == .default, "no colour under NO_COLOR")
        #expect(try Self.roles(of: "!5:00", in: harness.screen).allSatisfy { $0 == StyleRole.warning.letter })
    }

    @Test("the router's walltime notice marks its swarm at once; a later list without the flag clears it")
    func noticeMarksAtOnce() {
        var harness = Self.harness()
        #expect(!harness.screen.contains("!52:10"))
        harness.receive(
            .notice(
                RouterNotice(
                    level: "warning", message: "swarm old-1234 has 9 min left on job 303", site: "slurm",
                    swarmID: "old-1234")))
        #expect(harness.state.swarms["old-1234"]?.isShortOfTime == true)
        harness.receive(
            DashboardFixtures.list([("old-1234", DashboardFixtures.summary(job: "303", createdSecondsAgo: 30))]))
        #expect(harness.state.swarms["old-1234"]?.isShortOfTime == false, "the limit was raised")
    }

    @Test("an ended swarm shows no warning, whatever it was marked")
    func endedSwarmIsNotMarked() {
        var harness = DashboardHarness(size: ScreenSize(width: 80, height: 24))
        harness.receive(
            DashboardFixtures.list([
                (
                    "done-123",
                    Self.short(DashboardFixtures.summary(status: .terminated, timeLeft: 120, endedReason: "x"))
                )
            ]))
        harness.completeReplay()
        #expect(!harness.screen.contains("ending soon"))
        #expect(!harness.screen.contains("!2:00"))
    }
}

import CodeswarmProtocol
import DashboardCore
import TestSupport
import Testing

/// Whole screens at 80×24 and 160×48 compared as text (and roles) with recorded snapshot files.
///
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`, review the diff, run again.
@Suite struct SnapshotTests {
    static let small = ScreenSize(width: 80, height: 24)
    static let large = ScreenSize(width: 160, height: 48)

    static let scenarios: [(String, @Sendable (ScreenSize) -> DashboardHarness)] = [
        ("empty", { SnapshotScenarios.empty($0) }),
        ("one-swarm", { SnapshotScenarios.oneSwarm($0) }),
        ("16-nodes", { SnapshotScenarios.sixteenNodes($0) }),
        ("16-nodes-split", { SnapshotScenarios.sixteenNodes($0, split: true) }),
        ("long-names", { SnapshotScenarios.longNames($0) }),
        ("wide-characters", { SnapshotScenarios.wideCharacters($0) }),
        ("errors", { SnapshotScenarios.errors($0) }),
        (
            "help",
            { size in
                var harness = SnapshotScenarios.oneSwarm(size)
                harness.press(.character("?"))
                return harness
            }
        ),
        ("monochrome", { SnapshotScenarios.oneSwarm($0, monochrome: true) }),
        (
            "confirm",
            { size in
                var harness = SnapshotScenarios.oneSwarm(size)
                harness.press(.character("T"))
                return harness
            }
        ),
        (
            "palette",
            { size in
                var harness = SnapshotScenarios.oneSwarm(size)
                harness.press(.character(":"))
                harness.type("t")
                return harness
            }
        ),
        (
            "send-confirm",
            { size in
                var harness = SnapshotScenarios.oneSwarm(size)
                harness.press(.character("t"), .character("i"))
                harness.type("run the whole test suite on every node")
                harness.press(.enter)
                return harness
            }
        ),
        (
            "launch-form",
            { size in
                var harness = SnapshotScenarios.oneSwarm(size)
                harness.press(.character("n"), .down, .down)
                harness.type("two hours")
                harness.press(.enter)
                return harness
            }
        ),
    ]

    @Test("80×24 screens", arguments: scenarios.map(\.0))
    func small(name: String) {
        check(name, size: Self.small)
    }

    @Test("160×48 screens", arguments: scenarios.map(\.0))
    func large(name: String) {
        check(name, size: Self.large)
    }

    private func check(_ name: String, size: ScreenSize) {
        guard let build = Self.scenarios.first(where: { $0.0 == name })?.1 else { return }
        let grid = build(size).screen
        #expect(grid.size == size)
        assertSnapshot(grid, named: "\(size)-\(name)", directory: SnapshotScenarios.directory)
    }
}

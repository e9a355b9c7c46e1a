import DashboardCore
import TestSupport
import Testing

/// Small screens compared with inline text, so the expected screen sits next to the test.
@Suite struct InlineSnapshotTests {
    @Test("80×24 while connecting, before any swarm is known")
    func emptyWhileConnecting() {
        let harness = SnapshotScenarios.empty(ScreenSize(width: 80, height: 24))
        assertScreen(
            harness.screen,
            matches: """
                 codeswarm  0 swarms                                                            |
                ┌─ Swarms 0 ───────────────────────────────────────────────────────────────────┐|
                │  SWARM    PROVIDER JOB    NODES STATUS                   SLURM    LEFT TOKENS│|
                │  Waiting for the router…                                                     │|
                └──────────────────────────────────────────────────────────────────────────────┘|
                ┌─ Nodes ──────────────────────────┐┌─ Responses ──────────────────────────────┐|
                │ Select a swarm to see its nodes. ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                │                                  ││                                          │|
                └──────────────────────────────────┘└──────────────────────────────────────────┘|
                [no swarm] › launch a swarm with n                                              |
                 ? help  q quit  : command  s split  / filter  n launch  Tab pane  ◌ connecting |
                """)
    }

    @Test("a narrow, short terminal shows the focused one of the node table and the response pane")
    func narrowShowsFocusedPane() {
        var harness = SnapshotScenarios.oneSwarm(ScreenSize(width: 44, height: 14))
        assertScreen(
            harness.screen,
            matches: """
                 codeswarm  1 swarm │ 1a2b3c4d: 4 nodes · 2…|
                ┌─ Swarms 1 ───────────────────────────────┐|
                │  SWARM    JOB    NODES STATUS     SLURM  │|
                │▸ 1a2b3c4d 4242       4 running    RUNNING│|
                └──────────────────────────────────────────┘|
                ┌─ Nodes · 1a2b3c4d ───────────────────────┐|
                │   # HOST      STATE    DELIVERY    TOKENS│|
                │▸  0 gpu-node… idle     ✓ delivered    15k│|
                │   1 gpu-node… idle     -             2.2k│|
                │   2 gpu-node… approval -             3.2k│|
                │   3 gpu-node… error    -             4.2k│|
                └──────────────────────────────────────────┘|
                [node 0] steer › press i to type a prompt   |
                 ? help  q quit  i prompt       ● connected |
                """)
        harness.press(.tab, .tab)
        assertScreen(
            harness.screen,
            matches: """
                 codeswarm  1 swarm │ 1a2b3c4d: 4 nodes · 2…|
                ┌─ Swarms 1 ───────────────────────────────┐|
                │  SWARM    JOB    NODES STATUS     SLURM  │|
                │▸ 1a2b3c4d 4242       4 running    RUNNING│|
                └──────────────────────────────────────────┘|
                ┌─ node 0 · gpu-node-01 · idle · ✓ deliver…┐|
                │Layout.lengths and all 61 tests pass now. │|
                │$ swift test                              │|
                │  ▸ 2 lines of output (o) · 1 test failed…│|
                │  exit 1                                  │|
                │── turn completed · 0s ───────────────────│|
                └──────────────────────────────────────────┘|
                [node 0] steer › press i to type a prompt   |
                 ? help  q quit  G follow       ● connected |
                """)
    }

    @Test("below the minimum size the dashboard says so instead of drawing a broken layout")
    func tooSmall() {
        let harness = SnapshotScenarios.oneSwarm(ScreenSize(width: 30, height: 4))
        assertScreen(
            harness.screen,
            matches: """
                Terminal too small: 30x4.     |
                The dashboard needs 40x10.    |
                q quits.                      |
                                              |
                """)
        #expect(harness.screen.roleLines[0].hasPrefix("rrrrrrrr"))
    }
}

import CodeswarmProtocol
import DashboardCore
import Foundation

/// Measures how long the dashboard takes to render one frame and to absorb one streamed delta, on a busy
/// 16-node swarm at 200×60 with the split view open. Prints median and 99th percentile in microseconds.
///
/// Run: `swift run -c release codeswarm-bench` (see docs/PERFORMANCE.md for recorded numbers).
@main
enum DashboardRenderBenchmark {
    static func main() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var state = DashboardState(size: ScreenSize(width: 200, height: 60), now: start)
        let swarmID = SwarmID("5e1f0c2a-9d3b-4c7e-8a61-2f4b6d8e0a13")
        let jobID = JobID("272900")
        _ = state.handle(.connection(.connected))
        let summary = SwarmSummary(
            jobID: jobID, nodeCount: 16, systemPrompt: "You are a focused autonomous agent.", partition: "gpu",
            time: "02:00:00", status: .running, provider: "slurm", slurmState: "RUNNING", totalTokens: 123_456,
            timeLeftSeconds: 5000)
        _ = state.handle(.router(.swarmList(SwarmListReply(requestID: .null, swarms: [swarmID.rawValue: summary]))))
        let nodes = (0..<16).map {
            NodeSummary(nodeID: $0, hostname: "gpu-node-\($0)", state: .working, totalTokens: 1000 * $0)
        }
        _ = state.handle(
            .router(
                .swarmStatus(
                    SwarmStatusReply(
                        requestID: .null, swarmID: swarmID, jobID: jobID, nodeCount: 16, status: .running,
                        slurmState: "RUNNING", provider: "slurm", nodes: nodes))))
        _ = state.handle(.key(.character("s")))  // split view: as many panes as fit

        var seq = 0
        func delta(node: Int, text: String) -> DashboardEvent {
            seq += 1
            return .router(
                .stream(
                    StreamEvent(
                        swarmID: swarmID, jobID: jobID, nodeID: node, injectionID: InjectionID("inj-\(node)"),
                        turnID: "turn-\(node)", seq: seq, body: .assistantDelta(content: text))))
        }
        // Fill every node's scrollback with a few thousand words, as after a long session.
        let words = "tiling the GEMM kernel with 128×128 blocks keeps the tensor cores busy; 日本語 ✓ "
        for round in 0..<200 {
            for node in 0..<16 { _ = state.handle(delta(node: node, text: round % 10 == 9 ? "\n" : words)) }
        }

        var absorb: [Double] = []
        var render: [Double] = []
        for round in 0..<2000 {
            let event = delta(node: round % 16, text: words)
            let before = DispatchTime.now().uptimeNanoseconds
            _ = state.handle(event)
            let middle = DispatchTime.now().uptimeNanoseconds
            let grid = DashboardScreen.render(state)
            let after = DispatchTime.now().uptimeNanoseconds
            precondition(grid.size.width == 200)
            absorb.append(Double(middle - before) / 1000)
            render.append(Double(after - middle) / 1000)
        }
        func report(_ name: String, _ samples: [Double]) {
            let sorted = samples.sorted()
            let median = sorted[sorted.count / 2]
            let p99 = sorted[Int(Double(sorted.count) * 0.99)]
            print(
                "\(name): median \(String(format: "%.1f", median)) µs, p99 \(String(format: "%.1f", p99)) µs (\(samples.count) samples)"
            )
        }
        report("render one 200x60 frame (16-node split view)", render)
        report("absorb one assistant_delta", absorb)
    }
}

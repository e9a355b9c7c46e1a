import Foundation
import TestSupport
import Testing

/// The official codex on the real 4-node Slurm cluster, over the real sshd and in login-node mode; only the model
/// is stubbed. An extension of the one serialized Slurm suite: run beside it, its cleanup would cancel the other
/// tests' jobs. Skips visibly without codex on a developer machine; fails in CI.
extension SlurmEndToEndTests {
    @Test(
        "4 Slurm nodes on codex over ssh: streams, a subset, an approved command, usage, warnings, versions, a stall, terminate drained through turn/interrupt",
        .enabled(
            if: RealCodex.shouldRun,
            "needs \(RealCodex.missingComponent ?? "the pinned codex (scripts/codex/install.sh)")")
    )
    func realCodexLifecycle() throws {
        try RealCodex.require()
        try SlurmTest.requireCluster()
        let swarm = try RealCodexSwarm(
            provider: .slurm(.ssh), nodes: 4,
            agent: ["approval_policy": "untrusted", "approval_decision": "accept", "stall_timeout_seconds": 3])
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 4)
        let hosts = Set(
            swarm.client.received.filter { $0.eventName == "node_started" }.compactMap {
                $0.data["hostname"] as? String
            })
        #expect(hosts == ["node1", "node2", "node3", "node4"])

        let all = try swarm.inject("Report your status [sim:deltas=5] [sim:delay=20]")
        #expect(all.count == 4)
        for injection in all {
            let final = swarm.events(injection: injection).last { $0.eventName == "assistant" }?.data["content"]
            #expect(swarm.streamedText(injection: injection) == final as? String)
            #expect(swarm.events(injection: injection).last?.data["status"] as? String == "completed")
        }
        let subset = try swarm.inject("Only these two [sim:deltas=2]", nodes: [0, 2])
        #expect(Set(subset.compactMap(swarm.node(ofInjection:))) == [0, 2])
        try RealCodexChecks.acceptedCommand(swarm, node: 1)
        try RealCodexChecks.warningsAndVersions(swarm, nodes: 4)
        try RealCodexChecks.stallAndDrain(swarm, node: 3)
    }

    @Test(
        "on Slurm (login-node mode) codex killed mid-session is restarted and resumes its thread with its history",
        .enabled(
            if: RealCodex.shouldRun,
            "needs \(RealCodex.missingComponent ?? "the pinned codex (scripts/codex/install.sh)")")
    )
    func realCodexKilledResumes() throws {
        try RealCodex.require()
        try SlurmTest.requireCluster()
        let swarm = try RealCodexSwarm(provider: .slurm(.loginNode), nodes: 1)
        defer { swarm.close() }
        try swarm.waitForSystemPrompt(nodes: 1)
        try RealCodexChecks.killAndResume(swarm, node: 0)
    }
}

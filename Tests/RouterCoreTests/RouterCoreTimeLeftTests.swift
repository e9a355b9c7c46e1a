import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// The walltime warning in the core: time left comes in with each scheduler poll (an input); the swarm is marked
/// short of time at the margin, everyone is told once, and `swarm_list` and `swarm_status` carry the mark.
@Suite("RouterCore time-left warning")
struct RouterCoreTimeLeftTests {
    static let job: JobID = "272900"

    static func harness(marginSeconds: Int = 600) -> RouterCoreHarness {
        var settings = RouterCoreSettings(defaultProvider: "slurm", availableProviders: ["slurm"])
        settings.timeLeftWarningSeconds = marginSeconds
        var harness = RouterCoreHarness(settings: settings)
        harness.site = "slurm"
        return harness
    }

    @discardableResult
    static func poll(_ harness: inout RouterCoreHarness, left: Int, state: String = "RUNNING") -> [RouterEffect] {
        harness.handle {
            .jobsObserved(
                provider: "slurm", [job: JobObservation(state: state, isFinished: false, timeLeftSeconds: left)],
                at: $0)
        }
    }

    static func notices(_ effects: [RouterEffect]) -> [RouterNotice] {
        effects.broadcastEvents.compactMap { event in
            if case .notice(let notice) = event { return notice }
            return nil
        }
    }

    /// The mark as `swarm_list` and `swarm_status` report it.
    static func marks(_ harness: inout RouterCoreHarness, _ swarmID: SwarmID) throws -> (list: Bool?, status: Bool?) {
        let list = try harness.command("swarm_list", id: "l")
        let status = try harness.command("swarm_status", id: "s", payload: ["swarm_id": .string(swarmID.rawValue)])
        var listed: Bool?
        var reported: Bool?
        for event in list.sentEvents(to: 1) {
            if case .swarmList(let reply) = event { listed = reply.swarms[swarmID.rawValue]?.timeLeftWarning }
        }
        for event in status.sentEvents(to: 1) {
            if case .swarmStatus(let reply) = event { reported = reply.timeLeftWarning }
        }
        return (listed, reported)
    }

    @Test("crossing the margin marks the swarm and broadcasts one warning naming it; later polls stay quiet")
    func crossingWarnsOnce() throws {
        var harness = Self.harness()
        let swarmID = try harness.runningSwarm(nodes: 2, job: Self.job)
        #expect(Self.notices(Self.poll(&harness, left: 1800)).isEmpty)
        #expect(try Self.marks(&harness, swarmID) == (nil, nil), "no field while there is time")

        harness.advance(by: 1195)
        let crossed = Self.poll(&harness, left: 600)
        let notice = try #require(Self.notices(crossed).first)
        #expect(Self.notices(crossed).count == 1)
        #expect(notice.level == "warning")
        #expect(notice.swarmID == swarmID)
        #expect(notice.site == "slurm")
        let short = String(swarmID.rawValue.prefix(8))
        #expect(notice.message.contains("has 10 min left on job 272900 (warning at 10 min)"), "\(notice.message)")
        #expect(notice.message.contains("codeswarm resume \(short)"))
        #expect(crossed.contains(.persist), "a restarted router does not warn again")
        #expect(try Self.marks(&harness, swarmID) == (true, true))

        harness.advance(by: 60)
        #expect(Self.notices(Self.poll(&harness, left: 540)).isEmpty)
        var restarted = try harness.restarted(after: 5)
        #expect(Self.notices(Self.poll(&restarted, left: 530)).isEmpty)
        #expect(try Self.marks(&restarted, swarmID) == (true, true))
    }

    @Test("a raised time limit clears the mark, and the next crossing warns again")
    func raisedLimitRearms() throws {
        var harness = Self.harness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        #expect(Self.notices(Self.poll(&harness, left: 300)).count == 1, "first seen under the margin: warned")
        #expect(Self.notices(Self.poll(&harness, left: 3600)).isEmpty)
        #expect(try Self.marks(&harness, swarmID) == (nil, nil))
        #expect(Self.notices(Self.poll(&harness, left: 599)).count == 1)
    }

    @Test("a pending job is not warned about; the warning comes once its workers run")
    func pendingIsQuiet() throws {
        var harness = Self.harness()
        let (swarmID, _) = try harness.launch(nodes: 1)
        harness.submitted(swarmID, job: Self.job)
        #expect(Self.notices(Self.poll(&harness, left: 300, state: "PENDING")).isEmpty)
        #expect(try Self.marks(&harness, swarmID) == (nil, nil))
        for append in try harness.workerStarted(job: Self.job, node: 0).appendRequests { harness.appended(append.id) }
        #expect(Self.notices(Self.poll(&harness, left: 290)).count == 1)
    }

    @Test("a margin of 0 turns the warning off")
    func marginZeroIsOff() throws {
        var harness = Self.harness(marginSeconds: 0)
        let swarmID = try harness.runningSwarm(nodes: 1, job: Self.job)
        #expect(Self.notices(Self.poll(&harness, left: 30)).isEmpty)
        #expect(try Self.marks(&harness, swarmID) == (nil, nil))
    }
}

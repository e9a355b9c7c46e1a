import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// A launch's and a resume's own sbatch options in the core: checked in the router whatever client sent them,
/// refused for the local provider, kept with the swarm, reused and overridden by a resume.
@Suite("RouterCore sbatch options")
struct RouterCoreSbatchTests {
    static let job: JobID = "272900"

    static func slurmHarness() -> RouterCoreHarness {
        var harness = RouterCoreHarness(
            settings: RouterCoreSettings(defaultProvider: "slurm", availableProviders: ["local", "slurm"]))
        harness.site = "slurm"
        return harness
    }

    static func options(_ words: [String]) -> [String: JSONValue] {
        ["sbatch": .array(words.map(JSONValue.string))]
    }

    static func plan(_ effects: [RouterEffect], _ swarmID: SwarmID) -> LaunchPlan? {
        effects.compactMap { effect -> LaunchPlan? in
            if case .launch(let id, let plan) = effect, id == swarmID { return plan }
            return nil
        }.first
    }

    @Test(
        "a hostile option from a client that bypasses the CLI is rejected, naming it, and nothing is registered",
        arguments: [
            ("--gres=$(id)", "'$'"), ("--gres=gpu;reboot", "';'"), ("--mem=1G\n#SBATCH --wrap=id", "a newline"),
            ("--constraint=`id`", "'`'"), ("--mem=1G 2G", "a space"), ("--job-name=x%j", "'%'"),
            ("--wrap=id", "--wrap is set by codeswarm"), ("--output=/tmp/x", "--output is set by codeswarm"),
            ("--outp=/tmp/x", "--outp abbreviates --output"), ("-w=node1", "not a long sbatch flag"),
        ])
    func hostileOptionRejected(option: String, reason: String) throws {
        var harness = Self.slurmHarness()
        let effects = try harness.command(
            "swarm_launch", id: "l-1",
            payload: .object(
                ["nodes": 1].merging(Self.options(["--mem=1G", option])) {
                    $1
                }), from: 3)
        let rejection = try #require(effects.sentEvents(to: 3).compactMap(\.rejection).first)
        #expect(rejection.requestID == "l-1")
        #expect(rejection.reason.hasPrefix("bad sbatch option: "), "\(rejection.reason)")
        #expect(rejection.reason.contains(reason), "\(rejection.reason)")
        #expect(effects.count == 1, "only the rejection: no launch, no save, no broadcast")
        #expect(harness.snapshot.swarms.isEmpty)
    }

    @Test("a payload whose sbatch is not a list of strings is rejected by the parser")
    func wrongShapeRejected() throws {
        var harness = Self.slurmHarness()
        for (value, shown) in [(JSONValue.string("--mem=1G"), "a string"), ([1], "entry 0 is a number")] {
            let effects = try harness.command("swarm_launch", id: "l", payload: ["nodes": 1, "sbatch": value])
            let reason = try #require(effects.rejections.first?.reason)
            #expect(reason.contains("payload.sbatch must be a list of sbatch options"), "\(reason)")
            #expect(reason.contains(shown), "\(reason)")
        }
        #expect(harness.snapshot.swarms.isEmpty)
    }

    @Test("sbatch options on a local launch are refused with a message that says they are for Slurm")
    func localProviderRefuses() throws {
        var harness = Self.slurmHarness()
        var payload = Self.options(["--gres=gpu:1"])
        payload["nodes"] = 1
        payload["provider"] = "local"
        let effects = try harness.command("swarm_launch", id: "l-local", payload: .object(payload))
        let reason = try #require(effects.rejections.first?.reason)
        #expect(reason.contains("only apply to Slurm jobs"), "\(reason)")
        #expect(reason.contains("--gres=gpu:1"))
        #expect(harness.snapshot.swarms.isEmpty)
    }

    @Test("accepted options go into the launch plan, are saved with the swarm, and a resume reuses and overrides them")
    func keptAndOverridden() throws {
        var harness = Self.slurmHarness()
        let words = ["--job-name=cs-test-x", "--mem=100M", "--exclusive"]
        let (swarmID, launched) = try harness.launch(nodes: 1, extra: Self.options(words))
        #expect(Self.plan(launched, swarmID)?.sbatch == words)
        // swarm_list and swarm_status show them, so a person sees what a resume will use again.
        let list = try harness.command("swarm_list", id: "l")
        let status = try harness.command("swarm_status", id: "s", payload: ["swarm_id": .string(swarmID.rawValue)])
        var listed: [String]?
        var reported: [String]?
        for event in list.sentEvents(to: 1) {
            if case .swarmList(let reply) = event { listed = reply.swarms[swarmID.rawValue]?.sbatch }
        }
        for event in status.sentEvents(to: 1) {
            if case .swarmStatus(let reply) = event { reported = reply.sbatch }
        }
        #expect(listed == words)
        #expect(reported == words)
        harness.submitted(swarmID, job: Self.job)
        for append in try harness.workerStarted(job: Self.job, node: 0).appendRequests { harness.appended(append.id) }
        try harness.workerCompleted(job: Self.job, node: 0)
        harness.handle {
            .jobsObserved(
                provider: "slurm", [Self.job: JobObservation(state: "TIMEOUT", isFinished: true, reason: "None")],
                at: $0)
        }
        #expect(harness.snapshot.swarms.values[0].status == .terminated)

        // A restarted router still knows them; the resume replaces --mem, adds --gres, keeps the rest.
        var restarted = try harness.restarted(after: 5)
        #expect(restarted.snapshot.swarms.values[0].request.sbatch == words)
        let resumed = try restarted.command(
            "swarm_resume", id: "r-1",
            payload: .object(
                ["swarm_id": .string(String(swarmID.rawValue.prefix(8)))].merging(
                    Self.options(["--mem=2G", "--gres=gpu:1"])
                ) { $1 }))
        #expect(resumed.rejections.isEmpty, "\(resumed.rejections)")
        #expect(
            Self.plan(resumed, swarmID)?.sbatch == ["--job-name=cs-test-x", "--exclusive", "--mem=2G", "--gres=gpu:1"])
    }

    @Test("a resume with a hostile option is refused before the swarm changes")
    func hostileResumeRejected() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: "local_aaaa0001")
        try harness.workerCompleted(job: "local_aaaa0001", node: 0)
        #expect(harness.snapshot.swarms.values[0].status == .terminated)
        let before = harness.snapshot
        let effects = try harness.command(
            "swarm_resume", id: "r",
            payload: .object(
                ["swarm_id": .string(swarmID.rawValue)].merging(
                    Self.options(["--mem=1G"])
                ) { $1 }))
        #expect(effects.rejections.first?.reason.contains("only apply to Slurm jobs") == true)
        #expect(harness.snapshot == before)
    }
}

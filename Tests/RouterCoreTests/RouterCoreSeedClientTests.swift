import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// What the original (seed) CLI does with the router's events, replayed on the core's output as JSON text.
///
/// The seed CLI takes the first event whose `data.request_id` is its own as the answer: `launch` prints it under
/// "Swarm launched successfully:" as `key: value` lines, `status` through its formatter, `${value}` for each field.
@Suite("RouterCore as the seed CLI sees it")
struct RouterCoreSeedClientTests {
    static let job: JobID = "local_5eed0001"

    /// Every event a client receives in `effects` (its replies and all broadcasts), as decoded wire JSON.
    static func received(_ effects: [RouterEffect], by client: ClientID) throws -> [JSONValue] {
        try effects.compactMap { effect -> EventEnvelope? in
            switch effect {
            case .broadcast(let envelope): envelope
            case .send(let envelope, let target) where target == client: envelope
            default: nil
            }
        }.map { try WireCoding.decode(JSONValue.self, from: WireCoding.encode($0)) }
    }

    /// The seed CLI's rule: the first event whose `data.request_id` equals the command's.
    static func firstMatch(_ events: [JSONValue], requestID: JSONValue) -> JSONValue? {
        events.first { $0["data"]?["request_id"] == requestID }
    }

    /// JavaScript's `${value}` for a JSON value: how the seed CLI and formatter print every field.
    static func javaScriptString(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number.rounded() == number && abs(number) < 1e21 ? String(Int(number)) : String(number)
        case .string(let text): text
        // Array.prototype.toString joins the elements' strings with commas; null becomes empty.
        case .array(let elements): elements.map { $0.isNull ? "" : javaScriptString($0) }.joined(separator: ",")
        case .object: "[object Object]"
        }
    }

    @Test("a launch's first event carrying its request id is swarm_launched, not a progress event")
    func launchFirstMatchIsTheAnswer() throws {
        var harness = RouterCoreHarness()
        let (swarmID, accepted) = try harness.launch(nodes: 2, id: "seed-launch")
        var effects = accepted
        effects += harness.submitted(swarmID, job: Self.job)
        effects += try harness.workerStarted(job: Self.job, node: 0)
        effects += try harness.workerStarted(job: Self.job, node: 1)
        let events = try Self.received(effects, by: 1)
        #expect(events.contains { $0["event"] == "swarm_launch_progress" }, "progress is still broadcast")

        let answer = try #require(Self.firstMatch(events, requestID: "seed-launch"))
        #expect(answer["event"] == "swarm_launched")
        let printed = (answer["data"]?.objectValue ?? [:]).map { "\($0.key): \(Self.javaScriptString($0.value))" }
        #expect(printed.contains("swarm_id: \(swarmID.rawValue)"))
        #expect(printed.contains("job_id: \(Self.job.rawValue)"))
        #expect(!printed.contains { $0.hasPrefix("stage:") })
    }

    @Test("a launch that fails has command_rejected as its first match")
    func failedLaunchFirstMatchIsTheRejection() throws {
        var harness = RouterCoreHarness()
        let (swarmID, accepted) = try harness.launch(nodes: 1, id: "seed-fail")
        var effects = accepted
        effects += harness.handle { .launchFailed(swarmID, reason: "sbatch: error: invalid partition", at: $0) }
        let answer = try #require(Self.firstMatch(try Self.received(effects, by: 1), requestID: "seed-fail"))
        #expect(answer["event"] == "command_rejected")
    }

    @Test("the seed formatter prints every swarm_status field readably: no [object Object]")
    func statusPrintsReadably() throws {
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 3, job: Self.job)
        let effects = try harness.command(
            "swarm_status", id: "seed-status", payload: ["swarm_id": .string(swarmID.rawValue)])
        let answer = try #require(Self.firstMatch(try Self.received(effects, by: 1), requestID: "seed-status"))
        #expect(answer["event"] == "swarm_status")
        let fields = try #require(answer["data"]?.objectValue)
        for (key, value) in fields {
            #expect(!Self.javaScriptString(value).contains("[object Object]"), "\(key): prints as an object")
        }
        #expect(
            Set(fields.keys).isSuperset(of: ["request_id", "swarm_id", "job_id", "node_count", "status", "slurm_state"])
        )
    }
}

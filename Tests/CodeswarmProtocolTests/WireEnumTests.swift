import CodeswarmProtocol
import Foundation
import Testing

/// Providers and launch stages are enums on our side and strings on the wire; a value a newer router sends is
/// kept, not refused.
@Suite("Wire enums")
struct WireEnumTests {
    @Test("known launch stages map to cases; an unknown one (a newer router's) decodes and re-encodes unchanged")
    func launchStages() throws {
        let known: [(String, LaunchStage)] = [
            ("accepted", .accepted), ("submitting", .submitting), ("submitted", .submitted), ("pending", .pending),
            ("configuring", .configuring), ("running", .running), ("workers_starting", .workersStarting),
        ]
        for (text, stage) in known {
            #expect(LaunchStage(rawValue: text) == stage)
            #expect(stage.rawValue == text)
        }
        let line =
            #"{"data":{"launch_request_id":"r1","message":"job 272900 is REQUEUED","stage":"requeued"},"event":"swarm_launch_progress","protocol":"codeswarm.router.v1","timestamp":"2026-11-25T12:29:44.793876+00:00","type":"event"}"#
        let envelope = try WireCoding.decode(EventEnvelope.self, from: line)
        guard case .swarmLaunchProgress(let progress) = envelope.event else {
            Issue.record("an unknown stage made the event undecodable: \(envelope.event)")
            return
        }
        #expect(progress.stage == .other("requeued"))
        #expect(try WireCoding.encodeString(envelope) == line)
    }

    @Test("known providers map to cases; an unknown one decodes in every reply that names a provider")
    func providers() throws {
        #expect(ProviderName(rawValue: "local") == .local)
        #expect(ProviderName(rawValue: "slurm") == .slurm)
        #expect(ProviderName.known.map(\.rawValue) == ["local", "slurm"])
        let status =
            #"{"data":{"job_id":"i-0abc","node_count":1,"provider":"aws","request_id":"s","slurm_state":"UNKNOWN","status":"running","swarm_id":"x"},"event":"swarm_status","protocol":"codeswarm.router.v1","timestamp":"t","type":"event"}"#
        guard case .swarmStatus(let reply) = try WireCoding.decode(EventEnvelope.self, from: status).event else {
            Issue.record("swarm_status with an unknown provider did not decode")
            return
        }
        #expect(reply.provider == .other("aws"))
        let launch = try CommandParser.parse(
            line: Array(
                #"{"protocol":"codeswarm.router.v1","command":"swarm_launch","payload":{"provider":"aws"}}"#.utf8)
        ).get()
        #expect(launch.command == .launch(LaunchRequest(nodes: 1, provider: .other("aws"))))
    }
}

import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

@testable import RouterCore

/// Golden transcripts of the real codex (`Tests/TestSupport/CodexFixtures/transcripts/`) replayed through the
/// router's agent-traffic translation, as the worker writes them to the outbox: every message codex wrote, and the
/// worker's answers to its requests, labelled by turn like the worker labels them.
@Suite("RouterCore replay of real codex transcripts")
struct RouterCoreTranscriptReplayTests {
    static let job: JobID = "local_c0de0163"

    /// The stream events and the node after one transcript.
    struct Replay {
        var events: [StreamEvent]
        var node: NodeRecord

        var names: [String] { events.map(\.body.name).filter { $0 != "agent_status" } }
        var deltas: String {
            events.compactMap { if case .assistantDelta(let text) = $0.body { text } else { nil } }.joined()
        }
        var answers: [String] {
            events.compactMap { if case .assistant(let text) = $0.body { text } else { nil } }
        }
        var completion: (status: String?, error: String?)? {
            let all = events.compactMap { event -> (status: String?, error: String?)? in
                if case .turnComplete(let status, let error) = event.body { return (status, error) }
                return nil
            }
            return all.last
        }
        var warnings: [(message: String, kind: String)] {
            events.compactMap { event -> (message: String, kind: String)? in
                if case .agentWarning(let message, let kind) = event.body { return (message, kind) }
                return nil
            }
        }
    }

    static func replay(_ name: String) throws -> Replay {
        let transcript = try CodexTranscript.load(name)
        var harness = RouterCoreHarness()
        let swarmID = try harness.runningSwarm(nodes: 1, job: job)
        let turns = transcript.entries.filter { $0.side == .client && $0.message["method"] == "turn/start" }.count
        var injections: [InjectionID] = []
        for index in 0..<turns {
            let delivered = try harness.injectDelivered(
                swarmID, content: "prompt \(index)", id: .string("inj-\(index)"))
            injections += delivered.values
        }
        var events: [StreamEvent] = []
        var current: InjectionID?
        var next = 0
        for entry in transcript.entries {
            let message = CodeswarmProtocol.AppServer.Message(entry.message)
            if entry.side == .client {
                if message.method == "turn/start", next < injections.count {
                    current = injections[next]
                    next += 1
                }
                // The worker records only its answers to codex's requests.
                guard case .response = message else { continue }
                events += try harness.rpc(job: job, node: 0, injection: current, entry.message, toAgent: true)
                    .streamEvents
                continue
            }
            events += try harness.rpc(job: job, node: 0, injection: current, entry.message).streamEvents
            if message.notificationMethod == .turnCompleted { current = nil }
        }
        let node = try #require(harness.snapshot.swarms.values.first?.nodes.first)
        return Replay(events: events, node: node)
    }

    @Test("a plain turn: codex's warnings, then turn_started, every delta, the answer, usage, turn_complete")
    func plain() throws {
        let replay = try Self.replay("plain")
        #expect(
            replay.names == [
                "agent_warning", "agent_warning", "turn_started", "assistant_delta", "assistant_delta",
                "assistant_delta",
                "assistant", "usage", "turn_complete",
            ])
        #expect(replay.answers == [replay.deltas])
        #expect(replay.answers.first?.hasPrefix("Stand-in answer (bytes=") == true)
        #expect(replay.completion?.status == "completed")
        #expect(replay.warnings.map(\.kind) == ["configWarning", "warning"])
        #expect(replay.warnings.first?.message.contains("bubblewrap") == true)
        #expect(replay.node.agentVersion == "0.163.0")
        #expect(replay.node.totalTokens > 0)
        #expect(replay.node.agentState == .idle)
        #expect(replay.node.summary().agentVersion == "0.163.0")
    }

    @Test("an approved command: the answer per policy, then the command with its real output and exit code")
    func approval() throws {
        let replay = try Self.replay("approval")
        let answered = replay.events.compactMap { event -> (String, String, String?)? in
            if case .approvalAnswered(let kind, let decision, let command) = event.body {
                return (kind, decision, command)
            }
            return nil
        }
        #expect(answered.count == 1)
        #expect(answered.first?.0 == "item/commandExecution/requestApproval")
        #expect(answered.first?.1 == "accept")
        #expect(answered.first?.2?.contains("echo checked; exit 3") == true)
        let completed = replay.events.compactMap { event -> (Int?, String?)? in
            if case .commandCompleted(_, let exitCode, let output) = event.body { return (exitCode, output) }
            return nil
        }
        #expect(completed.first?.0 == 3)
        #expect(completed.first?.1?.contains("checked") == true)
        #expect(replay.names.firstIndex(of: "command_started")! < replay.names.firstIndex(of: "approval_answered")!)
        #expect(replay.completion?.status == "completed")
        #expect(replay.node.pendingServerRequests.isEmpty)
    }

    @Test("a declined command never runs: no exit code, no output, and the turn still completes")
    func declined() throws {
        let replay = try Self.replay("declined")
        #expect(
            replay.events.contains {
                $0.body
                    == .approvalAnswered(
                        kind: "item/commandExecution/requestApproval", decision: "decline",
                        command: "/bin/bash -lc 'echo never-runs'")
            })
        let completed = replay.events.compactMap { event -> Int?? in
            if case .commandCompleted(_, let exitCode, _) = event.body { return exitCode }
            return nil
        }
        #expect(completed == [nil])
        #expect(replay.completion?.status == "completed")
    }

    @Test("a model failing every attempt: a retrying error, the final error, and a failed turn naming it")
    func failed() throws {
        let replay = try Self.replay("failed")
        let errors = replay.events.compactMap { event -> (String?, Bool?)? in
            if case .agentError(_, let code, let willRetry) = event.body { return (code, willRetry) }
            return nil
        }
        #expect(errors.map(\.1) == [true, false])
        #expect(errors.last?.0 == "internalServerError")
        #expect(replay.completion?.status == "failed")
        #expect(replay.completion?.error?.isEmpty == false)
        #expect(replay.node.agentState == .idle)
    }

    @Test("HTTP 429 is not retried by codex 0.163: one error, and the turn fails at once")
    func rateLimited() throws {
        let replay = try Self.replay("rate_limited")
        #expect(replay.names.filter { $0 == "agent_error" }.count == 1)
        #expect(replay.completion?.status == "failed")
        #expect(replay.completion?.error?.contains("429") == true)
    }

    @Test("a 500 retried quietly by codex streams its answer with no error")
    func retried() throws {
        let replay = try Self.replay("retried")
        #expect(!replay.names.contains("agent_error"))
        #expect(replay.completion?.status == "completed")
        #expect(replay.answers.count == 1)
    }

    @Test("an interrupted turn ends interrupted, without a final answer")
    func interrupted() throws {
        let replay = try Self.replay("interrupted")
        #expect(replay.completion?.status == "interrupted")
        #expect(replay.answers.isEmpty)
        #expect(!replay.deltas.isEmpty)
        #expect(replay.node.currentInjection == nil)
    }

    @Test("a steered turn: the dropped answer's deltas, then one final answer in the same turn")
    func steered() throws {
        let replay = try Self.replay("steered")
        #expect(replay.names.filter { $0 == "turn_started" }.count == 1)
        #expect(replay.answers.count == 1)
        #expect(replay.answers.first?.contains("Also mention the steering") == true)
        // The deltas hold the abandoned answer's start too: clients must not expect deltas == final answer here.
        #expect(replay.deltas.count > replay.answers.first?.count ?? 0)
        #expect(replay.completion?.status == "completed")
    }

    @Test("a resumed thread: no deprecation warning with excludeTurns, both turns complete, usage only grows")
    func resumed() throws {
        let replay = try Self.replay("resumed")
        #expect(!replay.warnings.contains { $0.kind == "deprecationNotice" })
        #expect(replay.names.filter { $0 == "turn_complete" }.count == 2)
        let totals = replay.events.compactMap { if case .usage(let usage) = $0.body { usage.totalTokens } else { nil } }
        #expect(totals == totals.sorted())
    }

    @Test("reasoning items are not translated into answer text")
    func reasoning() throws {
        let replay = try Self.replay("reasoning")
        #expect(replay.answers.count == 1)
        #expect(replay.answers.first?.contains("Weighing") == false)
    }

    @Test("the worker's agent_version_untested is an agent_warning, not an error: no last_error, state unchanged")
    func untestedVersionIsAWarning() throws {
        var harness = RouterCoreHarness()
        _ = try harness.runningSwarm(nodes: 1, job: Self.job)
        let events = try harness.workerError(
            job: Self.job, node: 0, injection: nil, code: "agent_version_untested",
            error: "the agent reports version 0.150.2, outside the tested range"
        ).streamEvents

        #expect(
            events.map(\.body) == [
                .agentWarning(
                    message: "the agent reports version 0.150.2, outside the tested range",
                    kind: "agent_version_untested")
            ])
        let node = try #require(harness.snapshot.swarms.values.first?.nodes.first)
        #expect(node.lastError == nil)
    }
}

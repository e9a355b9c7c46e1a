import CodeswarmProtocol
import Testing

@testable import WorkerCore

/// Inbox lines that cannot run are reported and skipped; good ones around them still run.
@Suite struct AgentSessionInboxTests {
    @Test(
        "a corrupt complete line is reported and skipped",
        arguments: [
            #"{"type":"user","content":"unterminated"#, "not json at all", "[]", "42", #"{"content":"no type"}"#,
        ])
    func corruptLine(_ line: String) throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.handle { .inboxLine(Array(line.utf8), now: $0) }

        #expect(effects.errorCodes == ["inbox_corrupt_line"])
        #expect(effects.agentMessages.isEmpty)
        #expect(harness.session.queuedInjections.isEmpty)
    }

    @Test("invalid UTF-8 is a corrupt line, and the next good line still runs")
    func invalidUTF8() throws {
        var harness = try SessionHarness()
        harness.ready()

        let bad = harness.handle { .inboxLine([0x7B, 0xFF, 0xFE, 0x7D], now: $0) }
        let good = harness.inbox("fine", id: "ok")

        #expect(bad.errorCodes == ["inbox_corrupt_line"])
        #expect(good.agentMethods == ["turn/start"])
    }

    @Test("a user line without injection_id or content is reported")
    func missingFields() throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.handle { .inboxLine(Array(#"{"type":"user","content":"x"}"#.utf8), now: $0) }

        #expect(effects.errorCodes == ["inbox_corrupt_line"])
    }

    @Test("a line of another type is reported and skipped")
    func otherType() throws {
        var harness = try SessionHarness()
        harness.ready()

        let effects = harness.handle {
            .inboxLine(Array(#"{"type":"control","injection_id":"c1","payload":{}}"#.utf8), now: $0)
        }

        #expect(effects.errorCodes == ["inbox_unsupported_type"])
        #expect(effects.workerErrors.first?.injectionID == "c1")
        #expect(effects.agentMessages.isEmpty)
    }

    @Test("an oversized line and a reset inbox are reported")
    func runtimeReports() throws {
        var harness = try SessionHarness()
        harness.ready()

        let oversized = harness.handle { .inboxLineOversized(byteCount: 9_000_000, now: $0) }
        let reset = harness.handle { .runtimeProblem(.inboxReset, message: "the inbox file shrank", now: $0) }

        #expect(oversized.errorCodes == ["inbox_corrupt_line"])
        #expect(reset.errorCodes == ["inbox_reset"])
        #expect(reset.workerErrors.first?.jobID == "job1")
        #expect(reset.workerErrors.first?.nodeID == 2)
    }
}

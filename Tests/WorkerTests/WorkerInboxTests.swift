import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Inbox reading on a real worker: exact bytes, partial lines, corrupt lines.
@Suite(.enabled(if: WorkerProcessFixture.canRun, "codeswarm is not built (CI=true turns this into a failure)"))
struct WorkerInboxTests {
    /// A 1 MiB prompt made of everything a shell or printf would mangle.
    static func hostilePrompt() -> String {
        let piece =
            "Quotes \"double\" 'single' $(rm -rf /) `uname -a` %s %d %n \\ backslash \\n literal\n"
            + "newline above, tab\there, non-ASCII: é ü ß 日本語 🚀 Ω\r\n"
            + "CRLF and a NUL-free end. ${HOME} $'x' \u{7F}\n"
        var prompt = ""
        while prompt.utf8.count < 1024 * 1024 { prompt += piece }
        return prompt
    }

    @Test("a 1 MiB prompt with quotes, $(…), backticks, %s, newlines and non-ASCII reaches the agent byte for byte")
    func hugePromptArrivesExactly() async throws {
        let worker = try WorkerProcessFixture(agent: [
            "codeswarm", "demo-agent", "--delay-ms", "0", "--deltas", "2", "--record-prompts", "$BASE/prompts",
        ])
        let recordFolder = "\(worker.base)/prompts"
        try worker.start()
        let prompt = Self.hostilePrompt()

        try worker.inject(prompt, id: "inj-big")
        let records = try await worker.waitFor("the big turn") { $0.turnCompleted("inj-big") }

        let recorded = try #require(FileManager.default.contents(atPath: "\(recordFolder)/prompt_1.txt"))
        #expect(Array(recorded) == Array(prompt.utf8))
        #expect(records.answer(of: "inj-big")?.contains(PromptDigest.text(of: Array(prompt.utf8))) == true)

        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("a partial last line waits for its end; the offset covers only complete lines")
    func partialLineWaits() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "50", "--deltas", "6"])
        try worker.start()
        let first = try WireCoding.encodeLine(InboxLine(userContent: "complete line", injectionID: "inj-1"))
        let second = try WireCoding.encodeLine(InboxLine(userContent: "split across two writes", injectionID: "inj-2"))
        let cut = second.count / 2

        // One write holding a complete line and half of the next: the worker polls many times during the first
        // turn (20 ms polls, a turn of ~300 ms) and must never take the half line.
        try worker.appendInbox(first + second[..<cut])
        let during = try await worker.waitFor("the first turn") { $0.turnCompleted("inj-1") }
        #expect(during.errors("inbox_corrupt_line").isEmpty)
        #expect(during.agentMessages("turn/started").count == 1)
        let saved = try #require(FileManager.default.contents(atPath: worker.inboxOffsetPath))
        let offset = try WireCoding.decode(JSONValue.self, from: Array(saved))["offset"]
        #expect(offset == .number(Double(first.count)))

        try worker.appendInbox(Array(second[cut...]))
        let records = try await worker.waitFor("the second turn") { $0.turnCompleted("inj-2") }

        #expect(records.errors("inbox_corrupt_line").isEmpty)
        #expect(
            records.answer(of: "inj-2")?.contains(PromptDigest.text(of: Array("split across two writes".utf8))) == true)
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("the inbox offset is kept in the run folder: the agent's working directory holds nothing of the worker's")
    func offsetOutsideTheAgentFolder() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "0"])
        try worker.start()
        try worker.inject("list your folder", id: "inj-ls")
        try await worker.waitFor("the turn") { $0.turnCompleted("inj-ls") }

        // Only what the agent itself keeps there (the demo agent stores its threads, as codex its rollouts).
        let contents = try FileManager.default.contentsOfDirectory(atPath: worker.agentDirectory)
        #expect(contents.filter { $0 != ".codeswarm-demo-threads" } == [])
        let saved = try #require(FileManager.default.contents(atPath: worker.inboxOffsetPath))
        let inboxSize = try #require(FileManager.default.attributesOfItem(atPath: worker.inboxPath)[.size] as? Int)
        #expect(try WireCoding.decode(JSONValue.self, from: Array(saved))["offset"] == .number(Double(inboxSize)))
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("an offset an older worker left in the agent folder is moved to the run folder and nothing is replayed")
    func legacyOffsetMigrated() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "0"])
        // What an older worker left behind: one handled prompt, and its offset in the agent folder.
        try worker.inject("handled before the upgrade", id: "inj-old")
        var status = stat()
        #expect(stat(worker.inboxPath, &status) == 0)
        let legacyPath = "\(worker.agentDirectory)/.codeswarm-inbox-offset.json"
        try FileManager.default.createDirectory(atPath: worker.agentDirectory, withIntermediateDirectories: true)
        let legacy = #"{"inode":\#(status.st_ino),"offset":\#(status.st_size)}"#
        try Data(legacy.utf8).write(to: URL(fileURLWithPath: legacyPath))

        try worker.start()
        try worker.inject("after the upgrade", id: "inj-new")
        let records = try await worker.waitFor("the new turn") { $0.turnCompleted("inj-new") }

        #expect(records.agentMessages("turn/started").map(\.injectionID) == ["inj-new"])
        #expect(!FileManager.default.fileExists(atPath: legacyPath))
        let saved = try #require(FileManager.default.contents(atPath: worker.inboxOffsetPath))
        let moved = try WireCoding.decode(JSONValue.self, from: Array(saved))
        #expect(moved["inode"] == .number(Double(status.st_ino)))
        #expect((moved["offset"]?.intValue ?? 0) > Int(status.st_size))
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("with inotify off (a prompt written on another host of a shared filesystem) the poll alone finds it")
    func pollWithoutInotify() async throws {
        let worker = try WorkerProcessFixture(
            agent: ["codeswarm", "demo-agent", "--delay-ms", "0"], inotify: false, idlePollMilliseconds: 100)
        try worker.start()
        try worker.inject("first", id: "inj-1")
        try await worker.waitFor("the first turn") { $0.turnCompleted("inj-1") }
        try worker.inject("second", id: "inj-2")
        let records = try await worker.waitFor("the second turn") { $0.turnCompleted("inj-2") }
        #expect(records.agentMessages("turn/started").map(\.injectionID) == ["inj-1", "inj-2"])
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }

    @Test("corrupt and unsupported inbox lines are reported and skipped; the next good line runs")
    func corruptLinesSkipped() async throws {
        let worker = try WorkerProcessFixture(agent: ["codeswarm", "demo-agent", "--delay-ms", "0"])
        try worker.start()

        try worker.appendInbox(Array("this is not json\n".utf8))
        try worker.appendInbox(Array(#"{"type":"shutdown"}"#.utf8) + [0x0A])
        try worker.inject("still works", id: "inj-ok")
        let records = try await worker.waitFor("the good turn") { $0.turnCompleted("inj-ok") }

        #expect(records.errors("inbox_corrupt_line").count == 1)
        #expect(records.errors("inbox_unsupported_type").count == 1)
        worker.send(signal: SIGTERM)
        #expect(try await worker.waitForExit() == .exited(0))
    }
}

import CodeswarmProtocol
import DashboardCore
import Testing

/// The bounded per-node scrollback and its scroll positions.
@Suite struct TranscriptTests {
    @Test("deltas build one streaming entry; the final message replaces it")
    func deltas() {
        var transcript = NodeTranscript()
        transcript.appendDelta("Hel", turnKey: "t1")
        transcript.appendDelta("lo", turnKey: "t1")
        #expect(transcript.entries.count == 1)
        #expect(transcript.entries[0].text == "Hello")
        #expect(transcript.entries[0].isStreaming)
        transcript.finishAssistant("Hello!", turnKey: "t1")
        #expect(transcript.entries.count == 1)
        #expect(transcript.entries[0].text == "Hello!")
        #expect(!transcript.entries[0].isStreaming)
    }

    @Test("a command between deltas starts a new assistant entry, keeping the order")
    func interleaved() {
        var transcript = NodeTranscript()
        transcript.appendDelta("Let me build.", turnKey: "t1")
        transcript.append(.command, "swift build", turnKey: "t1")
        transcript.appendDelta("Done.", turnKey: "t1")
        #expect(transcript.entries.map(\.text) == ["Let me build.", "swift build", "Done."])
    }

    @Test("a final message without deltas is appended; prompts are added once per injection")
    func finalOnly() {
        var transcript = NodeTranscript()
        transcript.appendPrompt("hi", injectionID: "inj-1")
        transcript.appendPrompt("hi", injectionID: "inj-1")
        transcript.finishAssistant("Answer", turnKey: "t9")
        #expect(transcript.entries.map(\.kind) == [.prompt, .assistant])
    }

    @Test("old entries fall off the top; ids keep increasing")
    func eviction() {
        var transcript = NodeTranscript()
        for index in 0..<(NodeTranscript.maximumEntries + 5) { transcript.append(.info, "line \(index)") }
        #expect(transcript.entries.count == NodeTranscript.maximumEntries)
        #expect(transcript.entries.first?.id == 5)
        #expect(transcript.index(ofID: 2) == 0)
        #expect(transcript.index(ofID: 10) == 5)
    }

    @Test("one huge stream keeps its newest part")
    func hugeEntry() {
        var transcript = NodeTranscript()
        transcript.appendDelta(String(repeating: "x", count: NodeTranscript.maximumEntryBytes * 2), turnKey: nil)
        transcript.appendDelta("END", turnKey: nil)
        let text = transcript.entries[0].text
        #expect(text.utf8.count <= NodeTranscript.maximumEntryBytes)
        #expect(text.hasPrefix("… "))
        #expect(text.hasSuffix("END"))
    }

    @Test("the window shows the newest lines when following")
    func windowFollowing() {
        var transcript = NodeTranscript()
        for index in 0..<10 { transcript.append(.info, "n\(index)") }
        let window = TranscriptLines.window(of: transcript, width: 10, height: 3, position: .following)
        #expect(window.lines.map(\.text) == ["· n7", "· n8", "· n9"])
        #expect(window.linesBelow == 0)
    }

    @Test("scrolling up pins the view; new text below does not move it; scrolling back down follows again")
    func pinning() {
        var transcript = NodeTranscript()
        for index in 0..<10 { transcript.append(.info, "n\(index)") }
        let up = TranscriptLines.scrolled(.following, by: -2, in: transcript, width: 10, height: 3)
        #expect(up == .pinned(entryID: 7, linesBelow: 0))
        transcript.append(.info, "n10")
        transcript.append(.info, "n11")
        let window = TranscriptLines.window(of: transcript, width: 10, height: 3, position: up)
        #expect(window.lines.map(\.text) == ["· n5", "· n6", "· n7"])
        #expect(window.linesBelow == 4)
        let down = TranscriptLines.scrolled(up, by: 100, in: transcript, width: 10, height: 3)
        #expect(down == .following)
    }

    @Test("the paused footer counts wrapped lines below the pane, not entries")
    func linesBelowCountsLines() {
        var transcript = NodeTranscript()
        for index in 0..<6 { transcript.append(.info, "n\(index)") }
        let up = TranscriptLines.scrolled(.following, by: -1, in: transcript, width: 10, height: 3)
        // One entry below the pane, eight words that wrap to four lines at width 10.
        transcript.append(.assistant, "aaaa bbbb cccc dddd eeee ffff gggg hhhh")
        let window = TranscriptLines.window(of: transcript, width: 10, height: 3, position: up)
        #expect(window.lines.map(\.text) == ["· n2", "· n3", "· n4"])
        #expect(window.linesBelow == 1 + 4)
    }

    @Test("scrolling to the top shows the first screenful and stops there")
    func top() {
        var transcript = NodeTranscript()
        for index in 0..<10 { transcript.append(.info, "n\(index)") }
        let top = TranscriptLines.scrolled(.following, by: -1000, in: transcript, width: 10, height: 3)
        let window = TranscriptLines.window(of: transcript, width: 10, height: 3, position: top)
        #expect(window.lines.map(\.text) == ["· n0", "· n1", "· n2"])
        let further = TranscriptLines.scrolled(top, by: -5, in: transcript, width: 10, height: 3)
        #expect(further == top)
    }

    @Test("entries render with their prefixes and wrap with a hanging indent")
    func rendering() {
        let prompt = TranscriptEntry(id: 0, kind: .prompt, text: "make the tests pass", isStreaming: false)
        #expect(TranscriptLines.lines(for: prompt, width: 12).map(\.text) == ["› make the", "  tests pass"])
        let turn = TranscriptEntry(id: 1, kind: .turnEnded, text: "turn completed", isStreaming: false)
        #expect(TranscriptLines.lines(for: turn, width: 22).map(\.text) == ["── turn completed ────"])
        let error = TranscriptEntry(id: 2, kind: .error, text: "boom", isStreaming: false)
        #expect(TranscriptLines.lines(for: error, width: 10).map(\.role) == [.error])
    }
}

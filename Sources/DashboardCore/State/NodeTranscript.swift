import CodeswarmProtocol
import DequeModule

/// A node's bounded scrollback: old entries fall off the top when it grows past its limits.
package struct NodeTranscript: Sendable, Hashable {
    package private(set) var entries: Deque<TranscriptEntry> = []
    private var nextID = 0
    private var utf8Count = 0
    /// Injections whose prompt is already shown, so acks from several sources add it once.
    private var shownPrompts: Deque<InjectionID> = []

    /// The most entries kept.
    package static let maximumEntries = 2000
    /// The most text kept, in UTF-8 bytes over all entries.
    package static let maximumBytes = 512 * 1024
    /// The most text one entry keeps; a longer stream keeps its newest part.
    package static let maximumEntryBytes = 64 * 1024

    package init() {}

    /// The id of the newest entry, if any.
    package var lastID: Int? { entries.last?.id }

    /// Appends a finished entry.
    package mutating func append(
        _ kind: TranscriptEntry.Kind, _ text: String, turnKey: String? = nil, injectionID: InjectionID? = nil
    ) {
        let clean = Self.capped(TextSanitizer.clean(text))
        entries.append(
            TranscriptEntry(
                id: nextID, kind: kind, text: clean, isStreaming: false, turnKey: turnKey, injectionID: injectionID))
        nextID += 1
        utf8Count += clean.utf8.count
        evict()
    }

    /// Adds the prompt of `injectionID` once, however many times it is reported.
    package mutating func appendPrompt(_ text: String, injectionID: InjectionID) {
        guard !shownPrompts.contains(injectionID) else { return }
        shownPrompts.append(injectionID)
        if shownPrompts.count > 64 { shownPrompts.removeFirst() }
        append(.prompt, text, turnKey: injectionID.rawValue, injectionID: injectionID)
    }

    /// Extends the streaming entry of `kind` (assistant text by default) and `turnKey`, or starts one.
    package mutating func appendDelta(
        _ text: String, turnKey: String?, injectionID: InjectionID? = nil, kind: TranscriptEntry.Kind = .assistant
    ) {
        let clean = TextSanitizer.clean(text)
        if let last = entries.indices.last, entries[last].isStreaming, entries[last].turnKey == turnKey,
            entries[last].kind == kind
        {
            // Appending in place keeps a long stream linear; capping only runs when it overflows.
            utf8Count += clean.utf8.count
            entries[last].text.append(clean)
            if entries[last].text.utf8.count > Self.maximumEntryBytes {
                utf8Count -= entries[last].text.utf8.count
                entries[last].text = Self.capped(entries[last].text)
                utf8Count += entries[last].text.utf8.count
            }
            evict()
            return
        }
        let first = Self.capped(clean)
        entries.append(
            TranscriptEntry(
                id: nextID, kind: kind, text: first, isStreaming: true, turnKey: turnKey, injectionID: injectionID))
        nextID += 1
        utf8Count += first.utf8.count
        evict()
    }

    /// Replaces the streaming entry of `kind` and `turnKey` with the final text, or appends the text.
    package mutating func finishAssistant(
        _ text: String, turnKey: String?, injectionID: InjectionID? = nil, kind: TranscriptEntry.Kind = .assistant
    ) {
        let clean = Self.capped(TextSanitizer.clean(text))
        let searchStart = max(entries.startIndex, entries.endIndex - 16)
        if let index = entries[searchStart...].lastIndex(where: {
            $0.isStreaming && $0.turnKey == turnKey && $0.kind == kind
        }) {
            utf8Count += clean.utf8.count - entries[index].text.utf8.count
            entries[index].text = clean
            entries[index].isStreaming = false
            evict()
            return
        }
        append(kind, clean, turnKey: turnKey, injectionID: injectionID)
    }

    /// Replaces the text of the recent entry keyed `turnKey` (a file change that completed, a plan that changed),
    /// or appends one.
    package mutating func upsert(
        _ kind: TranscriptEntry.Kind, _ text: String, turnKey: String, injectionID: InjectionID? = nil
    ) {
        let searchStart = max(entries.startIndex, entries.endIndex - 32)
        if let index = entries[searchStart...].lastIndex(where: { $0.kind == kind && $0.turnKey == turnKey }) {
            let clean = Self.capped(TextSanitizer.clean(text))
            utf8Count += clean.utf8.count - entries[index].text.utf8.count
            entries[index].text = clean
            evict()
            return
        }
        append(kind, text, turnKey: turnKey, injectionID: injectionID)
    }

    /// Finishes the newest streaming entry of `kind` (command output when its command completes); true if one was.
    @discardableResult
    package mutating func closeLatestStream(of kind: TranscriptEntry.Kind) -> Bool {
        let searchStart = max(entries.startIndex, entries.endIndex - 16)
        guard let index = entries[searchStart...].lastIndex(where: { $0.isStreaming && $0.kind == kind }) else {
            return false
        }
        entries[index].isStreaming = false
        return true
    }

    /// True when an error entry of the current turn (since the last turn boundary) already says `message`.
    ///
    /// The router reports a crash twice over: as an `agent_error`, then as the failed `turn_complete`
    /// carrying the same text; the pane shows it once.
    package func hasRecentError(_ message: String) -> Bool {
        let clean = TextSanitizer.clean(message)
        for entry in entries.suffix(32).reversed() {
            if entry.kind == .turnEnded || entry.kind == .prompt { return false }
            if entry.kind == .error, entry.text.hasPrefix(clean) { return true }
        }
        return false
    }

    /// Marks every streaming entry of `turnKey` finished (the turn ended without a final message).
    package mutating func closeStreams(turnKey: String?) {
        for index in entries.indices where entries[index].isStreaming && entries[index].turnKey == turnKey {
            entries[index].isStreaming = false
        }
    }

    /// The index of the entry with `id`, or of the first later one when it has been evicted.
    package func index(ofID id: Int) -> Int? {
        guard let first = entries.first else { return nil }
        let offset = id - first.id
        if offset < 0 { return 0 }
        return offset < entries.count ? offset : nil
    }

    private mutating func evict() {
        while entries.count > 1, entries.count > Self.maximumEntries || utf8Count > Self.maximumBytes {
            let removed = entries.removeFirst()
            utf8Count -= removed.text.utf8.count
        }
    }

    /// Keeps the newest part of an over-long text, marked with a leading ellipsis.
    private static func capped(_ text: String) -> String {
        guard text.utf8.count > maximumEntryBytes else { return text }
        let keep = maximumEntryBytes * 3 / 4
        let tail = text.utf8.suffix(keep)
        return "… " + String(decoding: tail, as: UTF8.self)
    }
}

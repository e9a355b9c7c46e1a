import CodeswarmProtocol
import Foundation

/// One unwrapped line of a transcript, with the entry it comes from.
package struct PlainLine: Sendable, Hashable {
    package var text: String
    package var role: StyleRole
    /// The index in the transcript's entries of the entry this line belongs to.
    package var entryIndex: Int
}

/// A transcript as plain, unwrapped lines: what the plain view shows, and what copies and exports write.
///
/// Lines keep the pane's prefixes (`› ` prompts, `$ ` commands, `✗ ` errors) but are never wrapped, so a
/// selection made with the mouse, a file and the clipboard all get the text exactly as the agent wrote it.
package enum PlainTranscript {
    /// The lines of one entry: its text split at newlines, the first line prefixed, the others indented.
    package static func lines(for entry: TranscriptEntry) -> [String] {
        if entry.kind == .turnEnded { return ["── \(TextSanitizer.singleLine(entry.text)) ──"] }
        let prefix = TranscriptLines.style(of: entry.kind).prefix
        let continuation = String(repeating: " ", count: CharacterWidth.of(prefix))
        let parts = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, line in (index == 0 ? prefix : continuation) + line }
    }

    /// Every line of `transcript`, oldest first.
    package static func lines(of transcript: NodeTranscript) -> [PlainLine] {
        var result: [PlainLine] = []
        for (index, entry) in transcript.entries.enumerated() {
            let role = TranscriptLines.style(of: entry.kind).role
            for text in lines(for: entry) { result.append(PlainLine(text: text, role: role, entryIndex: index)) }
        }
        return result
    }

    /// The entries of the turn that entry `index` belongs to: all entries of its injection (the prompt, the
    /// answer, commands, errors and the turn's end); an entry outside any injection stands alone.
    package static func turn(in transcript: NodeTranscript, at index: Int) -> [TranscriptEntry] {
        guard transcript.entries.indices.contains(index) else { return [] }
        guard let injection = transcript.entries[index].injectionID else { return [transcript.entries[index]] }
        return transcript.entries.filter { $0.injectionID == injection }
    }

    /// The index of the newest entry that belongs to a turn, the one copied while a pane follows its text.
    package static func latestTurnIndex(in transcript: NodeTranscript) -> Int? {
        transcript.entries.lastIndex { $0.injectionID != nil } ?? transcript.entries.indices.last
    }

    /// The text of `entries` for a file or the clipboard, one line per line, ending in a newline.
    package static func text(of entries: some Sequence<TranscriptEntry>) -> String {
        entries.flatMap(lines(for:)).joined(separator: "\n") + "\n"
    }

    /// A file name for an export: `1a2b3c4d-node3-turn-20260101T000000Z.md`.
    package static func fileName(swarmID: SwarmID, nodeID: Int, kind: String, at date: Date) -> String {
        // The wire timestamp's date and time without separators, in UTC: sortable and safe in any file system.
        let stamp = WireTimestamp.string(from: date).prefix(19).filter { $0 != "-" && $0 != ":" }
        let swarm = TextFormat.shortID(swarmID.rawValue).filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return "\(swarm.isEmpty ? "swarm" : swarm)-node\(nodeID)-\(kind)-\(stamp)Z.md"
    }
}

/// One display line of a transcript with its role.
package struct StyledLine: Sendable, Hashable {
    package var text: String
    package var role: StyleRole

    package init(_ text: String, role: StyleRole) {
        self.text = text
        self.role = role
    }
}

/// Turns transcript entries into wrapped display lines, and moves scroll positions over them.
package enum TranscriptLines {
    /// The lines of `entry` at `width` cells: a prefix marks the kind (`›` prompt, `$` command, `✗` error…).
    package static func lines(for entry: TranscriptEntry, width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        let (prefix, role) = style(of: entry.kind)
        if entry.kind == .turnEnded {
            let label = TextFormat.truncate("── \(TextSanitizer.singleLine(entry.text)) ", to: width)
            let rule = String(repeating: "─", count: max(0, width - CharacterWidth.of(label)))
            return [StyledLine(label + rule, role: role)]
        }
        let indent = CharacterWidth.of(prefix)
        let body = TextWrap.lines(entry.text, width: max(1, width - indent))
        let continuation = String(repeating: " ", count: indent)
        return body.enumerated().map { index, line in
            StyledLine((index == 0 ? prefix : continuation) + line, role: role)
        }
    }

    /// How many lines `lines(for:width:)` returns.
    package static func lineCount(for entry: TranscriptEntry, width: Int) -> Int {
        guard width > 0 else { return 0 }
        if entry.kind == .turnEnded { return 1 }
        let indent = CharacterWidth.of(style(of: entry.kind).prefix)
        return TextWrap.lineCount(entry.text, width: max(1, width - indent))
    }

    /// The prefix and role of each kind of entry.
    static func style(of kind: TranscriptEntry.Kind) -> (prefix: String, role: StyleRole) {
        switch kind {
        case .prompt: ("› ", .userText)
        case .assistant: ("", .normal)
        case .command: ("$ ", .command)
        case .commandResult(let failed): ("  ", failed ? .error : .dim)
        case .turnEnded: ("", .dim)
        case .error: ("✗ ", .error)
        case .info: ("· ", .dim)
        case .approval: ("⚑ ", .warning)
        }
    }

    /// What a pane shows: up to `height` lines ending at `position`, and how many wrapped lines lie below it.
    package static func window(
        of transcript: NodeTranscript, width: Int, height: Int, position: ScrollPosition
    ) -> (lines: [StyledLine], linesBelow: Int) {
        guard width > 0, height > 0, !transcript.entries.isEmpty else { return ([], 0) }
        let entries = transcript.entries
        var anchor = entries.count - 1
        var skip = 0
        if case .pinned(let entryID, let linesBelow) = position, let index = transcript.index(ofID: entryID) {
            anchor = index
            skip = linesBelow
        }
        // Walk up from the anchor, newest first, until the pane is full.
        var collected: [StyledLine] = []
        var index = anchor
        while index >= 0, collected.count < height {
            var entryLines = lines(for: entries[index], width: width)
            if index == anchor, skip > 0 { entryLines.removeLast(min(skip, entryLines.count)) }
            collected.insert(contentsOf: entryLines.suffix(height - collected.count), at: 0)
            index -= 1
        }
        // Scrolled to the very top, a pinned pane may show less than a screenful: fill it from below the anchor.
        var filledBelow = 0
        if collected.count < height, index < 0 {
            let anchorLines = lines(for: entries[anchor], width: width)
            var below = Array(anchorLines.suffix(min(skip, anchorLines.count)))
            var next = anchor + 1
            while collected.count + below.count < height, next < entries.count {
                below += lines(for: entries[next], width: width)
                next += 1
            }
            filledBelow = min(below.count, height - collected.count)
            collected += below.prefix(filledBelow)
        }
        guard case .pinned = position else { return (collected, 0) }
        // What the footer counts: the anchor's lines below the pane, then every later entry's lines.
        var below = min(skip, lineCount(for: entries[anchor], width: width))
        for next in entries.index(after: anchor)..<entries.endIndex {
            below += lineCount(for: entries[next], width: width)
        }
        return (collected, max(0, below - filledBelow))
    }

    /// `position` moved by `delta` lines (negative is up); reaching the newest line means following again.
    package static func scrolled(
        _ position: ScrollPosition, by delta: Int, in transcript: NodeTranscript, width: Int, height: Int
    ) -> ScrollPosition {
        guard width > 0, !transcript.entries.isEmpty else { return .following }
        let counts = transcript.entries.map { lineCount(for: $0, width: width) }
        let total = counts.reduce(0, +)
        // Work in absolute line numbers: the bottom edge of the pane, counted from the first line.
        var bottom = total
        if case .pinned(let entryID, let linesBelow) = position, let index = transcript.index(ofID: entryID) {
            bottom = counts[...index].reduce(0, +) - linesBelow
        }
        let lowest = min(height, total)
        let target = delta < 0 ? max(lowest, bottom + max(delta, -total)) : min(total, bottom + min(delta, total))
        if target >= total { return .following }
        var end = 0
        for (index, count) in counts.enumerated() {
            end += count
            if end >= target {
                return .pinned(entryID: transcript.entries[index].id, linesBelow: end - target)
            }
        }
        return .following
    }
}
